"""A family: one student, their guardians and other contacts."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from ..auth.models import User


class ContactRole(Vocabulary):
    PARENT = "parent", "Parent"
    GUARDIAN = "guardian", "Legal guardian"
    FOSTER_PARENT = "foster_parent", "Foster parent"
    SURROGATE_PARENT = "surrogate_parent", "Surrogate parent"
    RELATIVE = "relative", "Other relative"
    OTHER = "other", "Other contact"


class Family(db.Model):
    __tablename__ = "families"
    __table_args__ = (UniqueConstraint("organization_id", "student_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    student_name: Mapped[str] = mapped_column(String(200))
    #: Short external reference (e.g. the district's student number) used by imports.
    student_ref: Mapped[str | None] = mapped_column(String(64))
    school: Mapped[str] = mapped_column(String(200), default="")
    grade: Mapped[str] = mapped_column(String(20), default="")
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    primary_language: Mapped[str] = mapped_column(String(80), default="English")
    #: The family needs an interpreter at meetings.
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Archived families are hidden from lists but kept with all their records.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="family", cascade="all, delete-orphan", order_by="Contact.id")
    tips: Mapped[list[TipEntry]] = relationship(
        back_populates="family", cascade="all, delete-orphan",
        order_by="(TipEntry.kind, TipEntry.created_at)")

    @property
    def display_name(self) -> str:
        return self.student_name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def guardians(self) -> list[Contact]:
        return [c for c in self.contacts if c.is_guardian]


class Contact(db.Model):
    """A guardian or other contact of a family."""

    __tablename__ = "family_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: parent, legal guardian, foster or surrogate parent, relative, other.
    role: Mapped[str] = mapped_column(String(30), default=ContactRole.PARENT)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: Contacts with educational decision-making rights for the student.
    is_guardian: Mapped[bool] = mapped_column(Boolean, default=True)
    preferred_language: Mapped[str] = mapped_column(String(80), default="")

    family: Mapped[Family] = relationship(back_populates="contacts")

    @property
    def role_label(self) -> str:
        return ContactRole.label_of(self.role)


class TipKind(Vocabulary):
    """What a tip-file entry is about (seed 003: sources of anger, joy, sensitivity)."""

    FRUSTRATION = "frustration", "Topics that bring frustration or anger"
    JOY = "joy", "Sources of joy and strengths"
    SENSITIVE = "sensitive", "Sensitive areas"
    COMMUNICATION = "communication", "Communication preferences"
    LOGISTICS = "logistics", "Meeting logistics (time of day, childcare, transport, access)"
    OTHER = "other", "Other"


class TipEntry(db.Model):
    """One entry of a family's meeting tip file, reviewed before each meeting."""

    __tablename__ = "family_tips"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    #: frustration, joy, sensitive, communication, logistics or other (see TipKind).
    kind: Mapped[str] = mapped_column(String(20), default=TipKind.OTHER)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    family: Mapped[Family] = relationship(back_populates="tips")
    author: Mapped[User | None] = relationship("User")

    @property
    def kind_label(self) -> str:
        return TipKind(self.kind).label

