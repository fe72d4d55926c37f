"""Beyond the federal table: outcomes, rates, medians and escalation, by year and school.

The database does the work. The figures are one statement: an inner GROUP BY over
the covering index ix_adr_cases_school in index order (the database aggregates while
it scans, with no sort), folded by an outer GROUP BY into one row per school (or per
year) with the dashboard's counts as columns, so Python only adds the rates. A
median is found by rank, not by reading every value: the count of a process's day
counts, then the middle one by OFFSET along ix_adr_cases_days_held/_closed (the
histogram, :func:`median_of`, remains for a chosen set of schools).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, case, func, literal, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from . import derived
from .models import AdrCase, Process, school_year_label
from .report import percent

PROCESS_ORDER = [p.value for p in Process]
COUNT_KEYS = ("cases", "fiep_held", "fiep_full", "fiep_partial", "fiep_none", "med_held",
              "med_agreements", "resolution_meetings", "settlements",
              *[f"n_{p}" for p in PROCESS_ORDER], "fiep_with_student", "escalated")
#: How many of each process's cases have a day count (the sizes of the medians).
DAYS_KEYS = tuple((p, col) for p in PROCESS_ORDER for col in ("days_to_held", "days_to_closed"))


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


@lru_cache(maxsize=32)
def _figures_statement(key: str, with_years: bool, with_schools: bool, exclude: bool):
    """The figures' statement for one shape of scope (parameters org_id, years, schools).

    An inner GROUP BY in index order: per school (school, process, status, dash_class)
    over ix_adr_cases_school, or, per year for every school, (year, process, status,
    agreement, dash_class) over ix_adr_cases_report; the outer GROUP BY ``key`` sums it into the
    dashboard's counts (COUNT_KEYS).
    Built once per shape (building took a tenth of the dashboard's time); only the
    statement is kept, every call reads the database."""
    c = aliased(AdrCase, name="c")
    by_school = key == "school" or with_schools
    keys = [*([c.school_year] if key == "school_year" else []),
            *([c.school] if by_school else []), c.process, c.status,
            *([] if by_school else [c.agreement]), c.dash_class]
    inner = (select(*keys, func.count().label("n"))
             .where(c.organization_id == bindparam("org_id")).group_by(*keys))
    if with_years:
        inner = inner.where(c.school_year.in_(bindparam("years", expanding=True)))
    if with_schools:
        schools = bindparam("schools", expanding=True)
        inner = inner.where(c.school.not_in(schools) if exclude else c.school.in_(schools))
    g = inner.subquery("g").c
    return select(g[key], *_count_columns(g)).group_by(g[key])


def _count_columns(g) -> list:
    """COUNT_KEYS, in order, as sums over the grouped rows ``g``. The class
    sets a bit only where the dashboard reads it (derived.py), so a bit alone says, for
    example, "a resolution meeting of a due process complaint"."""
    fiep, med = g.process == Process.FACILITATED_IEP.value, g.process == Process.MEDIATION.value
    held_with = derived.HELD | derived.AGREEMENT_MASK

    def has(bits, value=None):
        return g.dash_class.op("&")(bits) == (bits if value is None else value)

    def agreed(a):
        return has(held_with, derived.HELD | derived.AGREEMENT_CODES[a])

    def total(*conds):
        return func.sum(case((and_(*conds), g.n), else_=0))

    return [func.sum(g.n), total(fiep, has(derived.HELD)),
            *[total(fiep, agreed(a)) for a in ("full", "partial", "none")],
            total(med, has(derived.HELD)), total(med, agreed("yes")),
            total(has(derived.RESOLUTION_MEETING)),
            total(has(derived.RESOLUTION_MEETING | derived.SETTLEMENT)),
            *[total(g.process == p) for p in PROCESS_ORDER],
            total(has(derived.STUDENT)), total(has(derived.ESCALATED))]


def _figure_rows(org_id: int, key: str, years=None, schools=None,
                 exclude: bool = False) -> list:
    """(key, *COUNT_KEYS) rows: one statement."""
    stmt = _figures_statement(key, years is not None, schools is not None, exclude)
    params = {"org_id": org_id}
    if years is not None:
        params["years"] = list(years)
    if schools is not None:
        params["schools"] = list(schools)
    return [(row[0], *map(int, row[1:])) for row in db.session.connection().execute(stmt,
                                                                                      params)]


def figures(org_id: int, key: str, years=None, schools=None, exclude: bool = False) -> dict:
    """key ("school" or "school_year") -> the dashboard's counts and rates."""
    return {row[0]: _rates(dict(zip(COUNT_KEYS, row[1:1 + len(COUNT_KEYS)], strict=True)))
            for row in _figure_rows(org_id, key, years, schools, exclude)}


def _summed(rows: list[dict]) -> dict:
    """The counts of several rows added up, with their rates (the year from its schools)."""
    return _rates({k: sum(r[k] for r in rows) for k in COUNT_KEYS}) if rows else {}


def scope_figures(org_id: int, years, schools=None, exclude: bool = False) -> dict:
    """school year -> the dashboard's figures for those schools (all when None; every
    school but those with ``exclude``): what capacity plans measure themselves with."""
    return figures(org_id, "school_year", years, schools, exclude)


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


COLUMNS = ("days_to_held", "days_to_closed")


def _days_scope(i: int, process: str, column: str):
    """SELECT of one (year parameter y<i>, process)'s non-null day counts in ``column``."""
    c = aliased(AdrCase, name="c")
    days = getattr(c, column)
    return select(days).where(c.organization_id == bindparam("org_id"),
                              c.school_year == bindparam(f"y{i}"), c.process == process,
                              days.is_not(None)).order_by(days)


@lru_cache(maxsize=16)
def _counts_statement(n_years: int):
    return select(*[_days_scope(i, p, col).with_only_columns(func.count()).order_by(None)
                    .scalar_subquery()
                    for i in range(n_years) for p in PROCESS_ORDER for col in COLUMNS])


@lru_cache(maxsize=64)
def _middle_statement(shape: tuple):
    """(j, value) rows: the ``take`` values from offset parameter o<j> of each
    ((year index, process, column), take) in shape (the middle one or two)."""
    arms = []
    for j, ((i, p, col), take) in enumerate(shape):
        middle = _days_scope(i, p, col).limit(take).offset(bindparam(f"o{j}")).subquery()
        arms.append(select(literal(j, Integer).label("j"), middle.c[col].label("days")))
    return union_all(*arms)


def _ranked_medians(org_id: int, years: list, counts: list | None = None) -> dict:
    """(year, process, column) -> (median, how many) for every school: two statements,
    the counts (unless given, in DAYS_KEYS order per year) and then the middle values
    (one or two rows per (year, process, column), by OFFSET along the range of
    ix_adr_cases_days_held/_closed, in index order, no sort)."""
    conn = db.session.connection()
    params = {"org_id": org_id} | {f"y{i}": y for i, y in enumerate(years)}
    combos = [(i, p, col) for i in range(len(years)) for p in PROCESS_ORDER for col in COLUMNS]
    if counts is None:
        counts = [int(n or 0) for n in conn.execute(_counts_statement(len(years)),
                                                    params).one()]
    wanted = [(k, (n + 1) // 2, 2 - n % 2) for k, n in zip(combos, counts, strict=True) if n]
    values: dict = defaultdict(list)
    if wanted:
        rows = conn.execute(_middle_statement(tuple((k, take) for k, _, take in wanted)),
                            params | {f"o{j}": lo - 1 for j, (_, lo, _) in enumerate(wanted)})
        for j, value in rows:
            values[wanted[j][0]].append(value)
    out = {}
    for (i, p, col), n in zip(combos, counts, strict=True):
        found = values.get((i, p, col))
        out[(years[i], p, col)] = ((min(found) + max(found)) / 2 if found else None, n)
    return {k: (None if m is None else round(m, 1), n) for k, (m, n) in out.items()}


def scope_medians(org_id: int, years, schools=None, exclude: bool = False,
                  counts: list | None = None) -> dict:
    """school year -> process -> {"held", "closed", "n_held"}: median days in a scope
    (``counts``: how many day counts there are, when the caller has them already)."""
    years = list(years)
    if schools is None:
        ranked = _ranked_medians(org_id, years, counts)
        return {y: {p: {"held": ranked[(y, p, "days_to_held")][0],
                        "closed": ranked[(y, p, "days_to_closed")][0],
                        "n_held": ranked[(y, p, "days_to_held")][1]}
                    for p in PROCESS_ORDER} for y in years}
    held = _histograms(org_id, years, "days_to_held", schools, exclude)
    closed = _histograms(org_id, years, "days_to_closed", schools, exclude)
    return {y: {p: {"held": median_of(held.get((y, p), {})),
                    "closed": median_of(closed.get((y, p), {})),
                    "n_held": sum(held.get((y, p), {}).values())}
                for p in PROCESS_ORDER} for y in years}


def medians(org_id: int, year: int, school: str | None = None,
            counts: list | None = None) -> list[dict]:
    """Median days from received to held and to closed, per process (one school or all)."""
    per = (scope_medians(org_id, [year], counts=counts) if school is None
           else scope_medians(org_id, [year], [school]))[year]
    return [{"process": p, "held": per[p]["held"], "closed": per[p]["closed"]}
            for p in PROCESS_ORDER]


#: Where each process's dash_pack1 and dash_pack2 counts go (derived.PACKS, same order).
PACK_KEYS = {
    Process.FACILITATED_IEP.value: (("fiep_held", "fiep_full", "fiep_partial"),
                                    ("fiep_none", "fiep_with_student", "escalated")),
    Process.MEDIATION.value: (("med_held", "med_agreements"), ()),
    Process.DUE_PROCESS.value: (("resolution_meetings", "settlements"), ()),
    Process.EXPEDITED.value: (("resolution_meetings", "settlements"), ()),
}


@lru_cache(maxsize=1)
def _packed_statement():
    c = aliased(AdrCase, name="c")
    return (select(c.school, c.process, func.count(), func.sum(c.dash_pack1),
                   func.sum(c.dash_pack2), func.sum(c.dash_pack3))
            .where(c.organization_id == bindparam("org_id"), c.school_year == bindparam("year"))
            .group_by(c.school, c.process))


def _school_counts(org_id: int, year: int) -> tuple[dict, list] | None:
    """school -> COUNT_KEYS counts, and the sizes of the medians (DAYS_KEYS order): one
    GROUP BY (school, process) over ix_adr_cases_school in index order, summing the packed
    counts. None when a group is too large for its packed fields (SHIFT cases or more)."""
    rows = db.session.connection().execute(_packed_statement(),
                                           {"org_id": org_id, "year": year}).all()
    if any(n >= derived.SHIFT for _, _, n, *_ in rows):
        return None
    per: dict = {}
    days = dict.fromkeys(DAYS_KEYS, 0)
    unpack, no_keys = derived.unpack, ((), ())
    for school, process, n, pack1, pack2, pack3 in rows:
        counts = per.get(school)
        if counts is None:
            counts = per[school] = dict.fromkeys(COUNT_KEYS, 0)
        counts["cases"] += n
        counts["n_" + process] += n
        keys1, keys2 = PACK_KEYS.get(process, no_keys)
        if keys1:
            for key, value in zip(keys1, unpack(pack1), strict=False):
                counts[key] += value
        if keys2:
            for key, value in zip(keys2, unpack(pack2), strict=False):
                counts[key] += value
        held, closed, _ = unpack(pack3)
        days[(process, "days_to_held")] += held
        days[(process, "days_to_closed")] += closed
    return per, list(days.values())


def year_dashboard(org_id: int, year: int, school: str | None = None) -> dict:
    """Totals and per-school rows for one school year; medians for all or one school."""
    packed = _school_counts(org_id, year)
    if packed is None:  # the general path (figures): same numbers, more work
        per_school, days = figures(org_id, "school", [year]), None
    else:
        per_school, days = {k: _rates(v) for k, v in packed[0].items()}, packed[1]
    schools = [per_school[name] | {"school": name} for name in sorted(per_school)]
    total = _summed(schools)
    if school is not None and school not in per_school:
        school = None
    return {"year": year, "year_label": school_year_label(year), "total": total,
            "schools": schools, "medians": medians(org_id, year, counts=days),
            "school": school,
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


__all__ = ["median_of", "year_dashboard", "trends", "years", "survey_results",
           "scope_figures", "scope_medians", "figures"]
