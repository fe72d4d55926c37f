"""What a live meeting records: the notes and every saved version, concerns, decisions,
action items and parking-lot topics."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from .vocabulary import ActionStatus, ConcernStatus

if TYPE_CHECKING:
    from ..auth.models import User
    from .models import Meeting


class MeetingNote(db.Model):
    """The meeting's shared notes; ``version`` goes up with every save."""

    __tablename__ = "meeting_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    #: Optimistic concurrency: a save must name the version it started from.
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="note")
    updated_by: Mapped[User | None] = relationship("User")
    versions: Mapped[list[NoteVersion]] = relationship(
        back_populates="note", cascade="all, delete-orphan",
        order_by="NoteVersion.version.desc()")


class NoteVersion(db.Model):
    """Every saved state of a meeting's notes, kept for good."""

    __tablename__ = "meeting_note_versions"
    __table_args__ = (UniqueConstraint("note_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("meeting_notes.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    note: Mapped[MeetingNote] = relationship(back_populates="versions")
    saved_by: Mapped[User | None] = relationship("User")


class Concern(db.Model):
    """A concern on the board: positions, the interests under them, options, the outcome."""

    __tablename__ = "meeting_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The stated positions and who holds them ("Parent: 4 hours of speech a week").
    positions: Mapped[str] = mapped_column(Text, default="")
    #: The needs, hopes and worries underneath the positions.
    interests: Mapped[str] = mapped_column(Text, default="")
    #: The options the team generated.
    options: Mapped[str] = mapped_column(Text, default="")
    #: The agreement reached, or why it was parked.
    agreement: Mapped[str] = mapped_column(Text, default="")
    #: open, agreed or parked.
    status: Mapped[str] = mapped_column(String(20), default=ConcernStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="concerns")

    @property
    def status_label(self) -> str:
        return ConcernStatus.label_of(self.status)


class Decision(db.Model):
    """An entry of the decision log: what was decided, who agreed, and why."""

    __tablename__ = "meeting_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    text: Mapped[str] = mapped_column(Text)
    #: Who agreed (names or roles), as said in the meeting.
    agreed_by: Mapped[str] = mapped_column(String(500), default="")
    #: Why: the reason the team gave.
    rationale: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")


class ActionItem(db.Model):
    """A next step with an owner and a due date: the meeting's action plan."""

    __tablename__ = "meeting_action_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    task: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_date: Mapped[date | None] = mapped_column(Date)
    #: open (not started), in_progress or done.
    status: Mapped[str] = mapped_column(String(20), default=ActionStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="action_items")

    @property
    def status_label(self) -> str:
        return ActionStatus.label_of(self.status)


class ParkingLotItem(db.Model):
    """A topic raised off the agenda, kept so it is not lost."""

    __tablename__ = "meeting_parking_lot"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    text: Mapped[str] = mapped_column(String(1000))
    raised_by: Mapped[str] = mapped_column(String(200), default="")
    #: What will happen to it: a later meeting, a phone call, resolved in this meeting.
    follow_up: Mapped[str] = mapped_column(String(500), default="")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="parking_lot")
