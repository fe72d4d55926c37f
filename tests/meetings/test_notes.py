"""Notes that are never lost: versions, the two-editor conflict, the fallback form."""

from __future__ import annotations

from helpers import csrf_token, post_form, sign_in

from facilitator.extensions import db
from facilitator.meetings.live_models import MeetingNote, NoteVersion


def save(client, meeting_id, body, base, token):
    return client.post(f"/meetings/{meeting_id}/notes", json={"body": body, "base_version": base},
                       headers={"X-CSRFToken": token})


def fresh(meeting) -> MeetingNote:
    db.session.rollback()
    return db.session.execute(db.select(MeetingNote).where(
        MeetingNote.meeting_id == meeting.id)).scalar_one()


def test_autosave_keeps_every_version(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    r = save(client, meeting.id, "First line", 0, token)
    assert r.status_code == 200 and r.json["version"] == 1
    r = save(client, meeting.id, "First line\nSecond line", 1, token)
    assert r.json["version"] == 2
    # Saving the same text again makes no new version.
    assert save(client, meeting.id, "First line\nSecond line", 2, token).json["version"] == 2
    assert fresh(meeting).body == "First line\nSecond line"
    versions = db.session.execute(db.select(NoteVersion).order_by(NoteVersion.version)).scalars()
    assert [v.body for v in versions] == ["First line", "First line\nSecond line"]
    html = client.get(f"/meetings/{meeting.id}/notes/versions").get_data(as_text=True)
    assert "Version 1" in html and "Version 2" in html
    html = client.get(f"/meetings/{meeting.id}/notes/versions/1").get_data(as_text=True)
    assert "First line" in html and "Second line" not in html
    assert client.get(f"/meetings/{meeting.id}/notes/versions/9").status_code == 404
    assert client.get(f"/meetings/{meeting.id}/notes").json == {
        "body": "First line\nSecond line", "version": 2}


def test_two_editors_the_later_save_is_refused_with_both_versions(app, make_user, make_meeting):
    a_user = make_user(role="facilitator", name="Ana")
    b_user = make_user(role="admin", org=a_user.organization, name="Ben")
    meeting = make_meeting(a_user.organization)
    a, b = app.test_client(), app.test_client()
    sign_in(a, a_user.email)
    sign_in(b, b_user.email)
    ta = csrf_token(a, f"/meetings/{meeting.id}/live")
    tb = csrf_token(b, f"/meetings/{meeting.id}/live")
    # Both opened version 0. Ana saves first.
    assert save(a, meeting.id, "Ana's notes", 0, ta).status_code == 200
    r = save(b, meeting.id, "Ben's notes", 0, tb)
    assert r.status_code == 409
    assert r.json["server_body"] == "Ana's notes" and r.json["server_version"] == 1
    assert "Ana saved these notes" in r.json["message"]
    assert fresh(meeting).body == "Ana's notes"  # never a silent overwrite
    # Ben merges by hand on top of version 1.
    r = save(b, meeting.id, "Ana's notes\nBen's notes", 1, tb)
    assert r.status_code == 200 and r.json["version"] == 2
    assert fresh(meeting).body == "Ana's notes\nBen's notes"
    assert db.session.execute(db.select(db.func.count(NoteVersion.id))).scalar_one() == 2


def test_form_fallback_without_javascript_and_its_conflict_page(client, signed_in,
                                                                  make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/notes",
                  {"body": "Typed without JS", "base_version": "0"})
    assert r.status_code == 302
    assert fresh(meeting).version == 1
    r = post_form(client, f"/meetings/{meeting.id}/notes",
                  {"body": "Stale edit", "base_version": "0"})
    assert r.status_code == 409
    html = r.get_data(as_text=True)
    assert "Typed without JS" in html and "Stale edit" in html
    assert 'name="base_version" type="hidden" value="1"' in html or 'value="1"' in html
    assert fresh(meeting).body == "Typed without JS"


def test_bad_note_requests(client, signed_in, make_meeting, make_org):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    r = client.post(f"/meetings/{meeting.id}/notes", json={"body": 5, "base_version": "x"},
                    headers={"X-CSRFToken": token})
    assert r.status_code == 400
    r = save(client, meeting.id, "n" * 200_001, 0, token)
    assert r.status_code == 413 and "longer than" in r.json["message"]
    # Without the CSRF header the save is refused.
    r = client.post(f"/meetings/{meeting.id}/notes", json={"body": "x", "base_version": 0})
    assert r.status_code == 400
    other = make_meeting(make_org())
    assert save(client, other.id, "x", 0, token).status_code == 404
    assert fresh(meeting).version == 0


def test_signed_out_and_read_only_get_json_not_a_login_page(client, app, make_user,
                                                            make_meeting):
    analyst = make_user(role="analyst")
    meeting = make_meeting(analyst.organization)
    r = client.post(f"/meetings/{meeting.id}/notes", json={"body": "x", "base_version": 0},
                    headers={"X-CSRFToken": csrf_token(client, "/login")})
    assert r.status_code == 401 and r.json["error"] == "signed-out"
    sign_in(client, analyst.email)
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    r = save(client, meeting.id, "x", 0, token)
    assert r.status_code == 403


def test_the_csrf_token_does_not_expire_during_a_long_meeting(app):
    # A three-hour meeting autosaves with the token the page got at the start.
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    assert app.config["PERMANENT_SESSION_LIFETIME"] >= 3 * 60 * 60


def test_sign_out_asks_the_browser_to_drop_stored_drafts(client, signed_in):
    signed_in("facilitator")
    r = post_form(client, "/logout")
    assert r.status_code == 302
    assert r.headers["Clear-Site-Data"] == '"storage"'
