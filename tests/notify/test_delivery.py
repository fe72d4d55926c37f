"""Sending through a real SMTP server: TLS, refusals, a server that is down, at most once,
and the outbox with no server configured."""

from __future__ import annotations

import ssl
from datetime import timedelta

import pytest
from helpers import post_form
from mailtest import SmtpServer, free_port, use_server

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.notify.sending import send_one
from facilitator.notify.services import idempotency_key, queue_message, requeue
from facilitator.tasks import run_due_work


def _queue(org_id: int, recipient: str = "rosa@example.org", key: str = "k1") -> int:
    message, created = queue_message(
        organization_id=org_id, key=idempotency_key(key), kind="password_reset",
        recipient=recipient, template="password_reset",
        context={"link": "https://facilitator.example/reset-password/x"})
    assert created
    db.session.commit()  # the worker (immediate here) sends it now
    return message.id


def _message(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_delivery_over_starttls(app, make_org):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    client_ctx = ssl.create_default_context()
    ca.configure_trust(client_ctx)
    server = SmtpServer(tls_context=server_ctx).start()
    try:
        use_server(app, server.port, "starttls", client_ctx)
        mid = _queue(make_org().id)
        assert _message(mid).status == "sent"
        assert len(server.inbox.messages) == 1
        # Without trusting the server's certificate nothing is sent, and it is retried later.
        use_server(app, server.port, "starttls", ssl.create_default_context())
        mid2 = _queue(make_org().id, key="k2")
        failed = _message(mid2)
        assert failed.status == "queued" and "CERTIFICATE_VERIFY_FAILED" in failed.last_error
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_a_refused_recipient_fails_once_and_is_not_retried(app, make_org, smtp):
    smtp.inbox.refuse.add("nobody@example.org")
    mid = _queue(make_org().id, recipient="nobody@example.org")
    message = _message(mid)
    assert message.status == "failed"
    assert "550" in message.last_error and message.next_attempt_at is None
    assert message.attempts == 1
    run_due_work(utcnow() + timedelta(days=2))
    assert _message(mid).attempts == 1
    assert smtp.inbox.messages == []


def test_a_server_that_is_down_keeps_the_message_queued_until_it_is_back(app, make_org):
    port = free_port()
    use_server(app, port)
    mid = _queue(make_org().id)
    message = _message(mid)
    assert message.status == "queued" and message.attempts == 1
    assert message.last_error and message.next_attempt_at is not None
    retry_at = message.next_attempt_at
    # Not yet due: nothing is tried.
    assert run_due_work(utcnow())["retries"] == 0
    server = SmtpServer(port=port).start()
    try:
        assert run_due_work(retry_at + timedelta(seconds=1))["retries"] == 1
        message = _message(mid)
        assert message.status == "sent" and message.attempts == 2 and message.sent_at
        assert len(server.inbox.messages) == 1
        run_due_work(utcnow() + timedelta(days=1))
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_a_message_is_sent_at_most_once(app, make_org, smtp):
    mid = _queue(make_org().id)
    assert send_one(mid) == "sent"  # already sent: the claim fails, nothing is sent
    db.session.execute(db.update(OutboxMessage).values(status="sending"))
    db.session.commit()
    assert send_one(mid) == "sending"  # claimed by another worker: left alone
    assert len(smtp.inbox.messages) == 1
    # The admin cannot resend what a worker is sending right now...
    assert not requeue(_message(mid))
    # ...but may, once it has been "being sent" too long (the worker died mid-send).
    db.session.execute(db.update(OutboxMessage).values(
        claimed_at=utcnow() - timedelta(minutes=20)))
    db.session.commit()
    assert requeue(_message(mid))
    db.session.commit()
    assert _message(mid).status == "sent" and len(smtp.inbox.messages) == 2
    again, created = queue_message(
        organization_id=_message(mid).organization_id, key=idempotency_key("k1"),
        kind="password_reset", recipient="rosa@example.org", template="password_reset",
        context={"link": "x"})
    assert not created and again.id == mid


def test_without_a_mail_server_the_outbox_keeps_messages_readable(client, signed_in, make_org):
    admin = signed_in("admin")
    mid = _queue(admin.organization_id)
    message = _message(mid)
    assert message.status == "not_sent_no_server" and message.attempts == 0
    page = client.get("/admin/outbox/").get_data(as_text=True)
    assert "Not sent — no mail server configured" in page and "Set a new password" in page
    detail = client.get(f"/admin/outbox/{mid}").get_data(as_text=True)
    assert "https://facilitator.example/reset-password/x" in detail
    assert "rosa@example.org" in detail
    eml = client.get(f"/admin/outbox/{mid}/message.eml")
    assert eml.mimetype == "message/rfc822" and b"Subject: Set a new password" in eml.data
    assert "Not sent" in client.get("/admin/outbox/?status=not_sent_no_server").get_data(
        as_text=True)
    assert "rosa@" not in client.get("/admin/outbox/?status=sent").get_data(as_text=True)
    # Resending needs the form's CSRF token, and a server.
    assert client.post(f"/admin/outbox/{mid}/resend").status_code == 400
    r = post_form(client, f"/admin/outbox/{mid}/resend", follow_redirects=True)
    assert "No mail server is configured" in r.get_data(as_text=True)
    # Another organization's message is a 404; a facilitator has no outbox.
    other = _queue(make_org().id, key="other")
    assert client.get(f"/admin/outbox/{other}").status_code == 404


def test_resend_after_a_failure_delivers(client, signed_in, app):
    admin = signed_in("admin")
    use_server(app, free_port())
    mid = _queue(admin.organization_id)
    db.session.execute(db.update(OutboxMessage).values(status="failed", next_attempt_at=None))
    db.session.commit()
    server = SmtpServer().start()
    try:
        use_server(app, server.port)
        r = post_form(client, f"/admin/outbox/{mid}/resend", follow_redirects=True)
        assert "queued again" in r.get_data(as_text=True)
        assert _message(mid).status == "sent" and len(server.inbox.messages) == 1
        r = post_form(client, f"/admin/outbox/{mid}/resend", follow_redirects=True)
        assert "already sent" in r.get_data(as_text=True)
        assert len(server.inbox.messages) == 1
    finally:
        server.stop()


def test_only_admins_see_the_outbox(client, signed_in):
    signed_in("facilitator")
    assert client.get("/admin/outbox/").status_code == 403
