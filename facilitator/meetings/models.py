"""A family's meetings: participants, agenda, ground rules, checklist progress, the
reflection and summary downloads. (What the live meeting records: live_models.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from .vocabulary import (  # noqa: F401 - the vocabulary is also imported from here
    OUTCOME_CHOICES,
    ActionStatus,
    Attendance,
    ConcernStatus,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
)

if TYPE_CHECKING:
    from ..auth.models import User
    from ..families.models import Family, TipEntry
    from .live_models import ActionItem, Concern, Decision, MeetingNote, ParkingLotItem


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    from datetime import UTC

    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def new_calendar_uid() -> str:
    import uuid

    return f"{uuid.uuid4()}@facilitator"


class Meeting(db.Model):
    """One meeting of a family's team: planned, run and closed here."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id"), index=True)
    #: IEP annual review, amendment, eligibility, facilitated IEP, mediation, resolution
    #: meeting, pre-meeting conference or other (see MeetingKind).
    kind: Mapped[str] = mapped_column(String(30), default=MeetingKind.FACILITATED_IEP)
    # active_history: the old time, place, link and status are known at flush, so a
    # change raises calendar_sequence (meetings/mail.py) even on a reloaded meeting.
    #: When the meeting starts, stored in UTC.
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True,
                                                active_history=True)
    #: Planned length in minutes.
    duration_minutes: Mapped[int] = mapped_column(Integer, default=90, active_history=True)
    location: Mapped[str] = mapped_column(String(300), default="", active_history=True)
    video_link: Mapped[str] = mapped_column(String(500), default="", active_history=True)
    facilitator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    #: What the meeting is for, in the words shared with the family.
    purpose: Mapped[str] = mapped_column(Text, default="")
    #: scheduled, held or cancelled.
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.SCHEDULED,
                                        active_history=True)
    #: The agreement reached, once held: full, partial or none (facilitated IEP);
    #: yes or no (mediation). Empty for other kinds and until recorded.
    outcome: Mapped[str] = mapped_column(String(10), default="")
    #: Who reviewed the family's tip file for this meeting, and when.
    tips_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tips_reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    #: The calendar UID of the meeting (RFC 5545): random, never changes, whatever host.
    calendar_uid: Mapped[str] = mapped_column(String(64), unique=True, default=new_calendar_uid)
    #: RFC 5545 SEQUENCE: goes up with every change of time, place, link or cancellation.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    family: Mapped[Family] = relationship(
        "Family", backref=db.backref("meetings", order_by="Meeting.starts_at.desc()"))
    facilitator: Mapped[User | None] = relationship("User", foreign_keys=[facilitator_id])
    tips_reviewed_by: Mapped[User | None] = relationship("User",
                                                         foreign_keys=[tips_reviewed_by_id])
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Participant.id")
    agenda_items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(AgendaItem.position, AgendaItem.id)")
    ground_rules: Mapped[list[GroundRule]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan",
        order_by="(GroundRule.position, GroundRule.id)")
    checklist_progress: Mapped[list[ChecklistProgress]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    note: Mapped[MeetingNote | None] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", uselist=False)
    concerns: Mapped[list[Concern]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Concern.id")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Decision.id")
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ActionItem.id")
    parking_lot: Mapped[list[ParkingLotItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="ParkingLotItem.id")
    reflection: Mapped[Reflection | None] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", uselist=False)

    @property
    def kind_label(self) -> str:
        return MeetingKind.label_of(self.kind)

    @property
    def status_label(self) -> str:
        return MeetingStatus.label_of(self.status)

    @property
    def starts_at_utc(self) -> datetime:
        return as_utc(self.starts_at)

    @property
    def ends_at_utc(self) -> datetime:
        return self.starts_at_utc + timedelta(minutes=self.duration_minutes)

    @property
    def title(self) -> str:
        return f"{self.kind_label}: {self.family.student_name}"

    @property
    def agenda_minutes(self) -> int:
        return sum(item.minutes for item in self.agenda_items)


class Participant(db.Model):
    """Someone invited to (or attending) a meeting."""

    __tablename__ = "meeting_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    #: The person's role on the IEP team (see ParticipantRole).
    role: Mapped[str] = mapped_column(String(30), default=ParticipantRole.OTHER)
    #: invited, attended or absent.
    attendance: Mapped[str] = mapped_column(String(20), default=Attendance.INVITED)
    #: What the person needs to take part fully: an interpreter, access, a break.
    needs: Mapped[str] = mapped_column(String(500), default="")
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Where invitations, reminders and the survey link are sent; empty: nothing is sent.
    email: Mapped[str] = mapped_column(String(254), default="")
    #: The language the person reads (free text, e.g. "Spanish"); empty: the family's.
    language: Mapped[str] = mapped_column(String(80), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="participants")

    @property
    def role_label(self) -> str:
        return ParticipantRole.label_of(self.role)

    @property
    def attendance_label(self) -> str:
        return Attendance.label_of(self.attendance)


class AgendaItem(db.Model):
    __tablename__ = "meeting_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    #: Minutes set aside for this item.
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    description: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda_items")


class GroundRule(db.Model):
    """A meeting agreement such as 'one person speaks at a time'."""

    __tablename__ = "meeting_ground_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(500))

    meeting: Mapped[Meeting] = relationship(back_populates="ground_rules")


class ChecklistProgress(db.Model):
    """Whether one before/during/after checklist item is done for a meeting."""

    __tablename__ = "meeting_checklist_progress"
    __table_args__ = (UniqueConstraint("meeting_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    #: before, during or after.
    phase: Mapped[str] = mapped_column(String(10))
    #: The item's key in checklists/<phase>.toml, or "org-<id>" for an organization's own item.
    item_key: Mapped[str] = mapped_column(String(80))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str] = mapped_column(String(1000), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="checklist_progress")
    done_by: Mapped[User | None] = relationship("User")


class OrgChecklistItem(db.Model):
    """An organization's own checklist item, added on top of the files' items."""

    __tablename__ = "org_checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: before, during or after.
    phase: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(String(500))
    help: Mapped[str] = mapped_column(String(500), default="")
    #: Removed items stay so meetings that ticked them keep their record.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def key(self) -> str:
        return f"org-{self.id}"


class HiddenChecklistItem(db.Model):
    """A default checklist item an organization chose not to use."""

    __tablename__ = "org_hidden_checklist_items"
    __table_args__ = (UniqueConstraint("organization_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The key of the hidden item in checklists/<phase>.toml.
    item_key: Mapped[str] = mapped_column(String(80))
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reflection(db.Model):
    """The facilitator's look back: what worked and what did not (seed 003, after the meeting)."""

    __tablename__ = "meeting_reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    what_worked: Mapped[str] = mapped_column(Text, default="")
    what_did_not: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)
    #: The tip-file entry made from this reflection, if any.
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("family_tips.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="reflection")
    author: Mapped[User | None] = relationship("User")
    tip: Mapped[TipEntry | None] = relationship("TipEntry")


class SummaryDownload(db.Model):
    """Who downloaded a meeting's family summary, and when."""

    __tablename__ = "meeting_summary_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    downloaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User | None] = relationship("User")
