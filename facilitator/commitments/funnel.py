"""The path to resolution: of the facilitated IEP meetings and mediations held in a school
year, how they ended, whether their commitments were carried out, and whether the
student then had a mediation, resolution meeting, due process complaint, hearing or
State complaint within 12 months.

One GROUP BY does the work, over CasePath (kept by paths.py: one row per held
case with its commitments counted and what followed) in the order of its
covering index. Whether a case's commitments were kept depends on today (an open
commitment past its due date counts as not carried out), so that word is
computed in the query. Python folds the few grouped rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from ..adr.models import AdrCase, Process
from ..extensions import db
from .models import CasePath

HELD_PROCESSES = (Process.FACILITATED_IEP.value, Process.MEDIATION.value)
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


def kept_class(p, day: date):
    """A case's commitments as one word today: an open one past its due date is not kept."""
    return case((and_(p.kept == "open", p.first_open_due < day), "not_kept"), else_=p.kept)


def _where(p, org_id: int, year: int, school: str | None) -> list:
    out = [p.organization_id == org_id, p.school_year == year]
    if school:
        out.append(p.school == school)
    return out


def grouped(org_id: int, year: int, school: str | None, day: date) -> list:
    """Per (process, agreement, followed, kept when last changed): cases, the packed
    commitment totals, and how many of the open ones are past a due date today.

    Core statements on the session's connection: no ORM entities to build (the ORM
    layer cost a third of the funnel's time in bench/commitments_bench.py)."""
    p = CasePath.__table__.c
    keys = [p.process, p.agreement, p.followed]
    conn = db.session.connection()
    rows = conn.execute(
        select(*keys, p.kept, func.count(), func.sum(p.ends))
        .where(*_where(p, org_id, year, school)).group_by(*keys, p.kept)).all()
    overdue = {tuple(r[:3]): int(r[3]) for r in conn.execute(
        select(*keys, func.count()).where(*_where(p, org_id, year, school), p.kept == "open",
                                          p.first_open_due < day).group_by(*keys))}
    return [(*r, overdue.get(tuple(r[:3]), 0) if r[3] == "open" else 0) for r in rows]


def unpack(ends: int) -> tuple[int, int, int]:
    """CasePath.ends (summed) -> (on time, late, not done)."""
    from .paths import SHIFT

    ends = int(ends or 0)
    return ends % SHIFT, (ends // SHIFT) % SHIFT, ends // (SHIFT * SHIFT)


def fold(rows) -> dict:
    """Grouped rows -> the funnel's numbers. Pure."""
    held: Counter = Counter()
    outcome: Counter = Counter()
    kept: Counter = Counter()
    followed: Counter = Counter()
    escalated: Counter = Counter()  # by kept class
    ends: Counter = Counter()
    for process, agreement, mask, word, n, packed, overdue in rows:
        mask, n, overdue = int(mask or 0), int(n), int(overdue or 0)
        # An open case past a due date today counts as not carried out.
        late_open = overdue if word == "open" else 0
        on_time, late, not_done = unpack(packed)
        held[process] += n
        outcome[(process, agreement or "")] += n
        ends["on_time"] += on_time
        ends["late"] += late
        ends["not_done"] += not_done
        for counter in (kept, escalated) if mask else (kept,):
            counter[word] += n - late_open
            if late_open:
                counter["not_kept"] += late_open
        if mask:
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
        "commitments": {k: ends[k] for k in ("on_time", "late", "not_done")},
        "split": {"kept": {"n": kept_yes, "escalated": esc_yes, "rate": rate(esc_yes, kept_yes)},
                  "not_kept": {"n": kept["not_kept"], "escalated": escalated["not_kept"],
                               "rate": rate(escalated["not_kept"], kept["not_kept"])}},
    }


def funnel(org_id: int, year: int, school: str | None, day: date) -> dict:
    """Everything the path-to-resolution page shows for a school year (and school)."""
    return fold(grouped(org_id, year, school, day))


def cases(org_id: int, year: int, school: str | None, day: date, *, process: str = "",
          agreement: str = "", kept: str = "", followed: str = ""):
    """The cases behind one number of the funnel (a SELECT to page)."""
    p = aliased(CasePath, name="p")
    c = aliased(AdrCase, name="c")
    cls = kept_class(p, day)
    stmt = (select(c.id, c.case_ref, c.student_ref, c.school, c.held_on, c.process,
                   c.agreement, cls.label("cls"), p.followed.label("mask"))
            .select_from(p).join(c, c.id == p.case_id)
            .where(*_where(p, org_id, year, school)))
    if process:
        stmt = stmt.where(p.process == process)
    if agreement:
        stmt = stmt.where(p.agreement == agreement)
    if kept == "kept":
        stmt = stmt.where(cls.in_(("on_time", "late")))
    elif kept:
        stmt = stmt.where(cls == kept)
    if followed == "any":
        stmt = stmt.where(p.followed > 0)
    elif followed in FOLLOW_BITS:
        stmt = stmt.where(p.followed.op("&")(FOLLOW_BITS[followed]) != 0)
    return stmt.order_by(c.held_on, c.id)
