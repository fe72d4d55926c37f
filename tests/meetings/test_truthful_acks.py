"""A response reports what its own request wrote, even when another worker changes the
row between the commit and the response (the two-process proof is scripts/soak.py)."""

from __future__ import annotations

from contextlib import contextmanager

from flask import has_request_context
from helpers import csrf_token, post_form
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from facilitator.extensions import db
from facilitator.meetings.live_models import MeetingNote, NoteVersion
from facilitator.meetings.models import Meeting


@contextmanager
def another_worker_writes_after_commit(statement):
    """Run ``statement`` on a separate connection right after a request's commit."""
    fired = []

    def after_commit(session):
        if has_request_context() and not fired:
            fired.append(True)
            with db.engine.begin() as conn:
                conn.execute(statement)

    event.listen(Session, "after_commit", after_commit)
    try:
        yield fired
    finally:
        event.remove(Session, "after_commit", after_commit)


def _other_save(note_id: int):
    return (update(MeetingNote).where(MeetingNote.id == note_id)
            .values(body="Another editor's later text", version=MeetingNote.version + 1))


def test_the_acknowledged_version_holds_this_saves_text(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    note_id = db.session.execute(db.select(MeetingNote.id).where(
        MeetingNote.meeting_id == meeting.id)).scalar_one()
    with another_worker_writes_after_commit(_other_save(note_id)) as fired:
        r = client.post(f"/meetings/{meeting.id}/notes",
                        json={"body": "My text", "base_version": 0},
                        headers={"X-CSRFToken": token})
    assert fired and r.status_code == 200
    assert r.json["version"] == 1  # not 2, the other editor's version
    stored = db.session.execute(db.select(NoteVersion.body).where(
        NoteVersion.note_id == note_id, NoteVersion.version == r.json["version"])).scalar_one()
    assert stored == "My text"


def test_the_form_save_flashes_its_own_version(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    note_id = db.session.execute(db.select(MeetingNote.id).where(
        MeetingNote.meeting_id == meeting.id)).scalar_one()
    # The token first: opening the live page is itself recorded (a commit of its own).
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    with another_worker_writes_after_commit(_other_save(note_id)) as fired:
        r = post_form(client, f"/meetings/{meeting.id}/notes",
                      {"body": "Typed without JS", "base_version": "0", "csrf_token": token},
                      follow_redirects=True)
    assert fired
    assert "The notes are saved (version 1)." in r.get_data(as_text=True)


def test_a_flash_names_the_status_this_request_set(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    changed_later = update(Meeting).where(Meeting.id == meeting.id).values(status="held")
    with another_worker_writes_after_commit(changed_later) as fired:
        r = post_form(client, f"/meetings/{meeting.id}/status", {"status": "cancelled"},
                      token_from=f"/meetings/{meeting.id}", follow_redirects=True)
    assert fired
    html = r.get_data(as_text=True)
    assert "The meeting is now marked cancelled." in html, html
