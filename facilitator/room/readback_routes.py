"""The read-back at the end of a meeting, one item at a time on the display, and the summary
made final (then corrected, version by version)."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access
from ..db import begin_write
from ..extensions import db
from ..meetings.forms import ConfirmForm
from ..meetings.models import Meeting
from . import readback as rb
from . import versions
from .forms import CorrectionForm, ReadBackForm
from .models import ReadBackResult
from .state import display_for
from .views import bp


def _overview(meeting: Meeting, correction_form=None, status: int = 200):
    items = rb.readback_items(meeting)
    made = versions.versions_of(meeting)
    missing = rb.unmarked(meeting)
    next_step = items.index(missing[0]) + 1 if missing else 1
    return render_template(
        "room/readback.html", meeting=meeting, items=items, marks=rb.marks_for(meeting),
        versions=made, changes={v.number: json.loads(v.changes or "[]") for v in made},
        pending=versions.pending_changes(meeting) if made else [],
        missing=missing, next_step=next_step, confirm=ConfirmForm(),
        correction_form=correction_form or CorrectionForm(formdata=None)), status


@bp.get("/meetings/<int:meeting_id>/readback")
@access.signed_in
def readback(meeting_id: int):
    """Read-back: every agreement, decision and action item, and the summary's versions."""
    return _overview(access.get_or_404(Meeting, meeting_id))


@bp.route("/meetings/<int:meeting_id>/readback/<int:step>", methods=["GET", "POST"])
@access.require("edit_meetings")
def readback_step(meeting_id: int, step: int):
    """One item read aloud (shown on the display): confirmed or changed, owner, due, IEP."""
    if request.method == "GET":
        begin_write()  # the display follows the read-back
    meeting = access.get_or_404(Meeting, meeting_id)
    items = rb.readback_items(meeting)
    if not 1 <= step <= len(items):
        abort(404)
    item = items[step - 1]
    mark = rb.marks_for(meeting).get(item.key)
    form = ReadBackForm(formdata=request.form if request.method == "POST" else None,
                        text=item.text, owner=item.owner, due_date=item.due,
                        result=mark.result if mark else None,
                        placement=mark.placement if mark else None)
    form.text.id = "readback-text"
    if request.method == "POST" and form.validate_on_submit():
        changed = form.text.data.strip() != item.text.strip()
        result = ReadBackResult.CHANGED if changed else form.result.data
        try:
            rb.mark(meeting, item, result=result, placement=form.placement.data,
                    text=form.text.data, owner=form.owner.data or "", due=form.due_date.data,
                    user_id=current_user.id)
        except rb.ReadBackError as exc:
            db.session.rollback()
            (form.owner if "owner" in str(exc) else form.due_date if "date" in str(exc)
             else form.text).errors.append(str(exc))
        else:
            if step < len(items):
                rb.show_step(display_for(meeting, create=True), step + 1)
                db.session.commit()
                return redirect(url_for("room.readback_step", meeting_id=meeting.id,
                                        step=step + 1))
            rb.end_readback(display_for(meeting))
            db.session.commit()
            flash("Every item is read back. Make the summary final when the team is ready.",
                  "success")
            return redirect(url_for("room.readback", meeting_id=meeting.id) + "#final")
    elif request.method == "GET":
        rb.show_step(display_for(meeting, create=True), step)
        db.session.commit()
    return render_template("room/readback_step.html", meeting=meeting, item=item, step=step,
                           total=len(items), form=form, mark=mark), (
        400 if request.method == "POST" else 200)


@bp.post("/meetings/<int:meeting_id>/readback/stop")
@access.require("edit_meetings")
def readback_stop(meeting_id: int):
    """Take the read-back off the display (the marks stay)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if ConfirmForm().validate_on_submit():
        rb.end_readback(display_for(meeting))
        db.session.commit()
    return redirect(url_for("room.readback", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/summary/final")
@access.require("edit_meetings")
def summary_final(meeting_id: int):
    """Make the summary final (version 1, locked) once every item is read back."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    missing = rb.unmarked(meeting)
    if missing:
        flash(f"{len(missing)} item(s) are not read back yet, starting with "
              f"“{missing[0].text[:80]}”. Read them back first.", "error")
        return redirect(url_for("room.readback", meeting_id=meeting.id))
    if versions.versions_of(meeting):
        flash("The summary is already final. To change it, make a correction.", "error")
        return redirect(url_for("room.readback", meeting_id=meeting.id) + "#correct")
    versions.make_final(meeting, current_user.id)
    rb.end_readback(display_for(meeting))
    db.session.commit()
    flash("The summary is final (version 1). The family's copy is locked to it.", "success")
    return redirect(url_for("room.readback", meeting_id=meeting.id) + "#final")


@bp.post("/meetings/<int:meeting_id>/summary/correct")
@access.require("edit_meetings")
def summary_correct(meeting_id: int):
    """A correction: the next final version, with what changed, from the records as they are."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = CorrectionForm()
    if not versions.versions_of(meeting):
        flash("The summary is still a draft: read it back and make it final first.", "error")
        return redirect(url_for("room.readback", meeting_id=meeting.id))
    if not form.validate_on_submit():
        return _overview(meeting, form, 400)
    try:
        made = versions.make_final(meeting, current_user.id, form.reason.data)
    except versions.VersionError as exc:
        db.session.rollback()
        form.reason.errors.append(str(exc))
        return _overview(meeting, form, 400)
    db.session.commit()
    flash(f"Version {made.number} of the summary is made. The family's copy says it was "
          "corrected and what changed.", "success")
    return redirect(url_for("room.readback", meeting_id=meeting.id) + "#final")
