"""The live page's kept parts (agenda, boards, room panel: meetings/live_cache.py): every
change shows on the next load, each session gets its own CSRF token in them, a real token is
never kept, and the change counter they are kept under never names two states (a new
meeting has one from the start; a restored older counter is passed at the next change)."""

from __future__ import annotations

import re
from datetime import timedelta

from flask_login import login_user
from helpers import CSRF_RE, post_form, sign_in
from sqlalchemy import select, update

from facilitator.content import current_content
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact
from facilitator.meetings import live_cache
from facilitator.meetings.services import create_meeting
from facilitator.room.models import RoomDisplay, time_stamp


def _live(client, meeting) -> str:
    response = client.get(f"/meetings/{meeting.id}/live")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _version(meeting) -> int:
    db.session.rollback()
    return db.session.execute(select(RoomDisplay.version).where(
        RoomDisplay.meeting_id == meeting.id)).scalar_one()


def test_every_change_shows_on_the_next_load(app, client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    base = f"/meetings/{meeting.id}"
    parking_id = meeting.parking_lot[0].id
    _live(client, meeting)
    kept = live_cache.store()
    hits = kept.hits
    page = _live(client, meeting)  # nothing changed: the page comes from the store
    assert kept.hits == hits + 1
    assert "Speech minutes" in page and "Not on the display" not in page
    first_item = current_content().checklists["during"].items[0].key
    done = re.search(r"(\d+) of (\d+) done", page).groups()
    steps = [
        (f"{base}/concerns/new?next=live", {"title": "Reading fluency", "status": "open"},
         "Reading fluency"),
        (f"{base}/agenda/new", {"title": "Bus schedule", "minutes": "5"}, "Bus schedule"),
        (f"{base}/rules/new", {"text": "One voice at a time"}, "One voice at a time"),
        (f"{base}/decisions/new?next=live", {"text": "Meet again in May"}, "Meet again in May"),
        (f"{base}/actions/new?next=live", {"task": "Share the data sheet", "status": "open"},
         "Share the data sheet"),
        (f"{base}/display/hide", {"item": f"parking {parking_id} 0"}, "Not on the display"),
        (f"{base}/display/settings", {"preset": "projector", "language": "es"},
         '<option selected value="projector">'),
    ]
    for url, data, shown in steps:
        assert post_form(client, url, data).status_code == 302, url
        assert shown in _live(client, meeting), url
    # What moves without the counter: the notes, the checklist, a pairing code, a message.
    response = client.post(f"{base}/notes", json={"body": "Agreed to meet in May",
                                                  "base_version": 1},
                           headers={"X-CSRFToken": CSRF_RE.search(page).group(1)})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Agreed to meet in May" in _live(client, meeting)
    post_form(client, f"{base}/checklist/during", {"item_key": first_item, "done": "y"})
    assert f"{int(done[0]) + 1} of {done[1]} done" in _live(client, meeting)
    post_form(client, f"{base}/display/pair")
    page = _live(client, meeting)
    assert "Withdraw code" in page and "Code made" in page
    assert "Hidden from the display." in post_form(
        client, f"{base}/display/hide", {"item": f"parking {parking_id} 0"},
        follow_redirects=True).get_data(as_text=True)
    assert "Hidden from the display." not in _live(client, meeting)
    # Shown again: the same one button, the other way.
    post_form(client, f"{base}/display/hide", {"item": f"parking {parking_id} 1"})
    assert "Not on the display" not in _live(client, meeting)
    # Hostile values in the one field change nothing and say why.
    before = _version(meeting)
    for bad in ("parking x 0", "secrets 1 0", f"parking {parking_id} 7", "parking"):
        response = post_form(client, f"{base}/display/hide", {"item": bad},
                             follow_redirects=True)
        assert response.status_code in (200, 404)
    assert _version(meeting) == before


def test_the_display_language_follows_the_guardian(client, signed_in, room_meeting):
    """The display's data is in the family's language; a guardian's new language is a
    change of what the display shows (it moves the counter, so the kept data too)."""
    user, meeting = room_meeting(signed_in(), language="English")
    assert '"language": "en"' in _live(client, meeting)
    before = _version(meeting)
    contact = db.session.execute(select(Contact).where(
        Contact.family_id == meeting.family_id)).scalar_one()
    contact.preferred_language = "Spanish"
    db.session.commit()
    assert _version(meeting) > before
    assert '"language": "es"' in _live(client, meeting)


def test_each_session_gets_its_own_token_in_the_kept_parts(app, client, signed_in,
                                                           make_user, room_meeting):
    user, meeting = room_meeting(signed_in())
    first = _live(client, meeting)
    other_user = make_user(role="facilitator", org=user.organization)
    other = app.test_client()
    assert sign_in(other, other_user.email).status_code == 302
    second = _live(other, meeting)  # the same kept parts, another session
    mine = set(CSRF_RE.findall(first))
    theirs = set(CSRF_RE.findall(second))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    assert live_cache.CSRF_PLACEHOLDER not in first + second
    # The second session's own form, as its page has it, works.
    token = theirs.pop()
    response = other.post(f"/meetings/{meeting.id}/concerns/new?next=live",
                          data={"csrf_token": token, "title": "Transport", "status": "open"})
    assert response.status_code == 302
    assert "Transport" in _live(client, meeting)


def test_a_real_token_is_never_kept(app, signed_in, room_meeting, client):
    user, meeting = room_meeting(signed_in())
    with app.test_request_context():
        login_user(user)
        leaky = '<input type="hidden" name="csrf_token" value="a-real-token">'
        made = []

        def produce():
            made.append(1)
            return leaky

        for _ in range(2):
            assert live_cache.kept("test", meeting.id, 1, (), produce) == leaky
        assert len(made) == 2  # rendered each time, never kept
        safe = f'<input type="hidden" name="csrf_token" value="{live_cache.CSRF_PLACEHOLDER}">'
        for _ in range(2):
            live_cache.kept("test-safe", meeting.id, 1, (), lambda: safe)
        assert live_cache.store().get(("test-safe", meeting.id, 1)) == safe


def test_the_counter_never_names_two_states(client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    # A new meeting has its counter from the start, already past the clock.
    started = time_stamp()
    later = create_meeting(meeting.family, {
        "kind": "facilitated_iep", "starts_at": utcnow() + timedelta(days=7),
        "duration_minutes": 60, "location": "Room C", "facilitator_id": user.id})
    db.session.commit()
    assert _version(later) >= started
    # A restore brings back an older counter; the next change passes every value issued.
    issued = _version(meeting)
    post_form(client, f"/meetings/{meeting.id}/rules/new", {"text": "Breaks on request"})
    newest = _version(meeting)
    assert newest > issued
    db.session.execute(update(RoomDisplay).where(RoomDisplay.meeting_id == meeting.id)
                       .values(version=issued))  # as if restored from a backup
    db.session.commit()
    post_form(client, f"/meetings/{meeting.id}/rules/new", {"text": "Snacks welcome"})
    assert _version(meeting) > newest
    page = _live(client, meeting)
    assert "Snacks welcome" in page and "Breaks on request" in page
    assert re.search(r'"version": \d{16}', page)
