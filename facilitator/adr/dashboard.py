"""Beyond the federal table: outcomes, rates, medians and escalation, by year and school.

Everything is computed by the database with GROUP BY and conditional counts
(medians with window functions over the year's rows), so a year of a large
organization takes one pass per figure, not a Python loop over cases.
"""

from __future__ import annotations

from sqlalchemy import and_, case, exists, func, literal, select, text
from sqlalchemy.orm import aliased

from ..extensions import db
from .models import AdrCase, Process, school_year_label
from .report import percent

ESCALATION_PROCESSES = (Process.MEDIATION.value, Process.DUE_PROCESS.value,
                        Process.EXPEDITED.value, Process.STATE_COMPLAINT.value)
PROCESS_ORDER = [p.value for p in Process]


def _n(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _plus_twelve_months(column):
    if db.engine.dialect.name == "sqlite":
        return func.date(column, "+12 months")
    return column + text("interval '12 months'")


def _count_columns(c):
    fiep_held = and_(c.process == Process.FACILITATED_IEP.value, c.status == "held")
    med_held = and_(c.process == Process.MEDIATION.value, c.status == "held")
    dpc = c.process.in_((Process.DUE_PROCESS.value, Process.EXPEDITED.value))
    rm = and_(dpc, c.resolution_meeting_on.is_not(None))
    return [
        func.count().label("cases"),
        _n(fiep_held).label("fiep_held"),
        _n(and_(fiep_held, c.agreement == "full")).label("fiep_full"),
        _n(and_(fiep_held, c.agreement == "partial")).label("fiep_partial"),
        _n(and_(fiep_held, c.agreement == "none")).label("fiep_none"),
        _n(med_held).label("med_held"),
        _n(and_(med_held, c.agreement == "yes")).label("med_agreements"),
        _n(rm).label("resolution_meetings"),
        _n(and_(rm, c.settlement.is_(True))).label("settlements"),
        *[_n(c.process == p).label(f"n_{p}") for p in PROCESS_ORDER],
    ]


def _escalation_column(c):
    later = aliased(AdrCase, name="later")
    follow = exists(select(literal(1)).select_from(later).where(
        later.organization_id == c.organization_id,
        later.student_ref == c.student_ref,
        later.process.in_(ESCALATION_PROCESSES),
        later.received_on >= c.held_on,
        later.received_on <= _plus_twelve_months(c.held_on)))
    fiep_held = and_(c.process == Process.FACILITATED_IEP.value, c.status == "held",
                     c.student_ref != "")
    return _n(and_(fiep_held, follow)).label("escalated"), _n(fiep_held).label("fiep_with_student")


def _rates(row: dict) -> dict:
    row["med_rate"] = percent(row["med_agreements"], row["med_held"])
    row["settlement_rate"] = percent(row["settlements"], row["resolution_meetings"])
    row["fiep_full_rate"] = percent(row["fiep_full"], row["fiep_held"])
    row["escalation_rate"] = percent(row.get("escalated", 0), row.get("fiep_with_student", 0))
    return row


def _medians(org_id: int, year: int | None, column, by_school: bool) -> dict:
    """(school or None, process) -> median of ``column`` over the year's cases."""
    c = aliased(AdrCase, name="c")
    days = getattr(c, column)
    parts = [c.school, c.process] if by_school else [c.process]
    inner = (select(*parts, days.label("days"),
                    func.row_number().over(partition_by=parts, order_by=days).label("rn"),
                    func.count().over(partition_by=parts).label("cnt"))
             .where(c.organization_id == org_id, days.is_not(None)))
    if year is not None:
        inner = inner.where(c.school_year == year)
    inner = inner.subquery()
    cols = [inner.c.school] if by_school else []
    stmt = (select(*cols, inner.c.process, func.avg(inner.c.days))
            .where(inner.c.rn.in_([(inner.c.cnt + 1) // 2, (inner.c.cnt + 2) // 2]))
            .group_by(*cols, inner.c.process))
    out = {}
    for row in db.session.execute(stmt):
        key = (row[0], row[1]) if by_school else (None, row[0])
        out[key] = round(float(row[-1]), 1)
    return out


def year_dashboard(org_id: int, year: int) -> dict:
    """Totals and per-school rows for one school year."""
    c = aliased(AdrCase, name="c")
    escalated, with_student = _escalation_column(c)
    stmt = (select(c.school, *_count_columns(c), escalated, with_student)
            .where(c.organization_id == org_id, c.school_year == year)
            .group_by(c.school).order_by(c.school))
    schools = [dict(r._mapping) for r in db.session.execute(stmt)]
    keys = [k for k in (schools[0] if schools else {}) if k != "school"]
    total = {k: sum(s[k] for s in schools) for k in keys} if schools else {}
    held_school = _medians(org_id, year, "days_to_held", True)
    closed_school = _medians(org_id, year, "days_to_closed", True)
    held_all = _medians(org_id, year, "days_to_held", False)
    closed_all = _medians(org_id, year, "days_to_closed", False)
    for s in schools:
        _rates(s)
        s["median_held"] = {p: held_school.get((s["school"], p)) for p in PROCESS_ORDER}
        s["median_closed"] = {p: closed_school.get((s["school"], p)) for p in PROCESS_ORDER}
    if total:
        _rates(total)
    medians = [{"process": p, "held": held_all.get((None, p)),
                "closed": closed_all.get((None, p))} for p in PROCESS_ORDER]
    return {"year": year, "year_label": school_year_label(year), "total": total,
            "schools": schools, "medians": medians}


def trends(org_id: int) -> list[dict]:
    """One row of counts and rates per school year, oldest first."""
    c = aliased(AdrCase, name="c")
    stmt = (select(c.school_year, *_count_columns(c))
            .where(c.organization_id == org_id)
            .group_by(c.school_year).order_by(c.school_year))
    rows = []
    for r in db.session.execute(stmt):
        row = _rates(dict(r._mapping))
        row["year_label"] = school_year_label(row["school_year"])
        rows.append(row)
    return rows


def years(org_id: int) -> list[int]:
    """The school years that have cases, newest first."""
    return list(db.session.execute(
        select(AdrCase.school_year).where(AdrCase.organization_id == org_id)
        .group_by(AdrCase.school_year).order_by(AdrCase.school_year.desc())).scalars())


def survey_results(org_id: int, min_n: int) -> list[dict]:
    """Survey answers per process and year; groups with fewer than ``min_n`` are suppressed."""
    from .models import SurveyResponse as R

    def share(col, value):
        return _n(col == value)

    def agree(col):
        return _n(col >= 3), _n(col.is_not(None))

    stmt = (select(R.process, R.school_year, func.count().label("n"),
                   *[x for col in (R.raised_concerns, R.had_input, R.neutral_helpful)
                     for x in agree(col)],
                   share(R.relationship_change, "improved"), share(R.relationship_change,
                                                                   "unchanged"),
                   share(R.relationship_change, "worse"),
                   _n(R.relationship_change != ""),
                   share(R.use_again, "yes"), _n(R.use_again != ""))
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
