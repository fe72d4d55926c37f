"""Sending the family's meeting summary and action plan to the guardians, when the
facilitator chooses: the Word file attached, in the family's language."""

from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import HiddenField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from .. import access, audit
from ..auth.models import User
from ..documents import meeting_summary as doc
from ..extensions import db
from ..i18n import family_language
from ..notify.services import idempotency_key, queue_message
from ..validation import CheckedForm as FlaskForm
from .closing import after_context
from .mail import meeting_context
from .models import Meeting
from .summary import DOCX_MIMETYPE, family_summary_data
from .views import bp

LANGUAGES = {"en": "English", "es": "Spanish (español)"}


class SendSummaryForm(FlaskForm):
    language = SelectField("Language", choices=[SelectChoice(k, v) for k, v in LANGUAGES.items()])
    #: One click is one sending: a repeated POST of the same form sends nothing new.
    nonce = HiddenField(validators=[DataRequired(), Length(max=40)])


@bp.app_template_global()
def summary_send_defaults(meeting: Meeting, form: SendSummaryForm | None = None) -> dict:
    """What the send form on the after page starts with (after a refused send: the message,
    and the language asked for when it was one of ours)."""
    language = family_language(meeting.family)
    error = ""
    if form is not None and form.errors:
        if form.language.errors:
            error = "Choose English or Spanish for the summary, then send it again."
        else:
            error = ("The send form came back damaged or incomplete, so nothing was sent. "
                     "Send it again from here.")
            language = form.language.data
    return {"language": language, "nonce": secrets.token_hex(12), "languages": LANGUAGES,
            "guardians": [c for c in meeting.family.guardians if c.email], "error": error}


def build_summary(meeting: Meeting, language: str) -> tuple[str, bytes]:
    """(file name, Word file) in ``language``, the one chosen on the form, not the family's:
    the family's copy (the final version once there is one)."""
    data = family_summary_data(meeting, language)
    return doc.filename(data), doc.build_meeting_summary(data)


def _recipients_text(addresses: list[str]) -> str:
    """The guardians written to, within the record's limit (the count says the rest)."""
    text = "; ".join(addresses)
    if len(text) <= audit.services.MAX_RECIPIENT:
        return text
    shown = "; ".join(a.rsplit(" <", 1)[-1].rstrip(">") for a in addresses)
    return shown if len(shown) <= audit.services.MAX_RECIPIENT else \
        f"{len(addresses)} guardians of the family"


def send_summary(meeting: Meeting, language: str, nonce: str, user_id: int) -> int:
    """Queue the summary for each guardian with an email address; returns how many."""
    guardians = [c for c in meeting.family.guardians if c.email]
    if not guardians:
        return 0
    name, body = build_summary(meeting, language)
    attachment = (name, DOCX_MIMETYPE, body)
    sent_to = []
    for contact in guardians:
        _, created = queue_message(
            organization_id=meeting.organization_id,
            key=idempotency_key("summary", meeting.id, contact.id, nonce), kind="summary",
            recipient=contact.email, recipient_name=contact.name, template="summary",
            language=language, reply_to=meeting.facilitator.email if meeting.facilitator else "",
            context={**meeting_context(meeting, language), "person": contact.name},
            attachment=attachment, meeting_id=meeting.id, family_id=meeting.family_id)
        if created:
            sent_to.append(f"{contact.name} <{contact.email.strip()}>")
    if sent_to:
        # A disclosure outside the organization: one entry per sending, in this transaction.
        audit.record(audit.Action.DISCLOSED, audit.RecordKind.MEETING_SUMMARY, meeting.id,
                     family_id=meeting.family_id, recipient=_recipients_text(sent_to),
                     purpose="Meeting summary and action plan sent to the family",
                     user=db.session.get(User, user_id),
                     organization_id=meeting.organization_id)
    return len(sent_to)


@bp.post("/meetings/<int:meeting_id>/summary/send")
@access.require("edit_meetings")
def summary_send(meeting_id: int):
    """Mail the family's summary and action plan (Word file) to the guardians."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = SendSummaryForm()
    if not form.validate_on_submit():
        # The after page again, with the send form and a sentence saying what to do.
        return render_template("meetings/after.html",
                               **after_context(meeting, send_form=form)), 200
    count = send_summary(meeting, form.language.data, form.nonce.data, current_user.id)
    db.session.commit()
    if count:
        flash(f"The summary is on its way to {count} guardian{'s' if count != 1 else ''} "
              f"({LANGUAGES[form.language.data]}).", "success")
    elif not [c for c in meeting.family.guardians if c.email]:
        flash("No guardian of this family has an email address. Add one on the family's "
              "page, or download the file and hand it over.", "error")
    else:
        flash("This summary was already sent.", "info")
    return redirect(url_for("meetings.after", meeting_id=meeting.id))
