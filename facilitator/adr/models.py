"""Dispute-resolution cases, school closures and participant surveys.

Vocabulary follows 34 CFR part 300: a facilitated IEP meeting, a mediation
(300.506), a due process complaint (300.508) with its resolution meeting
(300.510) and hearing decision (300.515), an expedited due process complaint
about discipline (300.532), and a State (written, signed) complaint (300.152).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary
from . import derived


class Process(Vocabulary):
    FACILITATED_IEP = "facilitated_iep", "Facilitated IEP meeting"
    MEDIATION = "mediation", "Mediation"
    DUE_PROCESS = "due_process", "Due process complaint"
    EXPEDITED = "expedited_due_process", "Expedited due process complaint (discipline)"
    STATE_COMPLAINT = "state_complaint", "State complaint"


PROCESS_LABELS = Process.labels()

#: The due process kinds: both have resolution meetings and hearings.
DUE_PROCESS_KINDS = (Process.DUE_PROCESS, Process.EXPEDITED)

#: Statuses allowed for each process (see the CSV contract in README).
STATUSES = {
    Process.FACILITATED_IEP: ("pending", "held", "withdrawn"),
    Process.MEDIATION: ("pending", "held", "withdrawn"),
    Process.DUE_PROCESS: ("pending", "adjudicated", "withdrawn"),
    Process.EXPEDITED: ("pending", "adjudicated", "withdrawn"),
    Process.STATE_COMPLAINT: ("pending", "report_issued", "withdrawn"),
}

STATUS_LABELS = {
    "pending": "Pending",
    "held": "Held",
    "withdrawn": "Withdrawn, dismissed or not held",
    "adjudicated": "Hearing fully adjudicated",
    "report_issued": "Report issued",
}

AGREEMENTS = {
    Process.FACILITATED_IEP: ("full", "partial", "none"),
    Process.MEDIATION: ("yes", "no"),
}

AGREEMENT_LABELS = {"full": "Full agreement", "partial": "Partial agreement",
                    "none": "No agreement", "yes": "Agreement reached",
                    "no": "No agreement"}

TIMELINES = ("within", "extended", "late")


def school_year_of(day: date) -> int:
    """The July–June school year a date falls in, as its starting calendar year."""
    return day.year if day.month >= 7 else day.year - 1


def school_year_label(start: int) -> str:
    """2014 -> "2014-15"."""
    return f"{start}-{(start + 1) % 100:02d}"


def parse_school_year(text: str) -> int | None:
    """ "2014-15" (or "2014") -> 2014; None when it is not a school year."""
    text = (text or "").strip()
    head, _, tail = text.partition("-")
    if not head.isdigit() or len(head) != 4:
        return None
    start = int(head)
    if tail and (not tail.isdigit() or int(tail) % 100 != (start + 1) % 100):
        return None
    return start


class AdrCase(db.Model):
    """One dispute-resolution process in an organization."""

    __tablename__ = "adr_cases"
    __table_args__ = (
        UniqueConstraint("organization_id", "case_ref"),
        # Covering indexes: the 618 table, the dashboard and the trends read one
        # organization's year (or all years) from these alone, in index order, so
        # the database groups while it scans (see report.py and dashboard.py).
        # related_process spares the 618 table a look-up of each held mediation's
        # related case; dash_class holds in one integer what the dashboard counts.
        Index("ix_adr_cases_report", "organization_id", "school_year", "process", "status",
              "agreement", "dash_class", "settlement", "timeline", "findings",
              "pending_hearing", "placement_changed", "resolution_meeting_on",
              "related_process"),
        Index("ix_adr_cases_school", "organization_id", "school_year", "school", "process",
              "status", "dash_class", "dash_pack1", "dash_pack2", "dash_pack3"),
        Index("ix_adr_cases_days_held", "organization_id", "school_year", "process",
              "days_to_held", "school"),
        Index("ix_adr_cases_days_closed", "organization_id", "school_year", "process",
              "days_to_closed", "school"),
        # Escalation: later cases of the same student.
        Index("ix_adr_cases_student", "organization_id", "student_ref", "received_on",
              "process"),
        # The case list, newest first.
        Index("ix_adr_cases_org_received", "organization_id", "received_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The organization's own reference for the case; unique in the organization.
    case_ref: Mapped[str] = mapped_column(String(64))
    #: facilitated_iep, mediation, due_process, expedited_due_process or state_complaint.
    process: Mapped[str] = mapped_column(String(30))
    #: The day the request or complaint was received; it decides the school year.
    received_on: Mapped[date] = mapped_column(Date)
    #: July–June school year of received_on, as its first calendar year (2014 = 2014-15).
    school_year: Mapped[int] = mapped_column(Integer)
    school: Mapped[str] = mapped_column(String(200), default="")
    #: The district's student reference (links later cases of the same student).
    student_ref: Mapped[str] = mapped_column(String(64), default="")
    family_id: Mapped[int | None] = mapped_column(
        ForeignKey("families.id", ondelete="SET NULL"), index=True)
    #: The case this one arose from or relates to (e.g. the due process complaint
    #: a mediation is related to).
    related_id: Mapped[int | None] = mapped_column(
        ForeignKey("adr_cases.id", ondelete="SET NULL"), index=True)
    #: The process of the related case, kept by the database itself (derived.py, in the
    #: same statement as any change of related_id or of the related case's process):
    #: the 618 table counts mediations related to a due process complaint from it.
    related_process: Mapped[str | None] = mapped_column(String(30))
    #: The meeting held in the app that this case records (meetings feature).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    #: Process-specific: pending, held, adjudicated, report_issued or withdrawn.
    status: Mapped[str] = mapped_column(String(20), default="pending")
    #: The day a facilitated IEP meeting or mediation session was held.
    held_on: Mapped[date | None] = mapped_column(Date)
    #: Facilitated IEP: full, partial, none. Mediation: yes, no.
    agreement: Mapped[str] = mapped_column(String(10), default="")
    #: Due process kinds: the day a resolution meeting (300.510) was held.
    resolution_meeting_on: Mapped[date | None] = mapped_column(Date)
    #: A written settlement agreement was reached in the resolution meeting.
    settlement: Mapped[bool | None] = mapped_column(Boolean)
    #: The day of a written waiver of the resolution meeting or a written statement
    #: that no agreement is possible; the 45-day hearing clock starts the day after.
    resolution_ended_on: Mapped[date | None] = mapped_column(Date)
    #: Expedited: the day the hearing was held (decision due 10 school days later).
    hearing_on: Mapped[date | None] = mapped_column(Date)
    #: The day of the hearing decision or the State complaint report.
    decision_on: Mapped[date | None] = mapped_column(Date)
    #: within, extended (a documented extension) or late.
    timeline: Mapped[str] = mapped_column(String(10), default="")
    #: State complaint report with findings of noncompliance.
    findings: Mapped[bool | None] = mapped_column(Boolean)
    #: Pending State complaint set aside pending a due process hearing (300.152(c)).
    pending_hearing: Mapped[bool | None] = mapped_column(Boolean)
    #: Expedited hearing ordered a change of placement.
    placement_changed: Mapped[bool | None] = mapped_column(Boolean)
    closed_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: A held facilitated IEP that was followed within 12 months by a mediation, due
    #: process complaint or State complaint for the same student (kept by services).
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: What the dashboard counts of this case, as bits (derived.py), kept by the database
    #: from this row's own columns in the same statement as any change of them.
    dash_class: Mapped[int | None] = mapped_column(Integer)
    #: The same as counts packed three to a column (derived.PACKS), kept with dash_class:
    #: a school's figures are SUMs of these over its cases of each process.
    dash_pack1: Mapped[int | None] = mapped_column(BigInteger)
    dash_pack2: Mapped[int | None] = mapped_column(BigInteger)
    dash_pack3: Mapped[int | None] = mapped_column(BigInteger)
    #: Days from received_on to held_on, kept so medians are one indexed query.
    days_to_held: Mapped[int | None] = mapped_column(Integer)
    #: Days from received_on to closed_on.
    days_to_closed: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    related: Mapped[AdrCase | None] = relationship(remote_side=[id])
    family = relationship("Family")

    @property
    def process_label(self) -> str:
        return Process(self.process).label

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def year_label(self) -> str:
        return school_year_label(self.school_year)

    def refresh_derived(self) -> None:
        """Recompute the school year and the day counts from the dates."""
        self.school_year = school_year_of(self.received_on)
        self.days_to_held = (self.held_on - self.received_on).days if self.held_on else None
        self.days_to_closed = (self.closed_on - self.received_on).days \
            if self.closed_on else None


class SchoolClosure(db.Model):
    """A weekday the organization's schools are closed (not a school day)."""

    __tablename__ = "adr_school_closures"
    __table_args__ = (UniqueConstraint("organization_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(120), default="")


class SurveyInvitation(db.Model):
    """A single-use survey link for one participant of a held case (only its hash is kept)."""

    __tablename__ = "adr_survey_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("adr_cases.id", ondelete="CASCADE"),
                                         index=True)
    #: SHA-256 of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "en" or "es": the language the survey page opens in (the family's when made).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SurveyResponse(db.Model):
    """One anonymous answer set: kept apart from the invitation and the case on purpose."""

    __tablename__ = "adr_survey_responses"
    __table_args__ = (Index("ix_adr_survey_responses_org_year", "organization_id",
                            "school_year", "process"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    process: Mapped[str] = mapped_column(String(30))
    school_year: Mapped[int] = mapped_column(Integer)
    #: 1 (strongly disagree) .. 4 (strongly agree), None when skipped.
    raised_concerns: Mapped[int | None] = mapped_column(Integer)
    had_input: Mapped[int | None] = mapped_column(Integer)
    neutral_helpful: Mapped[int | None] = mapped_column(Integer)
    #: improved, unchanged, worse.
    relationship_change: Mapped[str] = mapped_column(String(10), default="")
    #: yes, no, unsure.
    use_again: Mapped[str] = mapped_column(String(10), default="")


# related_process and dash_class are kept by the database (derived.py): created with the
# table (create_all in tests) and by migration 0911, from the same statements.
for _stmt in derived.SQLITE:
    event.listen(AdrCase.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in derived.POSTGRES:
    event.listen(AdrCase.__table__, "after_create",
                 DDL(_stmt.replace("%", "%%")).execute_if(dialect="postgresql"))
