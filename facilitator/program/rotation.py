"""Impartial assignment: the next eligible neutral in rotation, and why each one ahead was passed.

The rule, in full (it is what the log lets an auditor check):

* **Order.** The roster is ordered by when each neutral was last assigned a
  case, the longest-waiting first (never assigned: first of all; ties by their
  place on the roster). A neutral who is assigned goes to the back of the line.
  A neutral who is passed over keeps their place, so a conflict never costs
  anyone a turn.
* **Eligibility.** Walking that order, a neutral is passed over, with every
  reason that applies, when they are inactive; do not take this process; have
  no current contract; have too few initial training hours or an overdue
  refresher; are an employee of the state agency (34 CFR 300.506(c)(1)(i));
  work for this district, or worked for it within the program's conflict years
  (300.506(c)(1)(ii)); had a case with this family before; do not speak the
  family's language and no interpreter is arranged; do not serve the district's
  region; are away on the session date; are at their caseload limit; or
  declined, or were objected to, on this same case.
* **Proposal.** The first neutral with no reason is proposed. The parties may
  instead choose together from the eligible list (``method="parties"``).

``evaluate`` and ``next_in_rotation`` are pure (plain facts in, answers out);
``propose`` reads the facts from the database and writes the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary
from .models import (
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentStatus,
    Neutral,
    ProgramSettings,
    RotationEntry,
    TrainingKind,
)


class Reason(Vocabulary):
    """Why a neutral was passed over for a case."""

    INACTIVE = "inactive", "Not active on the roster"
    PROCESS = "process", "Does not take this process"
    CONTRACT = "contract", "No current contract"
    TRAINING = "training", "Training not current"
    SEA_EMPLOYEE = "sea_employee", "Employee of the state agency"
    CONFLICT = "conflict", "Conflict with this district"
    PRIOR_FAMILY = "prior_family", "Prior case with this family"
    LANGUAGE = "language", "Does not speak the family's language"
    REGION = "region", "Does not serve this region"
    AWAY = "away", "Away on the session date"
    CAPACITY = "capacity", "Over capacity"
    THIS_CASE = "this_case", "Declined or objected to on this case"


@dataclass(frozen=True)
class Need:
    """What a case needs of its neutral."""

    process: str
    district_id: int
    region: str
    language: str = "en"
    interpreter: bool = False
    #: The session's date when known; otherwise the day of the proposal.
    session_on: date | None = None
    student_ref: str = ""


@dataclass
class Facts:
    """What the rules look at for one neutral (read from the database by ``facts_for``)."""

    neutral_id: int
    active: bool = True
    processes: set[str] = field(default_factory=set)
    languages: set[str] = field(default_factory=lambda: {"en"})
    regions: set[str] = field(default_factory=set)
    contract_start: date | None = None
    contract_end: date | None = None
    initial_hours: float = 0.0
    #: The day the neutral's training lapses (last training + refresher years).
    qualified_until: date | None = None
    sea_employee: bool = False
    conflict_districts: set[int] = field(default_factory=set)
    prior_students: set[str] = field(default_factory=set)
    away: list[tuple[date, date]] = field(default_factory=list)
    open_cases: int = 0
    caseload_limit: int = 0
    refused_this_case: bool = False
    last_assigned_at: datetime | None = None


@dataclass(frozen=True)
class Rules:
    min_initial_hours: float = 18
    refresher_years: int = 2
    conflict_years: int = 3


def evaluate(f: Facts, need: Need, rules: Rules, today: date) -> list[Reason]:
    """Every reason this neutral cannot take this case (empty: eligible)."""
    on = need.session_on or today
    reasons = []
    checks = [
        (Reason.INACTIVE, not f.active),
        (Reason.PROCESS, need.process not in f.processes),
        (Reason.CONTRACT, (f.contract_start is not None and f.contract_start > on)
         or (f.contract_end is not None and f.contract_end < on)),
        (Reason.TRAINING, f.initial_hours < rules.min_initial_hours
         or f.qualified_until is None or f.qualified_until < on),
        (Reason.SEA_EMPLOYEE, f.sea_employee),
        (Reason.CONFLICT, need.district_id in f.conflict_districts),
        (Reason.PRIOR_FAMILY, bool(need.student_ref) and need.student_ref in f.prior_students),
        (Reason.LANGUAGE, not need.interpreter and need.language not in f.languages),
        (Reason.REGION, bool(need.region) and need.region not in f.regions),
        (Reason.AWAY, any(first <= on <= last for first, last in f.away)),
        (Reason.CAPACITY, f.open_cases >= f.caseload_limit),
        (Reason.THIS_CASE, f.refused_this_case),
    ]
    for reason, applies in checks:
        if applies:
            reasons.append(reason)
    return reasons


def rotation_order(facts: list[Facts]) -> list[Facts]:
    """Longest-waiting first: never assigned, then by last assignment, ties by roster id."""
    def key(f: Facts):
        at = f.last_assigned_at
        return (at is not None, at.timestamp() if at else 0.0, f.neutral_id)
    return sorted(facts, key=key)


def next_in_rotation(facts: list[Facts], need: Need, rules: Rules, today: date
                     ) -> tuple[Facts | None, list[tuple[int, Facts, list[Reason]]]]:
    """The neutral to propose, and (position, facts, reasons) for each one passed over first."""
    passed = []
    for position, f in enumerate(rotation_order(facts), start=1):
        reasons = evaluate(f, need, rules, today)
        if not reasons:
            return f, passed
        passed.append((position, f, reasons))
    return None, passed


def rules_for(org_id: int) -> Rules:
    s = db.session.execute(select(ProgramSettings).where(
        ProgramSettings.organization_id == org_id)).scalar_one_or_none()
    if s is None:
        return Rules()
    return Rules(min_initial_hours=float(s.min_initial_hours), refresher_years=s.refresher_years,
                 conflict_years=s.conflict_years)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def qualified_until(neutral: Neutral, rules: Rules) -> date | None:
    """When the neutral's training lapses: the last initial or refresher training + the years."""
    dates = [t.on for t in neutral.trainings
             if t.kind in (TrainingKind.INITIAL, TrainingKind.REFRESHER)]
    return _add_years(max(dates), rules.refresher_years) if dates else None


def facts_for(org_id: int, case_id: int, rules: Rules, today: date) -> list[Facts]:
    """The rules' view of every neutral on the program's roster, for one case."""
    from ..adr.models import AdrCase

    neutrals = db.session.execute(select(Neutral).where(
        Neutral.organization_id == org_id).order_by(Neutral.id)).scalars().all()
    open_counts = dict(db.session.execute(
        select(Assignment.neutral_id, func.count(Assignment.id))
        .join(AdrCase, AdrCase.id == Assignment.case_id)
        .where(Assignment.organization_id == org_id,
               Assignment.status.in_([s.value for s in OPEN_ASSIGNMENT]),
               AdrCase.closed_on.is_(None))
        .group_by(Assignment.neutral_id)).all())
    prior = {}
    for neutral_id, ref in db.session.execute(
            select(Assignment.neutral_id, AdrCase.student_ref)
            .join(AdrCase, AdrCase.id == Assignment.case_id)
            .where(Assignment.organization_id == org_id, Assignment.case_id != case_id,
                   Assignment.status.in_([AssignmentStatus.ACCEPTED, AssignmentStatus.ENDED]),
                   AdrCase.student_ref != "")):
        prior.setdefault(neutral_id, set()).add(ref)
    refused = set(db.session.execute(select(Assignment.neutral_id).where(
        Assignment.case_id == case_id,
        Assignment.status.in_([AssignmentStatus.DECLINED, AssignmentStatus.OBJECTED]))).scalars())
    horizon = _add_years(today, -rules.conflict_years)
    out = []
    for n in neutrals:
        out.append(Facts(
            neutral_id=n.id, active=n.active, processes=n.listed("processes"),
            languages=n.listed("languages"), regions=n.listed("regions"),
            contract_start=n.contract_start, contract_end=n.contract_end,
            initial_hours=float(sum(t.hours for t in n.trainings
                                    if t.kind == TrainingKind.INITIAL)),
            qualified_until=qualified_until(n, rules), sea_employee=n.sea_employee,
            conflict_districts={c.district_id for c in n.conflicts
                                if c.ended_on is None or c.ended_on > horizon},
            prior_students=prior.get(n.id, set()),
            away=[(a.first, a.last) for a in n.absences],
            open_cases=open_counts.get(n.id, 0), caseload_limit=n.caseload_limit,
            refused_this_case=n.id in refused, last_assigned_at=n.last_assigned_at))
    return out


def _log(org_id: int, case_id: int, neutral_id: int, decision: str, reasons: str = "",
         position: int | None = None, user=None) -> None:
    db.session.add(RotationEntry(organization_id=org_id, case_id=case_id, neutral_id=neutral_id,
                                 at=utcnow(), decision=decision, reasons=reasons,
                                 position=position, by_user_id=getattr(user, "id", None)))


def propose(org_id: int, case_id: int, need: Need, *, user=None, today: date | None = None
            ) -> Assignment | None:
    """Propose the next eligible neutral for a case and log everyone passed over (flushes).

    None when nobody on the roster is eligible (each neutral is logged with why).
    """
    today = today or utcnow().date()
    rules = rules_for(org_id)
    chosen, passed = next_in_rotation(facts_for(org_id, case_id, rules, today), need, rules,
                                      today)
    for position, f, reasons in passed:
        _log(org_id, case_id, f.neutral_id, "skipped", ",".join(reasons), position, user)
    if chosen is None:
        db.session.flush()
        return None
    return _assign(org_id, case_id, chosen.neutral_id, "rotation", len(passed) + 1, user)


def eligible(org_id: int, case_id: int, need: Need, today: date | None = None
             ) -> list[tuple[Facts, list[Reason]]]:
    """Every neutral in rotation order with the reasons they cannot take the case (for choosing)."""
    today = today or utcnow().date()
    rules = rules_for(org_id)
    return [(f, evaluate(f, need, rules, today))
            for f in rotation_order(facts_for(org_id, case_id, rules, today))]


def choose(org_id: int, case_id: int, neutral_id: int, need: Need, *, user=None,
           today: date | None = None) -> Assignment:
    """Record the parties' joint choice of an eligible neutral (ValueError if not eligible)."""
    for f, reasons in eligible(org_id, case_id, need, today):
        if f.neutral_id == neutral_id:
            if reasons:
                raise ValueError("This neutral cannot take the case: "
                                 + "; ".join(r.label.lower() for r in reasons) + ".")
            return _assign(org_id, case_id, neutral_id, "parties", None, user)
    raise ValueError("Choose a neutral from the program's roster.")


def _assign(org_id: int, case_id: int, neutral_id: int, method: str, position: int | None,
            user) -> Assignment:
    now = utcnow()
    assignment = Assignment(organization_id=org_id, case_id=case_id, neutral_id=neutral_id,
                            method=method, status=AssignmentStatus.PROPOSED, proposed_at=now)
    db.session.add(assignment)
    db.session.get(Neutral, neutral_id).last_assigned_at = now  # to the back of the line
    _log(org_id, case_id, neutral_id,
         "proposed" if method == "rotation" else "chosen_by_parties", "", position, user)
    db.session.flush()
    return assignment


def respond(assignment: Assignment, decision: str, *, attested: bool = False, reason: str = "",
            user=None) -> None:
    """The neutral accepts (attesting no conflict) or declines; a party may object (flushes)."""
    if assignment.status != AssignmentStatus.PROPOSED and decision != "objected":
        raise ValueError("This assignment has already been answered.")
    if decision == "accepted" and not attested:
        raise ValueError("To accept, confirm that you have no conflict of interest in this case.")
    if decision not in ("accepted", "declined", "objected"):
        raise ValueError("Unknown answer.")
    if decision == "objected" and assignment.status not in OPEN_ASSIGNMENT:
        raise ValueError("Only a proposed or accepted neutral can be objected to.")
    assignment.status = decision
    assignment.responded_at = utcnow()
    assignment.attested_no_conflict = attested and decision == "accepted"
    assignment.reason = reason
    _log(assignment.organization_id, assignment.case_id, assignment.neutral_id, decision,
         reason, None, user)
    db.session.flush()


def lapsing(org_id: int, today: date | None = None) -> list[tuple[Neutral, date | None]]:
    """Active neutrals whose training lapses within the warning days, or has lapsed."""
    today = today or utcnow().date()
    rules = rules_for(org_id)
    s = db.session.execute(select(ProgramSettings).where(
        ProgramSettings.organization_id == org_id)).scalar_one_or_none()
    warn = timedelta(days=s.renewal_warning_days if s else 60)
    out = []
    for n in db.session.execute(select(Neutral).where(
            Neutral.organization_id == org_id, Neutral.active.is_(True))
            .order_by(Neutral.name)).scalars():
        until = qualified_until(n, rules)
        if until is None or until <= today + warn:
            out.append((n, until))
    return out
