"""The certificate left behind when records are destroyed on request (a family's, or a
request to a state program)."""

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
    #: The destroyed family's former id: a plain number, the row is gone (None when the
    #: subject was not a family, e.g. a request to a state program).
    family_id: Mapped[int | None] = mapped_column(Integer)
    #: What was destroyed when it was not a family, e.g. "Program request REQ-7KQ2M9" (a
    #: random reference the requester was given: no child data); empty for a family.
    subject: Mapped[str] = mapped_column(String(120), default="", server_default="")
    destroyed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    destroyed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: [[kind of record, count], ...] in the order shown on the certificate.
    counts: Mapped[list] = mapped_column(JSON, default=list)
    #: Stored files (documents, packet files) removed from the storage folder.
    files_removed: Mapped[int] = mapped_column(Integer, default=0)
    #: Dispute-resolution cases kept for the state report with the child's data removed.
    cases_anonymized: Mapped[int] = mapped_column(Integer, default=0)

    destroyed_by: Mapped[User | None] = relationship("User")


class ExportStatus:
    QUEUED = "queued"
    BUILDING = "building"
    DONE = "done"
    FAILED = "failed"


class FamilyExport(db.Model):
    """One family export (34 CFR 300.613) built by the worker: its progress and its ZIP.

    The ZIP sits in the storage folder until it expires (FAMILY_EXPORT_HOURS) or the
    family is destroyed; then the file and this row go.
    """

    __tablename__ = "family_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: queued, building, done or failed (see ExportStatus).
    status: Mapped[str] = mapped_column(String(20), default=ExportStatus.QUEUED)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=1)
    progress_message: Mapped[str] = mapped_column(String(300), default="Waiting to start")
    #: The ZIP in the storage folder once built (a random name).
    storage_key: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: After this the ZIP is deleted; a new export must be asked for.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / max(1, self.progress_total))
