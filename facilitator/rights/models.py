"""The certificate left behind when a family's records are destroyed on request."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import utcnow
from ..extensions import db


def new_reference() -> str:
    """A random certificate reference such as DC-4F1A9C02B7 (no child data in it)."""
    return "DC-" + secrets.token_hex(5).upper()


class DestructionCertificate(db.Model):
    """What was destroyed, how much, when and by whom (34 CFR 300.624); no child data."""

    __tablename__ = "destruction_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Quoted to the parent and kept in the record of access.
    reference: Mapped[str] = mapped_column(String(20), unique=True, default=new_reference)
    #: The destroyed family's former id: a plain number, the row is gone.
    family_id: Mapped[int] = mapped_column(Integer)
    destroyed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    destroyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: [[kind of record, count], ...] in the order shown on the certificate.
    counts: Mapped[list] = mapped_column(JSON, default=list)
    #: Stored files (documents, packet files) removed from the storage folder.
    files_removed: Mapped[int] = mapped_column(Integer, default=0)
    #: Dispute-resolution cases kept for the state report with the child's data removed.
    cases_anonymized: Mapped[int] = mapped_column(Integer, default=0)

    destroyed_by: Mapped[User | None] = relationship("User")
