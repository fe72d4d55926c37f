"""Session cookies, the idle timeout (autosave counts as activity) and signing in again."""

from __future__ import annotations

import time

from helpers import post_form, sign_in

from facilitator import create_app
from facilitator.meetings.services import create_meeting


def _set(client, **values) -> None:
    with client.session_transaction() as sess:
        sess.update(values)


def _cookie_header(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie")
                if h.startswith("facilitator_session="))


def test_session_cookie_is_httponly_lax_and_secure_over_https(client, make_user, monkeypatch):
    user = make_user("admin")
    header = _cookie_header(sign_in(client, user.email))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header
    https = create_app({"TESTING": True, "SECRET_KEY": "x", "PREFERRED_URL_SCHEME": "https",
                        "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert https.config["SESSION_COOKIE_SECURE"] is True
    assert https.config["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    behind = create_app({"TESTING": True, "SECRET_KEY": "x", "PREFERRED_URL_SCHEME": "https",
                         "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert behind.config["SESSION_COOKIE_SECURE"] is False


def test_an_idle_session_signs_out(client, signed_in, app):
    signed_in("facilitator")
    assert client.get("/families/").status_code == 200
    _set(client, seen=int(time.time()) - 29 * 60)
    assert client.get("/families/").status_code == 200  # 29 minutes: still signed in
    _set(client, seen=int(time.time()) - 31 * 60)
    response = client.get("/families/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/families/").status_code == 302  # the session is gone, not just refused
    with client.session_transaction() as sess:
        assert "_user_id" not in sess


def test_the_timeout_is_configurable(client, signed_in, app):
    app.config["FACILITATOR_IDLE_MINUTES"] = 0.05  # three seconds
    signed_in("facilitator")
    _set(client, seen=int(time.time()) - 4)
    assert client.get("/families/").status_code == 302


def test_autosave_keeps_a_three_hour_meeting_signed_in(client, signed_in, make_org):
    from facilitator.db import utcnow
    from facilitator.extensions import db
    from facilitator.families.models import Family

    user = signed_in("facilitator")
    family = Family(organization_id=user.organization_id, student_name="Maya Lopez")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep", "starts_at": utcnow(),
                                      "duration_minutes": 180})
    db.session.commit()
    token = _csrf(client, f"/meetings/{meeting.id}/live")
    version = 0
    # Three hours in 20-minute steps: each autosave comes 20 minutes after the last activity.
    for step in range(9):
        _set(client, seen=int(time.time()) - 20 * 60)
        response = client.post(f"/meetings/{meeting.id}/notes", json={
            "body": f"notes at step {step}", "base_version": version},
            headers={"X-CSRFToken": token})
        assert response.status_code == 200, response.get_data(as_text=True)
        version = response.get_json()["version"]
        with client.session_transaction() as sess:
            assert sess["seen"] >= int(time.time()) - 5  # the save counted as activity
    _set(client, seen=int(time.time()) - 31 * 60)  # then the laptop is left alone
    response = client.post(f"/meetings/{meeting.id}/notes", json={
        "body": "late", "base_version": version}, headers={"X-CSRFToken": token})
    assert response.status_code == 401 and response.get_json()["error"] == "signed-out"


def test_polling_a_packet_status_is_not_activity(client, signed_in, full_family):
    user = signed_in("advocate")
    family = full_family(user.organization, user)
    from facilitator.packets.services import create_packet

    pkt = create_packet(family, title="Mediation packet")
    from facilitator.extensions import db

    db.session.commit()
    old = int(time.time()) - 25 * 60
    _set(client, seen=old)
    assert client.get(f"/records/families/{family.id}/packets/{pkt.id}/status").status_code == 200
    with client.session_transaction() as sess:
        assert sess["seen"] == old


def _csrf(client, path):
    from helpers import csrf_token

    return csrf_token(client, path)


def test_sign_in_again_before_the_family_export(client, signed_in, full_family):
    user = signed_in("advocate")
    family = full_family(user.organization, user)
    url = f"/families/{family.id}/export"
    assert client.get(url).status_code == 200  # just signed in: fresh
    _set(client, fresh=int(time.time()) - 6 * 60)
    response = client.get(url)
    assert response.status_code == 302 and "/reauth?next=" in response.headers["Location"]
    reauth = response.headers["Location"]
    bad = post_form(client, reauth, {"password": "not my password"}, token_from=reauth)
    assert bad.status_code == 400 and "not your password" in bad.get_data(as_text=True)
    assert client.get(url).status_code == 302
    from helpers import PASSWORD

    good = post_form(client, reauth, {"password": PASSWORD}, token_from=reauth)
    assert good.status_code == 302 and good.headers["Location"] == url
    assert client.get(url).status_code == 200
    # A POST that comes too late is sent to sign in again, not carried out.
    _set(client, fresh=int(time.time()) - 6 * 60)
    late = post_form(client, url, {}, token_from="/account")
    assert late.status_code == 302 and "/reauth" in late.headers["Location"]
