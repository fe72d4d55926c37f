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
    row["fiep_agreement_rate"] = percent(row["fiep_full"] + row["fiep_partial"],
                                         row["fiep_held"])
    row["escalation_rate"] = percent(row.get("escalated", 0), row.get("fiep_with_student", 0))
    return row


def _where_scope(stmt, c, years, schools, exclude: bool):
    """Limit a statement over case alias ``c`` to school years and schools (or, with
    ``exclude``, to every school but those): the one definition of a scope."""
    if years is not None:
        years = list(years)
        stmt = stmt.where(c.school_year == years[0] if len(years) == 1
                          else c.school_year.in_(years))
    if schools is not None:
        schools = list(schools)
        stmt = stmt.where(c.school.not_in(schools) if exclude else c.school.in_(schools))
    return stmt


def _groups(org_id: int, years=None, schools=None, exclude: bool = False) -> list:
    """The grouped rows every dashboard figure is folded from: one GROUP BY over
    ix_adr_cases_school (year, school, process, status, agreement, settlement)."""
    c = aliased(AdrCase, name="c")
    keys = [c.school_year, c.school, c.process, c.status, c.agreement, c.settlement]
    stmt = (select(*keys, func.count().label("n"), _rm_sum(c).label("n_rm"),
                   func.sum(case((c.escalated.is_(True), 1), else_=0)).label("n_esc"),
                   func.sum(case((c.student_ref != "", 1), else_=0)).label("n_student"))
            .where(c.organization_id == org_id).group_by(*keys))
    return db.session.execute(_where_scope(stmt, c, years, schools, exclude)).all()


def figures_by(groups: Iterable, key: str) -> dict:
    """key -> counts, escalation and rates, from grouped rows. Pure."""
    out = fold(groups, key)
    escalation: dict = defaultdict(lambda: [0, 0])
    for g in groups:
        if g.process == Process.FACILITATED_IEP and g.status == "held":
            escalation[getattr(g, key)][0] += int(g.n_student or 0)
            escalation[getattr(g, key)][1] += int(g.n_esc or 0)
    for k, row in out.items():
        row["fiep_with_student"], row["escalated"] = escalation[k]
        _rates(row)
    return out


def scope_figures(org_id: int, years, schools=None, exclude: bool = False) -> dict:
    """school year -> the dashboard's figures for those schools (all when None; every
    school but those with ``exclude``): what capacity plans measure themselves with."""
    return figures_by(_groups(org_id, years, schools, exclude), "school_year")


def _histograms(org_id: int, years, column: str, schools=None, exclude: bool = False) -> dict:
    """(year, process) -> {days: count} for days_to_held or days_to_closed."""
    c = aliased(AdrCase, name="c")
    days = getattr(c, column)
    stmt = (select(c.school_year, c.process, days, func.count())
            .where(c.organization_id == org_id, days.is_not(None))
            .group_by(c.school_year, c.process, days))
    out: dict = defaultdict(dict)
    for year, process, value, n in db.session.execute(
            _where_scope(stmt, c, years, schools, exclude)):
        out[(year, process)][value] = n
    return out


def scope_medians(org_id: int, years, schools=None, exclude: bool = False) -> dict:
    """school year -> process -> {"held", "closed", "n_held"}: median days in a scope."""
    years = list(years)
    held = _histograms(org_id, years, "days_to_held", schools, exclude)
    closed = _histograms(org_id, years, "days_to_closed", schools, exclude)
    return {y: {p: {"held": median_of(held.get((y, p), {})),
                    "closed": median_of(closed.get((y, p), {})),
                    "n_held": sum(held.get((y, p), {}).values())}
                for p in PROCESS_ORDER} for y in years}


def medians(org_id: int, year: int, school: str | None = None) -> list[dict]:
    """Median days from received to held and to closed, per process (one school or all)."""
    per = scope_medians(org_id, [year], None if school is None else [school])[year]
    return [{"process": p, "held": per[p]["held"], "closed": per[p]["closed"]}
            for p in PROCESS_ORDER]


def year_dashboard(org_id: int, year: int, school: str | None = None) -> dict:
    """Totals and per-school rows for one school year; medians for all or one school."""
    groups = _groups(org_id, [year])
    per_school = figures_by(groups, "school")
    schools = [per_school[name] | {"school": name} for name in sorted(per_school)]
    total = figures_by(groups, "school_year").get(year, {})
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
    years = None if last is None else range(last - span + 1, last + 1)
    per_year = scope_figures(org_id, years)
    return [per_year[y] | {"school_year": y, "year_label": school_year_label(y)}
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


#: Survey groups with fewer answers than this are not shown (the answers could be
#: traced to a person).
SURVEY_MIN_N = 5


def survey_results(org_id: int, min_n: int = SURVEY_MIN_N) -> list[dict]:
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
        item = {"process": process, "school_year": year,
                "year_label": school_year_label(year), "n": n,
                "suppressed": n < min_n}
        if not item["suppressed"]:
            item.update(
                raised_concerns=percent(rc, rc_n), had_input=percent(hi, hi_n),
                neutral_helpful=percent(nh, nh_n), improved=percent(imp, rel_n),
                unchanged=percent(unch, rel_n), worse=percent(worse, rel_n),
                use_again=percent(yes, again_n))
        out.append(item)
    return out


__all__ = ["fold", "median_of", "year_dashboard", "trends", "years", "survey_results",
           "scope_figures", "scope_medians", "figures_by"]
