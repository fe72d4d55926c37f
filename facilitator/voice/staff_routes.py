"""The facilitator's side: the family's input on the Prepare page, sending the link, and
one step to put a concern on the board."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from .. import access, audit
from ..extensions import db
from ..meetings.models import Meeting, Participant
from . import services
from .forms import ConfirmForm, SendLinkForm
from .models import FamilyConcern, InputStatus
from .routes import bp


def _send_form(meeting: Meeting) -> SendLinkForm:
    form = SendLinkForm()
    form.participant_id.choices = [SelectChoice(p.id, f"{p.name} ({p.email})")
                                   for p in services.guardians(meeting)]
    return form


@bp.app_template_global()
def family_input_panel(meeting: Meeting) -> Markup:
    """The Prepare page's panel; reading shared input is recorded (the view commits)."""
    items = services.inputs_for(meeting)
    if any(i.status == InputStatus.SHARED for i in items):
        audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY_INPUT, meeting.id,
                     family_id=meeting.family_id)
    return Markup(render_template(  # noqa: S704 - our own template
        "voice/_prepare.html", meeting=meeting, items=items, send_form=_send_form(meeting),
        confirm=ConfirmForm(), closed=services.started(meeting)))


def _back(meeting: Meeting):
    return redirect(url_for("meetings.prepare", meeting_id=meeting.id) + "#family-input")


@bp.post("/meetings/<int:meeting_id>/family-input/send")
@access.require("edit_meetings")
def send(meeting_id: int):
    """Send a guardian the link to their form (again), or put it in the invitation."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = _send_form(meeting)
    if not form.validate_on_submit():
        flash("Choose a parent or guardian with an email address. Add their address under "
              "Participants on the meeting's overview first.", "error")
        return _back(meeting)
    participant = access.get_or_404(Participant, form.participant_id.data,
                                    meeting_id=meeting.id)
    try:
        if form.how.data == "invitation":
            services.with_invitation(meeting, participant)
            message = (f"The link for {participant.name} will be in the meeting invitation "
                       "(and in any update sent after a change).")
        else:
            services.send_link(meeting, participant, current_user)
            message = f"The link for {participant.name} is in the outbox."
    except services.VoiceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _back(meeting)
    db.session.commit()
    flash(message, "success")
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/family-input/concerns/<int:concern_id>/board")
@access.require("edit_meetings")
def to_board(meeting_id: int, concern_id: int):
    """Put one of the family's concerns on the concerns board, in their words."""
    meeting = access.get_or_404(Meeting, meeting_id)
    concern = access.get_or_404(FamilyConcern, concern_id, meeting_id=meeting.id)
    if ConfirmForm().validate_on_submit():
        board = services.to_board(concern, meeting)
        db.session.commit()
        flash(f"On the concerns board: “{board.title}”.", "success")
    return _back(meeting)
