"""Asking for a message: render it in the recipient's language and put it in the outbox.

Features call :func:`queue_message` inside their own transaction; it flushes and
never commits. Once that transaction commits, the worker is asked to send each
new message (see :func:`_enqueue_after_commit`); if the request fails, nothing
was queued and nothing is sent.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..db import utcnow
from ..extensions import db
from .models import MessageStatus, OutboxMessage

_PENDING = "facilitator.outbox_pending"
#: A message "being sent" for longer than this was cut off (the worker stopped mid-send).
STUCK_AFTER = timedelta(minutes=15)


def idempotency_key(*parts: object) -> str:
    """A fixed-length key for one logical message (the parts may hold addresses)."""
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()


def mail_configured() -> bool:
    """Whether a mail server is configured (MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def public_url(endpoint: str, **values) -> str:
    """An absolute link for mail, built on PUBLIC_BASE_URL (never the request's Host)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme or "https",
                                       script_name=base.path.rstrip("/") or None)
    return adapter.build(endpoint, values, force_external=True)


def render_mail(template: str, language: str, **context) -> tuple[str, str]:
    """(subject, plain-text body) of templates/mail/<template>.{subject.txt,txt} in a language."""
    with force_locale(language):
        subject = render_template(f"mail/{template}.subject.txt", **context)
        body = render_template(f"mail/{template}.txt", **context)
    return " ".join(subject.split()), body.strip() + "\n"


def find_message(key: str) -> OutboxMessage | None:
    return db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.idempotency_key == key)).scalar_one_or_none()


def queue_message(*, organization_id: int, key: str, kind: str, recipient: str,
                  template: str, language: str = "en", context: dict | None = None,
                  recipient_name: str = "", reply_to: str = "",
                  attachment: tuple[str, str, bytes] | None = None,
                  meeting_id: int | None = None, case_id: int | None = None,
                  family_id: int | None = None, meeting_sequence: int | None = None,
                  ref: str | None = None
                  ) -> tuple[OutboxMessage, bool]:
    """Put one rendered message in the outbox once; returns (message, created).

    ``family_id`` names the family a message is about (every message about a family's
    meetings or cases has one), so that destroying the family destroys its mail.
    The same ``key`` never makes a second message, even when two workers race
    (the unique key decides; the loser gets the existing row).
    """
    if meeting_id is not None and family_id is None:
        raise ValueError("A message about a meeting names its family (family_id): "
                         "destroying the family's records must find it.")
    existing = find_message(key)
    if existing is not None:
        return existing, False
    subject, body = render_mail(template, language, **(context or {}))
    name, mimetype, data = attachment or ("", "", None)
    message = OutboxMessage(
        organization_id=organization_id, idempotency_key=key, kind=kind,
        recipient=recipient.strip(), recipient_name=recipient_name, reply_to=reply_to,
        subject=subject[:300], body=body, language=language, attachment_name=name,
        attachment_type=mimetype, attachment=data, meeting_id=meeting_id, case_id=case_id,
        family_id=family_id,
        meeting_sequence=meeting_sequence, ref=ref,
        status=MessageStatus.QUEUED if mail_configured() else MessageStatus.NO_SERVER)
    try:
        with db.session.begin_nested():
            db.session.add(message)
    except IntegrityError:
        existing = find_message(key)
        if existing is None:
            raise
        return existing, False
    if message.status == MessageStatus.QUEUED:
        db.session.info.setdefault(_PENDING, []).append(message.id)
    return message, True


def requeue(message: OutboxMessage) -> bool:
    """Queue a failed, unsent or stuck message again (the admin's resend); False if sent."""
    if message.status in (MessageStatus.SENT, MessageStatus.QUEUED):
        return False
    claimed = message.claimed_at
    if message.status == MessageStatus.SENDING and claimed is not None and \
            utcnow() - (claimed if claimed.tzinfo else claimed.replace(tzinfo=UTC)) < STUCK_AFTER:
        return False  # a worker is sending it right now
    message.status = MessageStatus.QUEUED if mail_configured() else MessageStatus.NO_SERVER
    message.next_attempt_at = utcnow()
    message.last_error = "" if mail_configured() else message.last_error
    db.session.flush()
    if message.status == MessageStatus.QUEUED:
        db.session.info.setdefault(_PENDING, []).append(message.id)
    return True


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    """Hand new messages to the worker only once they are committed."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT was released: the messages are not committed yet
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    from .tasks import send_message

    for message_id in ids:
        send_message(message_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    """A rolled-back transaction queued nothing (a SAVEPOINT's rollback keeps the rest)."""
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)
