"""The program's districts, its settings, and its roster of neutrals.

Sources: 34 CFR 300.506 (a list of qualified mediators, chosen on a random,
rotational or other impartial basis, not employees of the SEA or the LEA
involved, no conflicting interest); published state program rules for
training hours, refreshers and payment (Michigan, Texas, Illinois), kept here
as settings rather than code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary


class ProgramProcess(Vocabulary):
    """The voluntary processes a program offers (what a request may ask for)."""

    FACILITATED_IEP = "facilitated_iep", "Facilitated IEP meeting"
    MEDIATION = "mediation", "Mediation"
    RESOLUTION_FACILITATION = "resolution_facilitation", "Resolution meeting facilitation"


class ProgramSettings(db.Model):
    """One program's rules; every number here is a published rule of some state."""

    __tablename__ = "program_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    #: Hours of initial training a neutral needs before a first case (Texas: 18; Michigan: 40).
    min_initial_hours: Mapped[int] = mapped_column(Integer, default=18)
    #: A refresher is due this many years after the last training (Michigan: 2).
    refresher_years: Mapped[int] = mapped_column(Integer, default=2)
    #: Warn this many days before a neutral's training lapses.
    renewal_warning_days: Mapped[int] = mapped_column(Integer, default=60)
    #: Work for a district within this many years is a conflict with that district.
    conflict_years: Mapped[int] = mapped_column(Integer, default=3)
    #: Requests must come within this many days of the disputed meeting (Texas: 10); none = any.
    request_window_days: Mapped[int | None] = mapped_column(Integer)
    #: A session needs this many days' notice (Illinois asks two weeks); none = any.
    notice_days: Mapped[int | None] = mapped_column(Integer)
    #: A cancellation within this many hours of a session is late (paid as below).
    late_cancel_hours: Mapped[int] = mapped_column(Integer, default=48)
    #: Share of the session fee paid for a late cancellation and for a no-show (percent).
    late_cancel_percent: Mapped[int] = mapped_column(Integer, default=50)
    no_show_percent: Mapped[int] = mapped_column(Integer, default=100)


class ProgramDistrict(db.Model):
    """A district the program serves, from the directory it imports (CSV)."""

    __tablename__ = "program_districts"
    __table_args__ = (UniqueConstraint("organization_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The state's district id (NCES or state LEA code).
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    #: The program's region the district belongs to (neutrals serve regions).
    region: Mapped[str] = mapped_column(String(80), default="")


class Neutral(db.Model):
    """A facilitator or mediator on the program's roster; inactive ones stay on file."""

    __tablename__ = "program_neutrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The neutral's own sign-in (role "neutral"), when they have one.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: Comma-separated ProgramProcess values the neutral takes.
    processes: Mapped[str] = mapped_column(String(120), default="")
    #: Comma-separated language codes the neutral works in ("en,es").
    languages: Mapped[str] = mapped_column(String(60), default="en")
    #: Comma-separated regions served; a district in another region is not theirs.
    regions: Mapped[str] = mapped_column(String(400), default="")
    #: Most open cases at once.
    caseload_limit: Mapped[int] = mapped_column(Integer, default=5)
    #: Pay, in cents: per session, per hour (one of them, or both), and per mile of travel.
    rate_session_cents: Mapped[int] = mapped_column(Integer, default=0)
    rate_hour_cents: Mapped[int] = mapped_column(Integer, default=0)
    rate_mile_cents: Mapped[int] = mapped_column(Integer, default=0)
    contract_start: Mapped[date | None] = mapped_column(Date)
    contract_end: Mapped[date | None] = mapped_column(Date)
    #: An employee of the SEA may not mediate for it (34 CFR 300.506(c)(1)(i)).
    sea_employee: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Place in the rotation: the time of the neutral's last assignment (none yet: first).
    last_assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    trainings: Mapped[list[NeutralTraining]] = relationship(
        back_populates="neutral", cascade="all, delete-orphan", order_by="NeutralTraining.on")
    absences: Mapped[list[NeutralAbsence]] = relationship(
        cascade="all, delete-orphan", order_by="NeutralAbsence.first")
    conflicts: Mapped[list[NeutralConflict]] = relationship(cascade="all, delete-orphan")

    def listed(self, field: str) -> set[str]:
        return {v.strip() for v in (getattr(self, field) or "").split(",") if v.strip()}


class TrainingKind(Vocabulary):
    INITIAL = "initial", "Initial training"
    REFRESHER = "refresher", "Refresher"
    CONTINUING = "continuing", "Continuing education"


class NeutralTraining(db.Model):
    """Hours of training on a date; the last one sets when the next refresher is due."""

    __tablename__ = "program_neutral_trainings"

    id: Mapped[int] = mapped_column(primary_key=True)
    neutral_id: Mapped[int] = mapped_column(
        ForeignKey("program_neutrals.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default=TrainingKind.INITIAL)
    hours: Mapped[float] = mapped_column(Numeric(6, 2))
    title: Mapped[str] = mapped_column(String(200), default="")

    neutral: Mapped[Neutral] = relationship(back_populates="trainings")


class NeutralAbsence(db.Model):
    """Dates a neutral is away (not assignable for sessions in them)."""

    __tablename__ = "program_neutral_absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    neutral_id: Mapped[int] = mapped_column(
        ForeignKey("program_neutrals.id", ondelete="CASCADE"), index=True)
    first: Mapped[date] = mapped_column(Date)
    last: Mapped[date] = mapped_column(Date)


class NeutralConflict(db.Model):
    """A district the neutral works or worked for (a conflict until ``ended_on`` + the setting)."""

    __tablename__ = "program_neutral_conflicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    neutral_id: Mapped[int] = mapped_column(
        ForeignKey("program_neutrals.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(
        ForeignKey("program_districts.id", ondelete="CASCADE"), index=True)
    #: employee, contractor, other (a personal or professional interest).
    relation: Mapped[str] = mapped_column(String(20), default="employee")
    #: When the work ended; none = still working there.
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")

    district: Mapped[ProgramDistrict] = relationship()


class AssignmentStatus(Vocabulary):
    PROPOSED = "proposed", "Proposed, waiting for the neutral"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined by the neutral"
    OBJECTED = "objected", "A party objected"
    ENDED = "ended", "Ended (case closed)"


#: An assignment in these states counts against the neutral's caseload.
OPEN_ASSIGNMENT = (AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED)


class Assignment(db.Model):
    """One neutral on one case: proposed, then accepted, declined or objected to."""

    __tablename__ = "program_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("adr_cases.id", ondelete="CASCADE"),
                                         index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("program_neutrals.id"), index=True)
    #: rotation (the next eligible neutral) or parties (chosen by both from the eligible list).
    method: Mapped[str] = mapped_column(String(20), default="rotation")
    status: Mapped[str] = mapped_column(String(20), default=AssignmentStatus.PROPOSED)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The neutral declared, on accepting, that they have no conflict with this case.
    attested_no_conflict: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why the assignment ended early (a decline's or an objection's reason, as given).
    reason: Mapped[str] = mapped_column(Text, default="")

    neutral: Mapped[Neutral] = relationship()


class RotationEntry(db.Model):
    """One line of the assignment log: a neutral proposed, passed over (with why), or answering.

    The log is what shows an auditor the pick was impartial: every neutral ahead
    of the one proposed appears here with the reason they were passed over.
    """

    __tablename__ = "program_rotation_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("adr_cases.id", ondelete="CASCADE"),
                                         index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("program_neutrals.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: proposed, skipped, chosen_by_parties, accepted, declined, objected.
    decision: Mapped[str] = mapped_column(String(20))
    #: For a skip: comma-separated Reason values; otherwise what was said, if anything.
    reasons: Mapped[str] = mapped_column(Text, default="")
    #: Position in the rotation when the neutral was considered (1 = first in line).
    position: Mapped[int | None] = mapped_column(Integer)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    neutral: Mapped[Neutral] = relationship()


class ProgramCase(db.Model):
    """What the program knows of a case beyond the dispute-resolution record: its district,
    the family's language, whether an interpreter is arranged, the planned session date."""

    __tablename__ = "program_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("adr_cases.id", ondelete="CASCADE"),
                                         unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("program_districts.id"), index=True)
    #: The family's language (a code from i18n.LANGUAGES).
    language: Mapped[str] = mapped_column(String(8), default="en")
    interpreter: Mapped[bool] = mapped_column(Boolean, default=False)
    session_on: Mapped[date | None] = mapped_column(Date)

    district: Mapped[ProgramDistrict] = relationship()


class SurveyNeutral(db.Model):
    """Which neutral served the case a survey answer came from (set when it is submitted).

    Kept beside the anonymous answer, never the case or the invitation: the figures
    group answers by neutral and suppress any group too small to hide a family.
    """

    __tablename__ = "program_survey_neutrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("adr_survey_responses.id", ondelete="CASCADE"), unique=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("program_neutrals.id"), index=True)
