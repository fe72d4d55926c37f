"""The live meeting view and its notes: autosaved, versioned, never silently overwritten."""

from __future__ import annotations

from functools import wraps

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from .. import access, audit
from ..db import begin_write
from ..extensions import db
from ..validation import INT32, json_values, request_json
from . import live_fragments, notes
from .forms import NoteForm
from .live_models import NoteVersion
from .models import Meeting
from .notes import NoteConflict
from .services import MeetingError
from .views import bp

# --- the live meeting ------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/live")
@access.signed_in
def live(meeting_id: int):
    """The meeting on a tablet: checklist, agenda timers, notes, prompts, the boards."""
    head = live_fragments.read_head(meeting_id)
    if head.note_version is None:  # meetings made before notes existed: give them one
        begin_write()
        notes.ensure_note(access.get_or_404(Meeting, meeting_id))
        db.session.commit()
        head = live_fragments.read_head(meeting_id)
    html = live_fragments.live_page(head)
    audit.record(audit.Action.VIEWED, audit.RecordKind.MEETING_NOTES, head.id,
                 family_id=head.family_id)
    db.session.commit()
    return html


def _api(capability: str):
    """Like access.require, but answers JSON (a fetch must not follow a login redirect)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return jsonify(error="signed-out",
                               message="You are signed out. Your notes are kept in this "
                                       "browser; sign in again to send them."), 401
            if not access.can(capability):
                return jsonify(error="forbidden",
                               message="Your role cannot change these notes."), 403
            return view(*args, **kwargs)

        return access.declare(capability)(wrapped)

    return decorator


@bp.get("/meetings/<int:meeting_id>/notes")
@_api("edit_meetings")
def notes_get(meeting_id: int):
    """The notes as the server has them: text and version (JSON)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    note = meeting.note
    return jsonify(body=note.body if note else "", version=note.version if note else 0)


@bp.post("/meetings/<int:meeting_id>/notes")
@_api("edit_meetings")
def notes_save(meeting_id: int):
    """Save the notes (JSON autosave or a form); a stale save merges, 409 on a real overlap."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if request.is_json:
        values, problem = json_values(request_json(), {"body": True},
                                      {"base_version": (0, INT32[1])})
        if problem:
            return jsonify(error="bad-request", message=problem), 400
        body, base = values["body"], values["base_version"]
    else:
        form = NoteForm()
        if not form.validate_on_submit():
            flash("The notes could not be saved: reload the page and try again.", "error")
            return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")
        body, base = form.body.data or "", form.base_version.data
    body = body.replace("\r\n", "\n")
    try:
        saved = notes.save_note(meeting, body, base, current_user.id)
    except NoteConflict as conflict:
        db.session.rollback()
        if request.is_json:
            return jsonify(error="conflict",
                           message=f"{conflict.updated_by} saved these notes while you were "
                                   "typing. Nothing was overwritten: merge the two versions.",
                           server_body=conflict.body, server_version=conflict.version), 409
        return render_template("meetings/notes_conflict.html", meeting=meeting, mine=body,
                               conflict=conflict,
                               form=NoteForm(formdata=None, body=body,
                                             base_version=conflict.version)), 409
    except MeetingError as exc:
        db.session.rollback()
        if request.is_json:
            return jsonify(error="too-long", message=str(exc)), 413
        flash(str(exc), "error")
        return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")
    db.session.commit()
    if request.is_json:
        if saved.merged:  # the editor shows the merged text; mine_version holds what it sent
            return jsonify(version=saved.version, saved_at=saved.saved_at.isoformat(),
                           merged=True, body=saved.body, mine_version=saved.mine_version)
        return jsonify(version=saved.version, saved_at=saved.saved_at.isoformat())
    if saved.merged:
        flash(f"Someone saved while you typed; both changes are kept (version "
              f"{saved.version}).", "success")
    else:
        flash(f"The notes are saved (version {saved.version}).", "success")
    return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")


@bp.get("/meetings/<int:meeting_id>/notes/versions")
@access.signed_in
def note_versions(meeting_id: int):
    """Every saved version of the notes, newest first."""
    meeting = access.get_or_404(Meeting, meeting_id)
    versions = notes.note_versions(meeting.note) if meeting.note else []
    html = render_template("meetings/note_versions.html", meeting=meeting, versions=versions)
    audit.record(audit.Action.VIEWED, audit.RecordKind.MEETING_NOTES, meeting.id,
                 family_id=meeting.family_id)
    db.session.commit()
    return html


@bp.get("/meetings/<int:meeting_id>/notes/versions/<int:version>")
@access.signed_in
def note_version(meeting_id: int, version: int):
    """One saved version of the notes, as it was."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if meeting.note is None:
        abort(404)
    found = db.session.execute(db.select(NoteVersion).where(
        NoteVersion.note_id == meeting.note.id, NoteVersion.version == version)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    html = render_template("meetings/note_version.html", meeting=meeting, version=found)
    audit.record(audit.Action.VIEWED, audit.RecordKind.MEETING_NOTES, meeting.id,
                 family_id=meeting.family_id)
    db.session.commit()
    return html
