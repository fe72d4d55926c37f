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

from sqlalchemy import case, func, or_, select
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
    """A case's commitments as one word, from its CasePath row and today."""
    return case((or_(p.n_not_done > 0, p.first_open_due < day), "not_kept"),
                (p.n_open > 0, "open"), (p.n_late > 0, "late"),
                (p.n_commitments > 0, "on_time"), else_="none")


def _where(p, org_id: int, year: int, school: str | None) -> list:
    out = [p.organization_id == org_id, p.school_year == year]
    if school:
        out.append(p.school == school)
    return out


def grouped(org_id: int, year: int, school: str | None, day: date) -> list:
    """(process, agreement, kept class, followed, cases, and the commitments by ending)."""
    p = aliased(CasePath, name="p")
    cls = kept_class(p, day)
    keys = [p.process, p.agreement, cls, p.followed]
    stmt = (select(*keys, func.count(), func.sum(p.n_on_time), func.sum(p.n_late),
                   func.sum(p.n_not_done), func.sum(p.n_open))
            .where(*_where(p, org_id, year, school)).group_by(*keys))
    return db.session.execute(stmt).all()


def fold(rows) -> dict:
    """Grouped rows -> the funnel's numbers. Pure."""
    held: Counter = Counter()
    outcome: Counter = Counter()
    kept: Counter = Counter()
    followed: Counter = Counter()
    escalated: Counter = Counter()  # by kept class
    ends: Counter = Counter()
    for process, agreement, cls, mask, n, on_time, late, not_done, still_open in rows:
        mask = int(mask or 0)
        ends.update({"on_time": int(on_time or 0), "late": int(late or 0),
                     "not_done": int(not_done or 0), "open": int(still_open or 0)})
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
        "commitments": {k: ends[k] for k in ("on_time", "late", "not_done", "open")},
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
