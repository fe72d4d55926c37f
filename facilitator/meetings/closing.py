"""Closing a meeting: recording its outcome (and so its dispute-resolution case)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for

from .. import access
from ..extensions import db
from .models import Meeting
from .outcomes import OutcomeError, OutcomeForm, outcome_choices, record_outcome
from .routes import bp


@bp.post("/meetings/<int:meeting_id>/outcome")
@access.require("edit_meetings")
def outcome(meeting_id: int):
    """Mark a facilitated IEP or mediation held with its outcome (and update its case)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = OutcomeForm(meeting)
    if not form.validate_on_submit():
        flash("Choose how the meeting ended.", "error")
    else:
        try:
            messages = record_outcome(meeting, form.outcome.data)
        except OutcomeError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            said = outcome_choices(meeting)[meeting.outcome].lower()
            flash(" ".join([f"The meeting is marked held: {said}.", *messages]), "success")
    target = "meetings.after" if request.args.get("next") == "after" else "meetings.detail"
    return redirect(url_for(target, meeting_id=meeting.id))
