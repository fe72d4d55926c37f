"""The room display in-process: the 304/ETag poll, the counter on every write path, privacy
canaries, pairing codes (expiry, withdrawal, closing the meeting), bad input."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from helpers import csrf_token, post_form
from sqlalchemy import select

from facilitator.audit.models import AccessEntry
from facilitator.content import current_content
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.links.models import ExternalLink
from facilitator.meetings.live_models import Decision
from facilitator.room.models import RoomDisplay


def _state(client, meeting, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(f"/meetings/{meeting.id}/display/state.json", headers=headers)


def _version(meeting) -> int:
    db.session.rollback()
    return db.session.execute(select(RoomDisplay.version).where(
        RoomDisplay.meeting_id == meeting.id)).scalar_one()


def test_the_poll_answers_304_until_something_changes(client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    assert client.get(f"/meetings/{meeting.id}/display").status_code == 200
    first = _state(client, meeting)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-store"
    etag = first.headers["ETag"]
    assert first.json["decisions"] == [{"id": meeting.decisions[0].id,
                                        "text": "Start speech services on 1 March"}]
    same = _state(client, meeting, etag)
    assert same.status_code == 304 and same.get_data() == b"" and same.headers["ETag"] == etag
    post_form(client, f"/meetings/{meeting.id}/decisions/new?next=live",
              {"text": "Review in six weeks", "agreed_by": "All"})
    changed = _state(client, meeting, etag)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert [d["text"] for d in changed.json["decisions"]][-1] == "Review in six weeks"


def test_every_write_path_moves_the_counter(client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    client.get(f"/meetings/{meeting.id}/display")
    base = f"/meetings/{meeting.id}"
    steps = [
        ("agenda", f"{base}/agenda/new", {"title": "Transport", "minutes": "5"}),
        ("rules", f"{base}/rules/new", {"text": "Phones away"}),
        ("concerns", f"{base}/concerns/new", {"title": "Reading", "status": "open"}),
        ("decisions", f"{base}/decisions/new", {"text": "Decided"}),
        ("actions", f"{base}/actions/new", {"task": "Call", "status": "open"}),
        ("parking", f"{base}/parking/new", {"text": "Later"}),
        ("concern edit", f"{base}/concerns/{meeting.concerns[0].id}",
         {"title": "Speech minutes", "status": "agreed", "agreement": "Three sessions"}),
        ("decision delete", f"{base}/decisions/{meeting.decisions[0].id}/delete", {}),
        ("agenda move", f"{base}/agenda/{meeting.agenda_items[1].id}/move", {"direction": "up"}),
        ("hide", f"{base}/display/hide", {"kind": "parking", "item_id":
                                          str(meeting.parking_lot[0].id), "show": "0"}),
        ("settings", f"{base}/display/settings", {"preset": "projector", "language": "es"}),
    ]
    for name, url, data in steps:
        before = _version(meeting)
        response = post_form(client, url, data)
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:500])
        assert _version(meeting) > before, name
    before = _version(meeting)
    token = csrf_token(client, "/account")
    timer = client.post(f"{base}/display/timer", headers={"X-CSRFToken": token},
                        json={"item_id": meeting.agenda_items[0].id, "running": True,
                              "elapsed": 30})
    assert timer.status_code == 200 and _version(meeting) > before
    state = _state(client, meeting).json
    assert state["current"] == meeting.agenda_items[0].id and state["timer"]["running"]
    assert state["preset"] == "projector" and state["language"] == "es"
    assert state["title"] == "Reunión facilitada del PEI"
    assert "Bus route change" not in json.dumps(state) and "Later" in json.dumps(state)
    assert "Three sessions" in json.dumps(state)


def _pair(client, meeting) -> str:
    page = post_form(client, f"/meetings/{meeting.id}/display/pair", {})
    assert page.status_code == 200
    return re.search(r'id="pair-code"[^>]*>([A-Z0-9-]+)<', page.get_data(as_text=True)).group(1)


def _device(app):
    return app.test_client()


def _enter(device, code):
    return post_form(device, "/room", {"code": code}, token_from="/room")


def test_private_things_never_reach_the_display(app, client, signed_in, room_meeting,
                                                canaries):
    user, meeting = room_meeting(signed_in())
    prompt = current_content().prompts[0].text
    device = _device(app)
    assert _enter(device, _pair(client, meeting)).status_code == 302
    seen = [client.get(f"/meetings/{meeting.id}/display"), _state(client, meeting),
            device.get("/room/display"), device.get("/room/display/state.json")]
    for response in seen:
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert "Two 30-minute sessions a week" in text  # the shared record is there
        for canary in [*canaries.values(), prompt]:
            assert canary not in text, canary
    post_form(client, f"/meetings/{meeting.id}/display/clear", {})
    assert client.get(f"/meetings/{meeting.id}/display/snapshot").status_code == 200
    cleared = _state(client, meeting).json
    assert cleared["cleared"] and "decisions" not in cleared


def test_a_paired_device_sees_one_meeting_until_the_code_ends(app, client, signed_in,
                                                               room_meeting):
    user, meeting = room_meeting(signed_in())
    code = _pair(client, meeting)
    device = _device(app)
    wrong = _enter(device, "ABCD-EFGH")
    assert wrong.status_code == 400 and "does not match any display" in wrong.get_data(
        as_text=True)
    assert _enter(device, code.lower().replace("-", " ")).status_code == 302
    assert device.get("/room/display").status_code == 200
    poll = device.get("/room/display/state.json")
    assert poll.status_code == 200
    assert device.get("/room/display/state.json",
                      headers={"If-None-Match": poll.headers["ETag"]}).status_code == 304
    db.session.rollback()
    link_id = db.session.execute(select(ExternalLink.id)).scalar_one()
    entries = db.session.execute(select(AccessEntry).where(
        AccessEntry.record_kind == "external_link")).scalars().all()
    assert [(e.action, e.reference, e.family_id) for e in entries] == [
        ("viewed", "display_pairing", meeting.family_id)]
    # A cookie with another pairing's number but no valid signature opens nothing.
    forged = _device(app)
    forged.set_cookie("room_display", f"{link_id}.{'0' * 64}", path="/room")
    assert forged.get("/room/display/state.json",
                      headers={"If-None-Match": poll.headers["ETag"]}).status_code == 401
    # The device cannot reach anything else: staff pages send it to sign in.
    assert device.get(f"/meetings/{meeting.id}/live").status_code == 302
    # Withdrawn: the device goes blank at its next poll, and the code says why.
    link = db.session.execute(select(ExternalLink)).scalar_one()
    post_form(client, f"/meetings/{meeting.id}/display/pair/{link.id}/revoke", {})
    assert device.get("/room/display/state.json").status_code == 410
    assert device.get("/room/display/state.json",
                      headers={"If-None-Match": poll.headers["ETag"]}).status_code == 410
    assert device.get("/room/display").status_code == 410
    again = _enter(_device(app), code)
    assert again.status_code == 400 and "no longer works" in again.get_data(as_text=True)


def test_closing_the_meeting_or_expiry_ends_the_code(app, client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    code = _pair(client, meeting)
    device = _device(app)
    _enter(device, code)
    assert device.get("/room/display/state.json").status_code == 200
    post_form(client, f"/meetings/{meeting.id}/outcome?next=after", {"outcome": "full"})
    assert device.get("/room/display/state.json").status_code == 410
    refused = post_form(client, f"/meetings/{meeting.id}/display/pair", {},
                        follow_redirects=True)
    assert "can only be paired while it is scheduled" in refused.get_data(as_text=True)
    # Expiry: a code past its time opens nothing.
    user2, other = room_meeting(user)
    code2 = _pair(client, other)
    db.session.rollback()
    for link in db.session.execute(select(ExternalLink).where(
            ExternalLink.subject_id == other.id)).scalars():
        link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    late = _enter(_device(app), code2)
    assert late.status_code == 400 and "no longer works" in late.get_data(as_text=True)


def test_code_entry_is_rate_limited(app):
    device = _device(app)
    token = csrf_token(device, "/room")
    answers = [device.post("/room", data={"csrf_token": token, "code": "WRONG123"}).status_code
               for _ in range(11)]
    assert answers[:10] == [400] * 10 and answers[10] == 429


def test_bad_input_gets_a_message(client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    base = f"/meetings/{meeting.id}/display"
    token = csrf_token(client, "/account")
    for body, expected in [({"running": "yes"}, "running"),
                           ({"running": True, "item_id": "x", "elapsed": 1}, "item_id"),
                           ({"running": True, "item_id": 1, "elapsed": -5}, "elapsed"),
                           ({"running": True, "item_id": 999999, "elapsed": 5},
                            "not in this meeting")]:
        response = client.post(f"{base}/timer", headers={"X-CSRFToken": token}, json=body)
        assert response.status_code in (400, 404) and expected in response.json["message"]
    bad = post_form(client, f"{base}/settings", {"preset": "stadium", "language": "xx"},
                    follow_redirects=True)
    assert "Choose one of the listed sizes." in bad.get_data(as_text=True)
    hide = post_form(client, f"{base}/hide", {"kind": "notes", "item_id": "1", "show": "0"},
                     follow_redirects=True)
    assert "Unknown kind of item." in hide.get_data(as_text=True)
    other = post_form(client, f"{base}/hide", {"kind": "decisions", "item_id": "999999",
                                               "show": "0"})
    assert other.status_code == 404
    empty = post_form(client, "/room", {"code": ""}, token_from="/room")
    assert "Type the code shown" in empty.get_data(as_text=True)
    assert db.session.execute(select(Decision)).scalars().first() is not None
