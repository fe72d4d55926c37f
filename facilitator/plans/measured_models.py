"""What plans that measure themselves keep: named groups of schools (a pilot), snapshots
of figures attached to an assessment step, and readings typed by hand for targets the
app cannot measure."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db

if TYPE_CHECKING:
    from ..auth.models import User
    from .models import PerformanceTarget


class SchoolGroup(db.Model):
    """A named group of the organization's schools, e.g. the pilot schools."""

    __tablename__ = "plan_school_groups"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    members: Mapped[list[SchoolGroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan",
        order_by="SchoolGroupMember.school")

    @property
    def school_names(self) -> tuple[str, ...]:
        return tuple(m.school for m in self.members)


class SchoolGroupMember(db.Model):
    """One school of a group (a school as the dispute-resolution cases name it)."""

    __tablename__ = "plan_school_group_members"
    __table_args__ = (UniqueConstraint("group_id", "school"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("plan_school_groups.id", ondelete="CASCADE"), index=True)
    school: Mapped[str] = mapped_column(String(200))

    group: Mapped[SchoolGroup] = relationship(back_populates="members")


class EvidenceSnapshot(db.Model):
    """A figure attached to an assessment step: its value as it was when attached."""

    __tablename__ = "capacity_evidence_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("capacity_assessments.id", ondelete="CASCADE"), index=True)
    #: 1-6, the "Getting Started" step the figure supports.
    step: Mapped[int] = mapped_column(Integer)
    #: The measure (facilitator.measures key) and its label when attached.
    measure: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    #: Which schools: "All schools", a group's name, or the schools listed.
    scope_label: Mapped[str] = mapped_column(Text, default="")
    school_year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float | None] = mapped_column(Float)
    #: The value as shown when attached ("66.67%", "12 days").
    display: Mapped[str] = mapped_column(String(40))
    #: How many cases (or survey answers) the figure rested on.
    count: Mapped[int] = mapped_column(Integer, default=0)
    measured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)

    author: Mapped[User | None] = relationship("User")


class TargetReading(db.Model):
    """Progress on a free-text target, typed by hand, with where the figure came from."""

    __tablename__ = "action_plan_target_readings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    target_id: Mapped[int] = mapped_column(
        ForeignKey("action_plan_targets.id", ondelete="CASCADE"), index=True)
    entry_date: Mapped[date] = mapped_column(Date)
    #: The figure as reported, e.g. "62% of pilot teams" or "18 of 24 staff".
    value: Mapped[str] = mapped_column(String(200))
    #: Where the figure comes from: indicator 8 survey, sign-in sheets, observation rubric.
    source: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    target: Mapped[PerformanceTarget] = relationship(back_populates="readings")
    author: Mapped[User | None] = relationship("User")
