"""Sessions a neutral records and the payment requests they add up to.

A held session is paid the neutral's session fee plus their hourly fee for the
hours, plus travel. A cancellation within the program's late-cancellation hours
is paid a share of the session fee, as is a no-show (the program's settings);
an earlier cancellation is not paid. One payment request per neutral per month
gathers the sessions not yet in an approved request; the coordinator approves it
and its amount is fixed then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Integer, Numeric, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..adr.services import case_values, save_case
from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary
from .models import Assignment, Neutral, ProgramSettings


class SessionKind(Vocabulary):
    HELD = "held", "Held"
    LATE_CANCEL = "late_cancel", "Cancelled late"
    CANCELLED = "cancelled", "Cancelled in time"
    NO_SHOW = "no_show", "A party did not come"


class SessionOutcome(Vocabulary):
    """How the session ended (a held session's last word on the case)."""

    FULL = "full", "Agreement on everything"
    PARTIAL = "partial", "Agreement on some things"
    NONE = "none", "No agreement"
    CONTINUED = "continued", "Continued to another session"
    NA = "", "Not held"


class ProgramSession(db.Model):
    """One session of a case, as its neutral recorded it."""

    __tablename__ = "program_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("program_assignments.id", ondelete="CASCADE"), index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("program_neutrals.id"), index=True)
    on: Mapped[date] = mapped_column(Date)
    #: held, late_cancel, cancelled, no_show (see SessionKind).
    kind: Mapped[str] = mapped_column(String(20))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(0))
    miles: Mapped[Decimal] = mapped_column(Numeric(7, 1), default=Decimal(0))
    outcome: Mapped[str] = mapped_column(String(20), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    #: What the session earns, in cents, by the rules in force when it was recorded.
    amount_cents: Mapped[int] = mapped_column(Integer, default=0)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The approved payment request that paid it (none: not yet paid).
    payment_id: Mapped[int | None] = mapped_column(
        ForeignKey("program_payments.id", ondelete="SET NULL"), index=True)

    assignment: Mapped[Assignment] = relationship()


class Payment(db.Model):
    """A neutral's approved payment request for one month (its amount fixed on approval)."""

    __tablename__ = "program_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    neutral_id: Mapped[int] = mapped_column(ForeignKey("program_neutrals.id"), index=True)
    #: The month, as its first day.
    month: Mapped[date] = mapped_column(Date)
    amount_cents: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int] = mapped_column(Integer)
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    neutral: Mapped[Neutral] = relationship()


def session_amount(neutral: Neutral, settings: ProgramSettings | None, kind: str,
                   hours: Decimal, miles: Decimal) -> int:
    """What one session earns, in cents, by the neutral's rates and the program's rules."""
    late = settings.late_cancel_percent if settings else 50
    absent = settings.no_show_percent if settings else 100
    fee = neutral.rate_session_cents
    if kind == SessionKind.HELD:
        return int(fee + neutral.rate_hour_cents * hours + neutral.rate_mile_cents * miles)
    if kind == SessionKind.LATE_CANCEL:
        return fee * late // 100
    if kind == SessionKind.NO_SHOW:
        return int(fee * absent // 100 + neutral.rate_mile_cents * miles)
    return 0


@dataclass
class MonthLine:
    """One neutral's month: the sessions, what they add up to, and whether it is approved."""

    neutral: Neutral
    sessions: list[ProgramSession]
    amount_cents: int
    payment: Payment | None


def month_lines(org_id: int, month: date) -> list[MonthLine]:
    """Each neutral with sessions in the month (approved or waiting), by name."""
    first = month.replace(day=1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    sessions = db.session.execute(select(ProgramSession).where(
        ProgramSession.organization_id == org_id, ProgramSession.on >= first,
        ProgramSession.on < after).order_by(ProgramSession.on, ProgramSession.id)).scalars()
    by_neutral: dict[int, list[ProgramSession]] = {}
    for s in sessions:
        by_neutral.setdefault(s.neutral_id, []).append(s)
    payments = {p.neutral_id: p for p in db.session.execute(select(Payment).where(
        Payment.organization_id == org_id, Payment.month == first)).scalars()}
    lines = []
    for neutral_id, items in by_neutral.items():
        neutral = db.session.get(Neutral, neutral_id)
        lines.append(MonthLine(neutral, items, sum(s.amount_cents for s in items),
                               payments.get(neutral_id)))
    return sorted(lines, key=lambda line: line.neutral.name)


def approve(org_id: int, neutral: Neutral, month: date, user) -> Payment:
    """Approve a neutral's month: the amount of its unpaid sessions is fixed (flushes)."""
    first = month.replace(day=1)
    line = next((m for m in month_lines(org_id, first) if m.neutral.id == neutral.id), None)
    if line is None or not line.sessions:
        raise ValueError("This neutral has no sessions in that month.")
    if line.payment is not None:
        raise ValueError("This month is already approved for this neutral.")
    payment = Payment(organization_id=org_id, neutral_id=neutral.id, month=first,
                      amount_cents=line.amount_cents, sessions=len(line.sessions),
                      approved_at=utcnow(), approved_by_id=user.id)
    db.session.add(payment)
    db.session.flush()
    for s in line.sessions:
        s.payment_id = payment.id
    db.session.flush()
    return payment


def apply_outcome(case, on: date, outcome: str) -> None:
    """A held session's outcome becomes the case's (so the 618 table and dashboard see it)."""
    if outcome in ("", SessionOutcome.CONTINUED):
        return
    values = case_values(case)
    if case.process == "mediation":
        values.update(status="held", held_on=on, agreement="no" if outcome == "none" else "yes")
    elif case.process == "facilitated_iep":
        values.update(status="held", held_on=on, agreement=outcome)
    else:  # a resolution meeting of a due process complaint
        values.update(resolution_meeting_on=on, settlement=outcome != "none")
    save_case(case.organization_id, values, case)
