"""Beyond the federal table: outcomes, rates, medians and escalation, by year and school.

The database does the work: each figure is one GROUP BY over a covering index
in index order (the database aggregates while it scans, with no sort), and
Python only folds the few grouped rows (pure functions below). Medians come
from a GROUP BY histogram of day counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import AdrCase, Process, school_year_label
from .report import percent

PROCESS_ORDER = [p.value for p in Process]
COUNT_KEYS = ("cases", "fiep_held", "fiep_full", "fiep_partial", "fiep_none", "med_held",
              "med_agreements", "resolution_meetings", "settlements",
              *[f"n_{p}" for p in PROCESS_ORDER])


def _rm_sum(c):
    return func.sum(case((c.resolution_meeting_on.is_not(None), 1), else_=0))


def fold(rows: Iterable, key: str) -> dict:
    """Grouped rows (attributes: key, process, status, agreement, settlement, n, n_rm)
    -> counts per key. Pure: the dashboard's figures from the database's grouped rows."""
    out: dict = {}
    fiep, med = Process.FACILITATED_IEP.value, Process.MEDIATION.value
    dpc = (Process.DUE_PROCESS.value, Process.EXPEDITED.value)
    for r in rows:
        k = out.get(getattr(r, key))
        if k is None:
            k = out[getattr(r, key)] = dict.fromkeys(COUNT_KEYS, 0)
        n, p, s, agreement = int(r.n), r.process, r.status, r.agreement
        k["cases"] += n
        k["n_" + p] += n
        if p == fiep and s == "held":
            k["fiep_held"] += n
            if agreement in ("full", "partial", "none"):
                k["fiep_" + agreement] += n
        elif p == med and s == "held":
            k["med_held"] += n
            if agreement == "yes":
                k["med_agreements"] += n
        elif p in dpc:
            rm = int(r.n_rm or 0)
            k["resolution_meetings"] += rm
            if r.settlement in (True, 1):
                k["settlements"] += rm
    return out


def median_of(histogram: Mapping[int, int]) -> float | None:
    """The median of values given as {value: how many}; None when empty. Pure."""
    total = sum(histogram.values())
    if total == 0:
        return None
    lo_rank, hi_rank = (total + 1) // 2, (total + 2) // 2
    seen, lo = 0, None
    for value in sorted(histogram):
        seen += histogram[value]
        if lo is None and seen >= lo_rank:
            lo = value
        if seen >= hi_rank:
            return round((lo + value) / 2, 1)
    return None  # pragma: no cover - unreachable


def _rates(row: dict) -> dict:
    row["med_rate"] = percent(row["med_agreements"], row["med_held"])
    row["settlement_rate"] = percent(row["settlements"], row["resolution_meetings"])
    row["fiep_full_rate"] = percent(row["fiep_full"], row["fiep_held"])
    row["escalation_rate"] = percent(row.get("escalated", 0), row.get("fiep_with_student", 0))
    return row


def _school_groups(org_id: int, year: int) -> list:
    c = aliased(AdrCase, name="c")
    keys = [c.school, c.process, c.status, c.agreement, c.settlement]
    stmt = (select(*keys, func.count().label("n"), _rm_sum(c).label("n_rm"),
                   func.sum(case((c.escalated.is_(True), 1), else_=0)).label("n_esc"),
                   func.sum(case((c.student_ref != "", 1), else_=0)).label("n_student"))
            .where(c.organization_id == org_id, c.school_year == year).group_by(*keys))
    return db.session.execute(stmt).all()


def _histograms(org_id: int, year: int, column: str, school: str | None) -> dict:
    """process -> {days: count} for days_to_held or days_to_closed (one school or all)."""
    c = aliased(AdrCase, name="c")
    days = getattr(c, column)
    stmt = (select(c.process, days, func.count())
            .where(c.organization_id == org_id, c.school_year == year, days.is_not(None))
            .group_by(c.process, days))
    if school is not None:
        stmt = stmt.where(c.school == school)
    out: dict = defaultdict(dict)
    for process, value, n in db.session.execute(stmt):
        out[process][value] = n
    return out


def medians(org_id: int, year: int, school: str | None = None) -> list[dict]:
    """Median days from received to held and to closed, per process (one school or all)."""
    held = _histograms(org_id, year, "days_to_held", school)
    closed = _histograms(org_id, year, "days_to_closed", school)
    return [{"process": p, "held": median_of(held.get(p, {})),
             "closed": median_of(closed.get(p, {}))} for p in PROCESS_ORDER]


def year_dashboard(org_id: int, year: int, school: str | None = None) -> dict:
    """Totals and per-school rows for one school year; medians for all or one school."""
    groups = _school_groups(org_id, year)
    per_school = fold(groups, "school")
    escalation: dict = defaultdict(lambda: [0, 0])
    for g in groups:
        if g.process == Process.FACILITATED_IEP and g.status == "held":
            escalation[g.school][0] += int(g.n_student or 0)
            escalation[g.school][1] += int(g.n_esc or 0)
    schools = []
    for name in sorted(per_school):
        row = per_school[name] | {"school": name}
        row["fiep_with_student"], row["escalated"] = escalation[name]
        schools.append(_rates(row))
    total: dict = {}
    if schools:
        keys = (*COUNT_KEYS, "fiep_with_student", "escalated")
        total = _rates({k: sum(s[k] for s in schools) for k in keys})
    if school is not None and school not in per_school:
        school = None
    return {"year": year, "year_label": school_year_label(year), "total": total,
            "schools": schools, "medians": medians(org_id, year), "school": school,
            "school_row": next((s for s in schools if s["school"] == school), None),
            "school_medians": medians(org_id, year, school) if school is not None else None}


#: How many school years the trend charts show (ending with the chosen year).
TREND_YEARS = 5


def trends(org_id: int, last: int | None = None, span: int = TREND_YEARS) -> list[dict]:
    """One row of counts and rates per school year, oldest first: the ``span`` years
    ending with ``last`` (every year when ``last`` is None)."""
    c = aliased(AdrCase, name="c")
    keys = [c.school_year, c.process, c.status, c.agreement, c.settlement]
    stmt = (select(*keys, func.count().label("n"), _rm_sum(c).label("n_rm"))
            .where(c.organization_id == org_id).group_by(*keys))
    if last is not None:
        stmt = stmt.where(c.school_year.between(last - span + 1, last))
    per_year = fold(db.session.execute(stmt).all(), "school_year")
    return [_rates(per_year[y] | {"school_year": y, "year_label": school_year_label(y)})
            for y in sorted(per_year)]


def years(org_id: int) -> list[int]:
    """The school years from the first case's to the last case's, newest first.

    Two index look-ups (min and max) instead of a scan of every case."""
    first = db.session.execute(select(func.min(AdrCase.school_year)).where(
        AdrCase.organization_id == org_id)).scalar()
    if first is None:
        return []
    last = db.session.execute(select(func.max(AdrCase.school_year)).where(
        AdrCase.organization_id == org_id)).scalar()
    return list(range(last, first - 1, -1))


def survey_results(org_id: int, min_n: int) -> list[dict]:
    """Survey answers per process and year; groups with fewer than ``min_n`` are suppressed."""
    from .models import SurveyResponse as R

    def n_if(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    stmt = (select(R.process, R.school_year, func.count(),
                   n_if(R.raised_concerns >= 3), n_if(R.raised_concerns.is_not(None)),
                   n_if(R.had_input >= 3), n_if(R.had_input.is_not(None)),
                   n_if(R.neutral_helpful >= 3), n_if(R.neutral_helpful.is_not(None)),
                   n_if(R.relationship_change == "improved"),
                   n_if(R.relationship_change == "unchanged"),
                   n_if(R.relationship_change == "worse"), n_if(R.relationship_change != ""),
                   n_if(R.use_again == "yes"), n_if(R.use_again != ""))
            .where(R.organization_id == org_id)
            .group_by(R.school_year, R.process).order_by(R.school_year.desc(), R.process))
    out = []
    for row in db.session.execute(stmt):
        (process, year, n, rc, rc_n, hi, hi_n, nh, nh_n, imp, unch, worse, rel_n,
         yes, again_n) = row
        item = {"process": process, "year_label": school_year_label(year), "n": n,
                "suppressed": n < min_n}
        if not item["suppressed"]:
            item.update(
                raised_concerns=percent(rc, rc_n), had_input=percent(hi, hi_n),
                neutral_helpful=percent(nh, nh_n), improved=percent(imp, rel_n),
                unchanged=percent(unch, rel_n), worse=percent(worse, rel_n),
                use_again=percent(yes, again_n))
        out.append(item)
    return out


__all__ = ["fold", "median_of", "year_dashboard", "trends", "years", "survey_results"]
