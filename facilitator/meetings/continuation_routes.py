"""Continue a meeting that ran out of time: schedule the follow-on from its overview."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from wtforms import DateTimeLocalField, IntegerField
from wtforms.validators import DataRequired, NumberRange

from .. import access
from ..extensions import db
from ..validation import CheckedForm
from . import continuation, mail, services
from .models import Meeting
from .views import bp


class ContinueForm(CheckedForm):
    """When the follow-on meeting is (the open agenda items are ticked boxes)."""

    starts_at = DateTimeLocalField(
        "The follow-on meeting starts", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(message="Enter the date and time the follow-on starts.")])
    duration_minutes = IntegerField("Planned length in minutes", default=60, validators=[
        DataRequired(message="Enter the planned length in minutes."),
        NumberRange(min=1, max=720, message="The planned length must be 1 to 720 minutes.")])


@bp.app_template_global()
def continuation_panel(meeting: Meeting, form: ContinueForm | None = None) -> Markup:
    """The overview's part about continuing: links both ways, or the form to continue."""
    return Markup(render_template(  # noqa: S704 - our own template
        "meetings/_continuation.html", meeting=meeting,
        follow_on=continuation.follow_on_of(meeting),
        earlier=continuation.continued_from(meeting),
        form=form or ContinueForm(formdata=None)))


@bp.post("/meetings/<int:meeting_id>/continue")
@access.require("edit_meetings")
def continue_meeting(meeting_id: int):
    """Mark the meeting continued and schedule its follow-on, carrying what is still open."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = ContinueForm()
    back = url_for("meetings.detail", meeting_id=meeting.id) + "#continue"
    if not form.validate_on_submit():
        flash("The follow-on was not scheduled. " + " ".join(
            e for errors in form.errors.values() for e in errors), "error")
        return redirect(back)
    known = {a.id for a in meeting.agenda_items}
    chosen = {int(v) for v in request.form.getlist("open_agenda") if v.isdigit()} & known
    start: datetime = services.from_local(form.starts_at.data)
    try:
        follow = continuation.continue_meeting(meeting, start, form.duration_minutes.data,
                                               chosen, current_user)
        invited = mail.sync_invitations(follow)
    except services.MeetingError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(f"This meeting continues on {services.to_local(follow.starts_at):%d %b %Y at %H:%M}; "
          f"{invited} invitation(s) are in the outbox.", "success")
    return redirect(url_for("meetings.detail", meeting_id=follow.id))
