"""Sending one outbox message over SMTP, at most once, with retries and back-off.

A message is claimed with one conditional UPDATE (queued/failed -> sending);
only the worker whose UPDATE changed the row sends it, and the result is
recorded right after the server's answer. The one window left: the worker
dies after the SMTP server accepted the message and before "sent" is
committed. The message then stays "sending" and is never retried on its own
(it may have gone out); the outbox shows it and an admin may resend it.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlalchemy import update

from ..db import utcnow
from ..extensions import db
from .models import MessageStatus, OutboxMessage

#: Transient failures are retried this many times in all before the message is failed.
MAX_ATTEMPTS = 8
#: Seconds to wait after the n-th failed attempt (then the last value again).
BACKOFF = (60, 300, 900, 1800, 3600, 7200, 14400)

#: Checks a feature registers for its kinds: return a reason to skip, or None to send.
STILL_WANTED: dict[str, Callable[[OutboxMessage], str | None]] = {}
#: After sending, text matching these is removed from the stored body (single-use links).
SCRUB_AFTER_SEND: dict[str, re.Pattern] = {}


def build_email(message: OutboxMessage) -> EmailMessage:
    """The message exactly as it is sent (also what the outbox page shows and downloads)."""
    cfg = current_app.config
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = cfg["MAIL_SENDER"]
    mail["To"] = formataddr((message.recipient_name, message.recipient)) \
        if message.recipient_name else message.recipient
    if message.reply_to:
        mail["Reply-To"] = message.reply_to
    domain = cfg["MAIL_SENDER"].rpartition("@")[2].strip("> ") or "facilitator.invalid"
    # Stable per outbox row, so a resend is recognisable as the same message.
    mail["Message-ID"] = f"<outbox-{message.id}.{message.idempotency_key[:16]}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(message.body)
    if message.attachment is not None:
        maintype, _, rest = message.attachment_type.partition("/")
        subtype, _, params = rest.partition(";")
        extra = dict(p.strip().split("=", 1) for p in params.split(";") if "=" in p)
        mail.add_attachment(message.attachment, maintype=maintype, subtype=subtype.strip(),
                            filename=message.attachment_name, params=extra)
    # Last: set_content() clears every Content-* header, and add_attachment() moves them
    # into the text part.
    mail["Content-Language"] = message.language
    return mail


def _connect() -> smtplib.SMTP:
    cfg = current_app.config
    security = (cfg.get("MAIL_SECURITY") or "starttls").lower()
    port = cfg.get("MAIL_PORT") or {"tls": 465, "none": 25}.get(security, 587)
    context = cfg.get("MAIL_SSL_CONTEXT") or ssl.create_default_context()
    timeout = cfg.get("MAIL_TIMEOUT", 30)
    if security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(cfg["MAIL_SERVER"], port, timeout=timeout,
                                              context=context)
    else:
        smtp = smtplib.SMTP(cfg["MAIL_SERVER"], port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=context)
    if cfg.get("MAIL_USERNAME"):
        smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
    return smtp


def _permanent(exc: Exception) -> bool:
    """A 5xx answer (refused recipient, rejected message) will not get better by retrying."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()))
        return f"Recipient refused: {code} {text.decode(errors='replace')}"
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) \
            else str(exc.smtp_error)
        return f"Mail server answered {exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"[:500]


def _code(exc: Exception) -> str:
    """What went wrong, without the server's words (they may name the recipient)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "recipient refused " + " ".join(str(c) for c, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    return type(exc).__name__


def _claim(message_id: int) -> bool:
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id,
               OutboxMessage.status.in_([MessageStatus.QUEUED, MessageStatus.FAILED]))
        .values(status=MessageStatus.SENDING, attempts=OutboxMessage.attempts + 1,
                claimed_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _finish(message_id: int, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()


def send_one(message_id: int) -> str:
    """Send one message if it is still to be sent; returns the status it ends in."""
    if not _claim(message_id):
        message = db.session.get(OutboxMessage, message_id)
        return message.status if message else "missing"
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    check = STILL_WANTED.get(message.kind)
    reason = check(message) if check else None
    if reason:
        _finish(message_id, status=MessageStatus.SKIPPED, last_error=reason[:500],
                next_attempt_at=None)
        return MessageStatus.SKIPPED
    if not current_app.config.get("MAIL_SERVER"):
        _finish(message_id, status=MessageStatus.NO_SERVER, next_attempt_at=None)
        return MessageStatus.NO_SERVER
    mail = build_email(message)
    attempts = message.attempts
    db.session.commit()  # no transaction (and no SQLite lock) held while talking SMTP
    try:
        with _connect() as smtp:
            smtp.send_message(mail)
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        error = _describe(exc)
        # The server's text often repeats the address: it stays on the message (destroyed
        # with the family), never in the log.
        current_app.logger.warning("mail %s not sent (attempt %s): %s", message_id, attempts,
                                   _code(exc))
        if _permanent(exc) or attempts >= MAX_ATTEMPTS:
            _finish(message_id, status=MessageStatus.FAILED, last_error=error,
                    next_attempt_at=None)
            return MessageStatus.FAILED
        wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
        _finish(message_id, status=MessageStatus.QUEUED, last_error=error,
                next_attempt_at=utcnow() + timedelta(seconds=wait))
        return MessageStatus.QUEUED
    values: dict = {"status": MessageStatus.SENT, "sent_at": utcnow(), "last_error": "",
                    "next_attempt_at": None}
    pattern = SCRUB_AFTER_SEND.get(message.kind)
    if pattern is not None:
        values["body"] = pattern.sub("[single-use link removed after sending]", message.body)
    _finish(message_id, **values)
    current_app.logger.info("mail %s sent kind=%s", message_id, message.kind)
    return MessageStatus.SENT
