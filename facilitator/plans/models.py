"""Capacity assessments and CADRE-structured capacity action plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary
from .measured_models import EvidenceSnapshot, SchoolGroup, TargetReading

if TYPE_CHECKING:
    from ..auth.models import User

__all__ = ["EvidenceSnapshot", "SchoolGroup", "TargetReading"]


class CapacityAssessment(db.Model):
    """A team's walk through the six "Getting Started" steps (CADRE)."""

    __tablename__ = "capacity_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    #: Whose capacity is assessed: the district's schools, a region, the whole state.
    scope: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    owner: Mapped[User | None] = relationship("User")
    answers: Mapped[list[AssessmentAnswer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan",
        order_by="AssessmentAnswer.step")
    snapshots: Mapped[list[EvidenceSnapshot]] = relationship(
        cascade="all, delete-orphan", order_by="(EvidenceSnapshot.step, EvidenceSnapshot.id)")

    def answer_for(self, step: int) -> AssessmentAnswer | None:
        return next((a for a in self.answers if a.step == step), None)

    @property
    def steps_answered(self) -> int:
        return sum(1 for a in self.answers if a.answer.strip())


class AssessmentAnswer(db.Model):
    """The team's answer to one step, with the data it rests on."""

    __tablename__ = "capacity_assessment_answers"
    __table_args__ = (UniqueConstraint("assessment_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("capacity_assessments.id", ondelete="CASCADE"), index=True)
    #: 1-6, the "Getting Started" step.
    step: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str] = mapped_column(Text, default="")
    #: Where the answer comes from: dispute-resolution logs, indicator 8 survey, interviews...
    data_sources: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    assessment: Mapped[CapacityAssessment] = relationship(back_populates="answers")


class ActionPlan(db.Model):
    """A capacity action plan following CADRE's Action Planning Tool."""

    __tablename__ = "action_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                 index=True)
    #: The assessment the plan was started from, if any.
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("capacity_assessments.id", ondelete="SET NULL"), index=True)
    #: Section 1: the priority area of focus.
    priority_area: Mapped[str] = mapped_column(Text, default="")
    #: Section 2a-2g: the desired results.
    result_a: Mapped[str] = mapped_column(Text, default="")
    result_b: Mapped[str] = mapped_column(Text, default="")
    result_c: Mapped[str] = mapped_column(Text, default="")
    result_d: Mapped[str] = mapped_column(Text, default="")
    result_e: Mapped[str] = mapped_column(Text, default="")
    result_f: Mapped[str] = mapped_column(Text, default="")
    result_g: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Changed whenever the plan or anything in it changes.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The measured progress page may be read by the organization's analysts.
    progress_shared: Mapped[bool] = mapped_column(Boolean, default=False,
                                                  server_default=false())

    owner: Mapped[User | None] = relationship("User")
    assessment: Mapped[CapacityAssessment | None] = relationship()
    targets: Mapped[list[PerformanceTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(PerformanceTarget.position, PerformanceTarget.id)")
    activities: Mapped[list[PlanActivity]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(PlanActivity.position, PlanActivity.id)")
    progress: Mapped[list[ProgressEntry]] = relationship(
        back_populates="plan", cascade="all, delete-orphan",
        order_by="(ProgressEntry.entry_date.desc(), ProgressEntry.id.desc())")

    def result(self, letter: str) -> str:
        return getattr(self, f"result_{letter}")


class PerformanceTarget(db.Model):
    """Section 3: a measurable, outcome-based performance target."""

    __tablename__ = "action_plan_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    statement: Mapped[str] = mapped_column(Text)
    #: The date by which the target should be reached.
    by_when: Mapped[date | None] = mapped_column(Date)
    #: 3a: what data would show the target is met.
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: 3b: which data sources will be used.
    data_sources: Mapped[str] = mapped_column(Text, default="")
    #: The app's measure the target is bound to (facilitator.measures key); "" = free text,
    #: tracked by hand with readings.
    measure: Mapped[str] = mapped_column(String(40), default="", server_default="")
    #: Bound targets: the schools measured, one per line ("" with no group = every school).
    scope_schools: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: Bound targets: a named group of schools (a pilot) measured instead of scope_schools.
    school_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_school_groups.id"), index=True)
    #: The school year (July-June, by its first calendar year) the baseline was measured in.
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    #: The measured baseline (a percent or a number of days), None when not bound.
    baseline_value: Mapped[float | None] = mapped_column(Float)
    #: How many cases (or survey answers) the baseline rests on.
    baseline_count: Mapped[int | None] = mapped_column(Integer)
    #: When the baseline was computed from the organization's cases.
    baseline_measured_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The value the measure should reach by by_when.
    target_value: Mapped[float | None] = mapped_column(Float)

    plan: Mapped[ActionPlan] = relationship(back_populates="targets")
    school_group: Mapped[SchoolGroup | None] = relationship("SchoolGroup")
    readings: Mapped[list[TargetReading]] = relationship(
        "TargetReading", back_populates="target", cascade="all, delete-orphan",
        order_by="(TargetReading.entry_date, TargetReading.id)")

    @property
    def is_bound(self) -> bool:
        return bool(self.measure)

    @property
    def schools(self) -> tuple[str, ...] | None:
        """The schools measured (None = every school)."""
        if self.school_group is not None:
            return self.school_group.school_names
        names = tuple(s for s in self.scope_schools.splitlines() if s)
        return names or None

    def is_overdue(self, today: date) -> bool:
        return self.by_when is not None and self.by_when < today


class ActivityStatus(Vocabulary):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    ON_HOLD = "on_hold", "On hold"
    DROPPED = "dropped", "Dropped"


class PlanActivity(db.Model):
    """One row of the Activities Planning Worksheet, plus its status."""

    __tablename__ = "action_plan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    activity: Mapped[str] = mapped_column(Text)
    resources_needed: Mapped[str] = mapped_column(Text, default="")
    #: The staff member who leads the activity.
    staff_lead: Mapped[str] = mapped_column(String(200), default="")
    #: "Date to be Initiated" on the worksheet.
    start_date: Mapped[date | None] = mapped_column(Date)
    #: "Date to be Completed" on the worksheet.
    end_date: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: not_started, in_progress, completed, on_hold, dropped.
    status: Mapped[str] = mapped_column(String(20), default=ActivityStatus.NOT_STARTED)

    plan: Mapped[ActionPlan] = relationship(back_populates="activities")

    @property
    def status_label(self) -> str:
        return ActivityStatus.label_of(self.status)


class ProgressKind(Vocabulary):
    UPDATE = "update", "Progress update"
    ACCOMPLISHMENT = "accomplishment", "Accomplishment to celebrate"
    ADJUSTMENT = "adjustment", "Adjustment"


class ProgressEntry(db.Model):
    """Tracking the plan over time: an update, an accomplishment or an adjustment."""

    __tablename__ = "action_plan_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    #: update (progress shared), accomplishment (to celebrate), adjustment (a change made).
    kind: Mapped[str] = mapped_column(String(20), default=ProgressKind.UPDATE)
    entry_date: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    #: For adjustments: why the change was made.
    reason: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                  index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="progress")
    author: Mapped[User | None] = relationship("User")

    @property
    def kind_label(self) -> str:
        return ProgressKind.label_of(self.kind)
