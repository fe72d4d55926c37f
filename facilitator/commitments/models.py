"""Commitments made at the table, their history, each meeting's review date and the
organization's settings.

A commitment belongs to a family (``family_id`` NOT NULL, so destroying the family
destroys it) and comes from an action item, a decision, an agreement on a concern,
or a mediation agreement recorded on a dispute-resolution case.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from .vocabulary import CommitmentStatus, Source, Via

if TYPE_CHECKING:
    from ..adr.models import AdrCase
    from ..auth.models import User
    from ..families.models import Family
    from ..meetings.live_models import ActionItem
    from ..meetings.models import Meeting


class Commitment(db.Model):
    """Something someone agreed to do, by when, and whether it was done."""

    __tablename__ = "commitments"
    __table_args__ = (
        Index("ix_commitments_org_due", "organization_id", "status", "due_on"),
        Index("ix_commitments_case", "case_id", "status", "due_on", "done_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The family the commitment was made to: destroyed with the family (34 CFR 300.624).
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    #: The dispute-resolution case whose outcome this commitment carries out.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("adr_cases.id", ondelete="SET NULL"))
    #: action_item, decision, agreement (a concern's), mediation or other (see Source).
    source: Mapped[str] = mapped_column(String(20), default=Source.OTHER)
    action_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_action_items.id", ondelete="SET NULL"), unique=True)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_decisions.id", ondelete="SET NULL"))
    concern_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_concerns.id", ondelete="SET NULL"))
    task: Mapped[str] = mapped_column(String(500))
    #: The owner: a user of the organization, a participant of the meeting, or a name.
    owner_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    owner_participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_participants.id", ondelete="SET NULL"))
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    #: Where an owner without an account gets their link and reminders.
    owner_email: Mapped[str] = mapped_column(String(254), default="")
    #: "en" or "es": the owner's link and reminders speak it.
    owner_language: Mapped[str] = mapped_column(String(8), default="en")
    due_on: Mapped[date | None] = mapped_column(Date)
    #: not_started, in_progress, done, not_done, changed or cancelled.
    status: Mapped[str] = mapped_column(String(20), default=CommitmentStatus.NOT_STARTED)
    #: The day it was reported done (on time when on or before due_on).
    done_on: Mapped[date | None] = mapped_column(Date)
    #: The last time the family said "this has not happened" (cleared when done).
    family_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    family: Mapped[Family] = relationship("Family")
    meeting: Mapped[Meeting | None] = relationship("Meeting")
    case: Mapped[AdrCase | None] = relationship("AdrCase")
    owner_user: Mapped[User | None] = relationship("User", foreign_keys=[owner_user_id])
    action_item: Mapped[ActionItem | None] = relationship("ActionItem")
    updates: Mapped[list[CommitmentUpdate]] = relationship(
        back_populates="commitment", cascade="all, delete-orphan",
        order_by="CommitmentUpdate.id.desc()")

    @property
    def status_label(self) -> str:
        return CommitmentStatus.label_of(self.status)

    @property
    def source_label(self) -> str:
        return Source.label_of(self.source)

    @property
    def owner_display(self) -> str:
        if self.owner_user is not None:
            return self.owner_user.display_name
        return self.owner_name

    def is_overdue(self, today: date) -> bool:
        from .vocabulary import OPEN

        return self.due_on is not None and self.due_on < today and self.status in OPEN


class CommitmentUpdate(db.Model):
    """One line of a commitment's history: who, when, through what, what changed, a note."""

    __tablename__ = "commitment_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitments.id", ondelete="CASCADE"), index=True)
    #: update, or family_not_happened (the family said it has not happened).
    kind: Mapped[str] = mapped_column(String(30), default="update")
    #: staff, owner_link, family_link or system (see Via).
    via: Mapped[str] = mapped_column(String(20), default=Via.STAFF)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: Who, when no account: the owner's or the family's name as the link knows it.
    by_name: Mapped[str] = mapped_column(String(200), default="")
    status_from: Mapped[str] = mapped_column(String(20), default="")
    status_to: Mapped[str] = mapped_column(String(20), default="")
    due_from: Mapped[date | None] = mapped_column(Date)
    due_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="updates")
    family: Mapped[Family] = relationship("Family")
    by_user: Mapped[User | None] = relationship("User")

    @property
    def who(self) -> str:
        return self.by_user.display_name if self.by_user is not None else self.by_name

    @property
    def via_label(self) -> str:
        return Via.label_of(self.via)


class CommitmentReview(db.Model):
    """When a meeting's commitments are reviewed, and the follow-up meeting if one was set."""

    __tablename__ = "commitment_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    family_id: Mapped[int] = mapped_column(ForeignKey("families.id", ondelete="CASCADE"),
                                           index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    #: The day the facilitator is asked to review (default: meeting + the organization's days).
    review_on: Mapped[date] = mapped_column(Date, index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    follow_up_meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship("Meeting", foreign_keys=[meeting_id])
    family: Mapped[Family] = relationship("Family")
    follow_up: Mapped[Meeting | None] = relationship("Meeting",
                                                     foreign_keys=[follow_up_meeting_id])


class CommitmentSettings(db.Model):
    """An organization's choices for commitments (one row, made when first changed)."""

    __tablename__ = "commitment_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    #: Days after the meeting that its commitments are reviewed.
    review_days: Mapped[int] = mapped_column(Integer, default=30)
    #: Days before the due date that the owner is reminded.
    remind_days_before: Mapped[int] = mapped_column(Integer, default=3)


class CasePath(db.Model):
    """Where one held facilitated IEP meeting or mediation led: its commitments counted and
    what followed for the student within 12 months. Kept by paths.py whenever a case or a
    commitment changes, so the path to resolution is one GROUP BY over a covering index.

    Only counts and the case's own reporting columns: no names, no student reference.
    """

    __tablename__ = "commitment_case_paths"
    __table_args__ = (
        # The funnel groups by (process, agreement, followed, kept) in this index's order,
        # so the database aggregates while it scans, reading nothing else.
        Index("ix_commitment_case_paths_funnel", "organization_id", "school_year", "process",
              "agreement", "followed", "kept", "ends"),
        # The open cases whose first due date has passed: found directly, not scanned for.
        Index("ix_commitment_case_paths_overdue", "organization_id", "school_year", "kept",
              "first_open_due", "process", "agreement", "followed"),
        # One school's funnel: its few rows, looked up.
        Index("ix_commitment_case_paths_school", "organization_id", "school_year", "school"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("adr_cases.id", ondelete="CASCADE"),
                                         primary_key=True, autoincrement=False)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    school_year: Mapped[int] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(200), default="")
    process: Mapped[str] = mapped_column(String(30))
    agreement: Mapped[str] = mapped_column(String(10), default="")
    #: What followed within 12 months, one bit each: 1 mediation, 2 resolution meeting,
    #: 4 due process complaint, 8 hearing, 16 State complaint (0: nothing).
    followed: Mapped[int] = mapped_column(Integer, default=0)
    #: The case's commitments (cancelled ones left out), by how they ended.
    n_commitments: Mapped[int] = mapped_column(Integer, default=0)
    n_on_time: Mapped[int] = mapped_column(Integer, default=0)
    n_late: Mapped[int] = mapped_column(Integer, default=0)
    n_not_done: Mapped[int] = mapped_column(Integer, default=0)
    #: Still open (not started, in progress, changed), and the earliest of their due dates:
    #: once that day has passed, the case's commitments count as not carried out.
    n_open: Mapped[int] = mapped_column(Integer, default=0)
    first_open_due: Mapped[date | None] = mapped_column(Date)
    #: The commitments as one word when last changed: not_kept (one not done), open,
    #: late (all done, one late), on_time or none. An open case whose first_open_due has
    #: passed counts as not_kept: the funnel decides that with today's date.
    kept: Mapped[str] = mapped_column(String(10), default="none")
    #: n_on_time + n_late * 2**21 + n_not_done * 2**42: one SUM gives all three totals
    #: (each total under two million per group), so the funnel reads one column, not three.
    ends: Mapped[int] = mapped_column(BigInteger, default=0)
