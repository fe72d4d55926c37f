"""The path to resolution: of the facilitated IEP meetings and mediations held in a school
year, how they ended, whether their commitments were carried out, and whether the
student then had a mediation, resolution meeting, due process complaint, hearing or
State complaint within 12 months.

One statement does the work: the held cases of the year (the covering index
``ix_adr_cases_school``), each with its commitments folded per case and one
probe of ``ix_adr_cases_student`` for what followed; the database groups by
(process, agreement, commitments, what followed) and Python folds the few rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import and_, case, func, literal, or_, select, text
from sqlalchemy.orm import aliased

from ..adr.models import AdrCase, Process
from ..extensions import db
from .models import Commitment
from .vocabulary import CommitmentStatus

HELD_PROCESSES = (Process.FACILITATED_IEP.value, Process.MEDIATION.value)
DPC = (Process.DUE_PROCESS.value, Process.EXPEDITED.value)
#: What followed within 12 months, one bit each (a student may have several).
FOLLOW_BITS = {"mediation": 1, "resolution_meeting": 2, "due_process": 4, "hearing": 8,
               "state_complaint": 16}
FOLLOW_LABELS = {"mediation": "Mediation", "resolution_meeting": "Resolution meeting",
                 "due_process": "Due process complaint", "hearing": "Hearing",
                 "state_complaint": "State complaint"}
#: A case's commitments, as one word.
KEPT_LABELS = {"on_time": "All carried out on time", "late": "All carried out, some late",
               "not_kept": "Some not carried out", "open": "Still under way",
               "none": "No commitments recorded"}
KEPT_ORDER = tuple(KEPT_LABELS)
OUTCOME_ORDER = ("full", "partial", "none", "yes", "no")


def _commitments_per_case(day: date):
    """case_id -> its commitments' class (cancelled ones do not count)."""
    k = aliased(Commitment, name="k")
    open_ = [CommitmentStatus.NOT_STARTED.value, CommitmentStatus.IN_PROGRESS.value,
             CommitmentStatus.CHANGED.value]
    done = k.status == CommitmentStatus.DONE.value
    late = and_(done, k.due_on.is_not(None), k.done_on > k.due_on)
    not_kept = or_(k.status == CommitmentStatus.NOT_DONE.value,
                   and_(k.status.in_(open_), k.due_on < day))
    n_not = func.sum(case((not_kept, 1), else_=0))
    n_done = func.sum(case((done, 1), else_=0))
    n_late = func.sum(case((late, 1), else_=0))
    cls = case((n_not > 0, "not_kept"), (n_done < func.count(), "open"),
               (n_late > 0, "late"), else_="on_time")
    return (select(k.case_id.label("case_id"), cls.label("cls"))
            .where(k.case_id.is_not(None), k.status != CommitmentStatus.CANCELLED.value)
            .group_by(k.case_id).subquery("kc"))


def _followed(c):
    """A correlated bitmask of what followed the held case within 12 months (0: nothing)."""
    later = aliased(AdrCase, name="later")
    if db.engine.dialect.name == "sqlite":
        limit = func.date(c.held_on, "+12 months")
    else:
        limit = c.held_on + text("interval '12 months'")

    def bit(cond, value):
        return func.max(case((cond, value), else_=0))

    is_dpc = later.process.in_(DPC)
    mask = (bit(later.process == Process.MEDIATION.value, 1)
            + bit(and_(is_dpc, later.resolution_meeting_on.is_not(None)), 2)
            + bit(is_dpc, 4)
            + bit(and_(is_dpc, or_(later.status == "adjudicated",
                                   later.hearing_on.is_not(None))), 8)
            + bit(later.process == Process.STATE_COMPLAINT.value, 16))
    probe = (select(mask).select_from(later).where(
        later.organization_id == c.organization_id, later.student_ref == c.student_ref,
        later.received_on >= c.held_on, later.received_on <= limit, later.id != c.id,
        later.process.in_((Process.MEDIATION.value, *DPC, Process.STATE_COMPLAINT.value)))
        .scalar_subquery())
    return case((c.student_ref != "", func.coalesce(probe, 0)), else_=literal(0))


def base(org_id: int, year: int, school: str | None, day: date):
    """The held cases of the year with (process, agreement, kept class, followed mask)."""
    c = aliased(AdrCase, name="c")
    kc = _commitments_per_case(day)
    cls = func.coalesce(kc.c.cls, "none")
    stmt = (select(c.id, c.case_ref, c.student_ref, c.school, c.held_on, c.process,
                   c.agreement, cls.label("cls"), _followed(c).label("mask"))
            .select_from(c).outerjoin(kc, kc.c.case_id == c.id)
            .where(c.organization_id == org_id, c.school_year == year,
                   c.process.in_(HELD_PROCESSES), c.status == "held"))
    if school:
        stmt = stmt.where(c.school == school)
    return stmt


def grouped(org_id: int, year: int, school: str | None, day: date) -> list:
    sub = base(org_id, year, school, day).subquery("h")
    keys = [sub.c.process, sub.c.agreement, sub.c.cls, sub.c.mask]
    return db.session.execute(select(*keys, func.count().label("n")).group_by(*keys)).all()


def commitment_counts(org_id: int, year: int, school: str | None, day: date) -> Counter:
    """Of the commitments of the year's held cases: on time, late, not carried out, open."""
    c = aliased(AdrCase, name="c")
    k = aliased(Commitment, name="k")
    done = k.status == CommitmentStatus.DONE.value
    late = and_(done, k.due_on.is_not(None), k.done_on > k.due_on)
    open_ = [CommitmentStatus.NOT_STARTED.value, CommitmentStatus.IN_PROGRESS.value,
             CommitmentStatus.CHANGED.value]
    word = case((late, "late"), (done, "on_time"),
                (or_(k.status == CommitmentStatus.NOT_DONE.value,
                     and_(k.status.in_(open_), k.due_on < day)), "not_kept"),
                else_="open")
    stmt = (select(word, func.count()).select_from(k).join(c, c.id == k.case_id)
            .where(c.organization_id == org_id, c.school_year == year,
                   c.process.in_(HELD_PROCESSES), c.status == "held",
                   k.status != CommitmentStatus.CANCELLED.value).group_by(word))
    if school:
        stmt = stmt.where(c.school == school)
    return Counter(dict(db.session.execute(stmt).all()))


def fold(rows) -> dict:
    """Grouped rows -> the funnel's numbers. Pure."""
    held: Counter = Counter()
    outcome: Counter = Counter()
    kept: Counter = Counter()
    followed: Counter = Counter()
    escalated: Counter = Counter()  # by kept class
    for process, agreement, cls, mask, n in rows:
        mask = int(mask or 0)
        held[process] += n
        outcome[(process, agreement or "")] += n
        kept[cls] += n
        if mask:
            escalated[cls] += n
            for name, b in FOLLOW_BITS.items():
                if mask & b:
                    followed[name] += n
    total = sum(held.values())
    esc_total = sum(escalated.values())

    def rate(a, b):
        return round(100 * a / b, 1) if b else None

    kept_yes = kept["on_time"] + kept["late"]
    esc_yes = escalated["on_time"] + escalated["late"]
    return {
        "held": total, "held_by_process": dict(held),
        "outcomes": [{"process": p, "agreement": a, "n": outcome[(p, a)]}
                     for p in HELD_PROCESSES for a in OUTCOME_ORDER if outcome[(p, a)]],
        "kept": {k: kept[k] for k in KEPT_ORDER},
        "escalated": esc_total, "escalated_rate": rate(esc_total, total),
        "followed": {k: followed[k] for k in FOLLOW_BITS},
        "escalated_by_kept": {k: escalated[k] for k in KEPT_ORDER},
        "split": {"kept": {"n": kept_yes, "escalated": esc_yes, "rate": rate(esc_yes, kept_yes)},
                  "not_kept": {"n": kept["not_kept"], "escalated": escalated["not_kept"],
                               "rate": rate(escalated["not_kept"], kept["not_kept"])}},
    }


def funnel(org_id: int, year: int, school: str | None, day: date) -> dict:
    """Everything the path-to-resolution page shows for a school year (and school)."""
    out = fold(grouped(org_id, year, school, day))
    counts = commitment_counts(org_id, year, school, day)
    out["commitments"] = {k: counts.get(k, 0) for k in ("on_time", "late", "not_kept", "open")}
    return out


def cases(org_id: int, year: int, school: str | None, day: date, *, process: str = "",
          agreement: str = "", kept: str = "", followed: str = ""):
    """The cases behind one number of the funnel (a SELECT to page)."""
    sub = base(org_id, year, school, day).subquery("h")
    stmt = select(sub)
    if process:
        stmt = stmt.where(sub.c.process == process)
    if agreement:
        stmt = stmt.where(sub.c.agreement == agreement)
    if kept == "kept":
        stmt = stmt.where(sub.c.cls.in_(("on_time", "late")))
    elif kept:
        stmt = stmt.where(sub.c.cls == kept)
    if followed == "any":
        stmt = stmt.where(sub.c.mask > 0)
    elif followed in FOLLOW_BITS:
        stmt = stmt.where(sub.c.mask.op("&")(FOLLOW_BITS[followed]) != 0)
    return stmt.order_by(sub.c.held_on, sub.c.id)
