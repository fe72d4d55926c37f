"""Outbox messages: what is (or would be) sent, to whom, and what happened."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import utcnow
from ..extensions import db


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    NO_SERVER = "not_sent_no_server"
    SKIPPED = "skipped"


STATUS_LABELS = {
    MessageStatus.QUEUED: "Queued",
    MessageStatus.SENDING: "Being sent",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
    MessageStatus.NO_SERVER: "Not sent — no mail server configured",
    MessageStatus.SKIPPED: "Not sent — no longer needed",
}

KIND_LABELS = {
    "invitation": "Meeting invitation",
    "update": "Meeting update",
    "cancellation": "Meeting cancelled",
    "reminder": "Meeting reminder",
    "survey": "Survey link",
    "survey_reminder": "Survey reminder",
    "summary": "Meeting summary and action plan",
    "password_reset": "Password reset",
    "commitment_link": "Commitment: the owner's link",
    "commitment_reminder": "Commitment reminder",
    "commitment_review": "Commitments to review",
}


class OutboxMessage(db.Model):
    """One mail to one recipient, rendered once, in the recipient's language."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_status_next", "status", "next_attempt_at"),
                      Index("ix_outbox_messages_org_created", "organization_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Never the same logical message twice: e.g. one invitation per meeting version and person.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: invitation, update, cancellation, reminder, survey, survey_reminder, summary,
    #: password_reset (see KIND_LABELS).
    kind: Mapped[str] = mapped_column(String(30))
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    #: Never holds a child's name or anything else sensitive.
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: "en" or "es": the language the message was written in.
    language: Mapped[str] = mapped_column(String(10), default="en")
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    #: The attachment's MIME type, e.g. "text/calendar; method=REQUEST".
    attachment_type: Mapped[str] = mapped_column(String(120), default="")
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    #: The family the message is about, set when it is queued: destruction on request
    #: (rights) finds every message about a family by it, even once the meeting is gone.
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("adr_cases.id", ondelete="SET NULL"))
    #: The meeting's calendar sequence the message was written for; a newer one makes it stale.
    meeting_sequence: Mapped[int | None] = mapped_column(Integer)
    #: What a follow-up needs (a survey link's invitation id); cleared once decided.
    ref: Mapped[str | None] = mapped_column(String(80), index=True)
    #: queued, sending, sent, failed, not_sent_no_server or skipped (see MessageStatus).
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)
