"""Closing a meeting: recording its outcome (and so its dispute-resolution case)."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import access
from ..extensions import db
from ..families.models import TipKind
from . import services
from .forms import (
    ReflectionForm,
    ReflectionTipForm,
    StatusForm,
)
from .models import (
    Meeting,
    MeetingStatus,
)
from .outcomes import OutcomeError, OutcomeForm, outcome_choices, record_outcome
from .services import MeetingError
from .views import bp, checklist_view


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


# --- after the meeting -----------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/after")
@access.signed_in
def after(meeting_id: int):
    """Close the meeting: the after-checklist, a reflection, and the tip-file step."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/after.html", **after_context(meeting))


def after_context(meeting: Meeting, reflection_form=None, tip_form=None,
                  send_form=None) -> dict:
    """What the after page shows; a form given is shown as sent, with its errors."""
    r = meeting.reflection
    reflection_form = reflection_form or ReflectionForm(
        formdata=None, what_worked=r.what_worked if r else "",
        what_did_not=r.what_did_not if r else "")
    tip_form = tip_form or ReflectionTipForm(
        formdata=None, kind=TipKind.OTHER.value, text=services.reflection_tip_text(meeting))
    return {"meeting": meeting, "checklist": checklist_view(meeting, "after"),
            "reflection_form": reflection_form, "tip_form": tip_form,
            "status_form": StatusForm(status=meeting.status), "held": MeetingStatus.HELD,
            "outcome_form": OutcomeForm(meeting, formdata=None, outcome=meeting.outcome or None),
            "send_form": send_form}


@bp.post("/meetings/<int:meeting_id>/reflection")
@access.require("edit_meetings")
def reflection(meeting_id: int):
    """Save what worked and what did not."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = ReflectionForm()
    if form.validate_on_submit():
        services.save_reflection(meeting, form.what_worked.data or "",
                                 form.what_did_not.data or "", current_user.id)
        db.session.commit()
        flash("Your reflection is saved.", "success")
        return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#reflection")
    return render_template("meetings/after.html",
                           **after_context(meeting, reflection_form=form)), 200


@bp.post("/meetings/<int:meeting_id>/reflection/tip")
@access.require("edit_meetings")
def reflection_tip(meeting_id: int):
    """Turn the reflection into an entry of the family's tip file, in one step."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if not access.can("edit_families"):
        abort(403)
    form = ReflectionTipForm()
    if form.validate_on_submit():
        try:
            services.reflection_to_tip(meeting, form.kind.data, form.text.data, current_user.id)
        except MeetingError as exc:
            flash(str(exc), "error")
            return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#reflection")
        db.session.commit()
        flash(f"Added to {meeting.family.student_name}'s tip file. It will show when the "
              "next meeting is prepared.", "success")
        return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#to-tip")
    return render_template("meetings/after.html",
                           **after_context(meeting, tip_form=form)), 200
