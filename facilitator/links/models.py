"""One link from outside: what it is for, what it opens, until when, in which language."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import utcnow
from ..extensions import db


class ExternalLink(db.Model):
    """A token's hash and its limits; the token itself is never stored."""

    __tablename__ = "external_links"
    #: The links of one record (the live page counts a meeting's open pairing codes on
    #: every load; withdrawing a record's links finds them).
    __table_args__ = (db.Index("ix_external_links_subject", "subject_kind", "subject_id",
                               "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: What the link may do, e.g. "family_input", "commitment_update", "display_pairing".
    #: A link opens only the view that asks for its purpose.
    purpose: Mapped[str] = mapped_column(String(40))
    #: The one record it opens: a kind ("meeting", "action_item", ...) and an id.
    subject_kind: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int] = mapped_column(Integer)
    #: The family the record belongs to: destroyed with the family (34 CFR 300.624).
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", ondelete="CASCADE"), index=True)
    #: The recipient's language ("en", "es"): the pages the link opens speak it.
    language: Mapped[str] = mapped_column(String(8), default="en")
    #: SHA-256 (hex) of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the link is withdrawn (by a person, or when what it opens ends).
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A single-use link stops working once ``used_up_at`` is set.
    single_use: Mapped[bool] = mapped_column(Boolean, default=False)
    used_up_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    uses: Mapped[int] = mapped_column(Integer, default=0)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def state(self, now: datetime | None = None) -> str:
        """"active", "expired", "revoked" or "used"."""
        now = now or utcnow()
        if self.revoked_at is not None:
            return "revoked"
        if self.used_up_at is not None:
            return "used"
        expires = self.expires_at
        if expires.tzinfo is None:  # SQLite hands back naive datetimes; every stored time is UTC
            expires = expires.replace(tzinfo=now.tzinfo)
        return "expired" if expires <= now else "active"
