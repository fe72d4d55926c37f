"""Mail tests: a real SMTP server (aiosmtpd) inside the test, what it received, and
families whose guardians have email addresses."""

from __future__ import annotations

import socket
import ssl
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from helpers import HANG

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family
from facilitator.meetings.services import create_meeting


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """The aiosmtpd handler: keeps every delivered message; refuses listed recipients."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


class LocalController(Controller):
    """aiosmtpd's Controller on a free port it picks itself (port=0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    def __init__(self, port: int = 0, tls_context: ssl.SSLContext | None = None):
        self.inbox = Inbox()
        kwargs = {"tls_context": tls_context, "require_starttls": True} if tls_context else {}
        # aiosmtpd gives its server thread 5 s to start by default: a speed limit.
        self.controller = LocalController(self.inbox, hostname="127.0.0.1", port=port,
                                          ready_timeout=HANG, **kwargs)

    def start(self) -> SmtpServer:
        self.controller.start()
        self.port = self.controller.port
        return self

    def stop(self) -> None:
        self.controller.stop()


def use_server(app, port: int, security: str = "none", context=None) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SECURITY=security,
                      MAIL_SENDER="Riverside Facilitation <meetings@riverside.example>",
                      MAIL_SSL_CONTEXT=context, MAIL_TIMEOUT=HANG)


def attachment_of(mail: EmailMessage, filename: str = "meeting.ics") -> bytes:
    for part in mail.iter_attachments():
        if part.get_filename() == filename:
            return part.get_content() if isinstance(part.get_content(), bytes) \
                else part.get_content().encode()
    raise AssertionError(f"no attachment {filename}")


def family_with_guardian(org, email="rosa@example.org", language="", primary="English",
                         name="Maya Lopez") -> Family:
    family = Family(organization_id=org.id, student_name=name, primary_language=primary)
    db.session.add(family)
    db.session.flush()
    db.session.add(Contact(organization_id=org.id, family_id=family.id, name="Rosa Lopez",
                           role="parent", is_guardian=True, email=email,
                           preferred_language=language))
    db.session.commit()
    db.session.refresh(family)
    return family


def plan(family, facilitator=None, days: float = 10, **kw):
    data = {"kind": "facilitated_iep", "starts_at": utcnow() + timedelta(days=days),
            "duration_minutes": 90, "location": "Room 12, Cedar Grove Elementary",
            "purpose": "Agree on speech services",
            "facilitator_id": facilitator.id if facilitator else None, **kw}
    meeting = create_meeting(family, data)
    db.session.commit()
    return meeting
