"""Password reset by mail: same answer for everyone, single use, 30 minutes, other sessions end."""

from __future__ import annotations

import re
from datetime import timedelta

from helpers import PASSWORD, post_form, sign_in

from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage

NEW = "a brand new passphrase"
LINK_RE = re.compile(r"https?://\S+/reset-password/([A-Za-z0-9_\-]+)")


def _link(smtp) -> str:
    text = smtp.inbox.messages[-1].get_body(("plain",)).get_content()
    match = LINK_RE.search(text)
    assert match, text
    return match.group(0)


def _path(link: str) -> str:
    return "/reset-password/" + link.rsplit("/", 1)[1]


def test_forgot_password_gives_one_answer_and_mails_only_known_addresses(app, client,
                                                                        make_user, smtp):
    app.config["PUBLIC_BASE_URL"] = "https://facilitator.example.org"
    user = make_user("facilitator")
    known = post_form(client, "/forgot-password", {"email": user.email.upper()},
                      token_from="/forgot-password", follow_redirects=True)
    unknown = post_form(client, "/forgot-password", {"email": "nobody@nowhere.example"},
                        token_from="/forgot-password", follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    text = "If that address belongs to an account"
    assert text in known.get_data(as_text=True) and text in unknown.get_data(as_text=True)
    assert len(smtp.inbox.messages) == 1
    mail = smtp.inbox.messages[0]
    assert mail["To"].endswith(user.email) or user.email in mail["To"]
    # The link is built on PUBLIC_BASE_URL, never the Host the request came with.
    assert _link(smtp).startswith("https://facilitator.example.org/reset-password/")
    # Only a hash of the token is stored.
    token = _link(smtp).rsplit("/", 1)[1]
    from facilitator.auth.reset import PasswordReset

    stored = db.session.execute(db.select(PasswordReset)).scalar_one()
    assert token not in stored.token_hash


def test_a_reset_link_works_once_and_ends_other_sessions(app, client, make_user, smtp):
    user = make_user("facilitator")
    other_device = app.test_client()
    assert sign_in(other_device, user.email).status_code == 302
    assert other_device.get("/account").status_code == 200
    post_form(client, "/forgot-password", {"email": user.email}, token_from="/forgot-password")
    path = _path(_link(smtp))
    assert client.get(path).headers["Referrer-Policy"] == "no-referrer"
    weak = post_form(client, path, {"new_password": "short", "confirm": "short"},
                     token_from=path)
    assert "at least 12 characters" in weak.get_data(as_text=True)
    r = post_form(client, path, {"new_password": NEW, "confirm": NEW}, token_from=path)
    assert r.status_code == 302
    # The other device's session ended; the old password no longer works, the new one does.
    assert other_device.get("/account").status_code == 302
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 200
    assert sign_in(app.test_client(), user.email, NEW).status_code == 302
    # Used twice: refused.
    assert client.get(path).status_code == 404
    again = post_form(client, path, {"new_password": "another passphrase here",
                                     "confirm": "another passphrase here"},
                      token_from="/forgot-password")
    assert again.status_code == 404
    assert sign_in(app.test_client(), user.email, NEW).status_code == 302


def test_a_reset_link_expires_after_30_minutes(app, client, make_user, smtp):
    from facilitator.auth.reset import PasswordReset

    user = make_user("facilitator")
    post_form(client, "/forgot-password", {"email": user.email}, token_from="/forgot-password")
    path = _path(_link(smtp))
    reset = db.session.execute(db.select(PasswordReset)).scalar_one()
    assert timedelta(minutes=29) < (reset.expires_at - reset.created_at) <= timedelta(minutes=30)
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404
    r = post_form(client, path, {"new_password": NEW, "confirm": NEW},
                  token_from="/forgot-password")
    assert r.status_code == 404
    assert sign_in(app.test_client(), user.email, PASSWORD).status_code == 302


def test_reset_requests_are_limited(app, client, make_user, smtp, limiter_clock):
    user = make_user("facilitator")
    codes = [post_form(client, "/forgot-password", {"email": user.email},
                       token_from="/forgot-password").status_code for _ in range(7)]
    assert codes[:5] == [302] * 5 and codes[5:] == [429, 429]
    # At most three links per account and hour are mailed, whatever the answer says.
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one() == 3
