"""Performance targets bound to one of the app's measures, and their progress measured
from the organization's own cases (never typed).

A bound target has a measure, a scope (every school, listed schools or a named group),
a baseline computed for one school year (with the moment it was computed), a target
value and a date. Its progress is measured now, for each school year from the
baseline's to the target's (the current one "to date"), against a straight line from
the baseline to the target: a year at least as good as that line is on track.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from .. import measures
from ..adr.models import AdrCase, school_year_label, school_year_of
from ..db import utcnow
from ..documents.capacity import MeasuredData
from ..extensions import db
from .measured_models import SchoolGroup
from .models import PerformanceTarget

STATUS_LABELS = {"met": "Target reached", "on_track": "On track", "behind": "Not on track",
                 "no_data": "No data yet"}


class BindingError(ValueError):
    """Bad input for a bound target; ``field`` names the form field to mark."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def org_schools(org_id: int) -> list[str]:
    """The schools the organization's cases name, alphabetically."""
    return list(db.session.execute(
        db.select(AdrCase.school).where(AdrCase.organization_id == org_id, AdrCase.school != "")
        .group_by(AdrCase.school).order_by(AdrCase.school).limit(500)).scalars())


def year_end(year: int) -> date:
    return date(year + 1, 6, 30)


def scope_label(schools: tuple[str, ...] | None, group: SchoolGroup | None = None) -> str:
    if group is not None:
        return f"{group.name} ({', '.join(group.school_names)})"
    if schools is None:
        return "All schools"
    return ", ".join(s or "(no school given)" for s in schools)


@dataclass
class Binding:
    """A checked binding, with its computed baseline, ready to be stored."""

    measure: str
    schools: tuple[str, ...] | None
    group: SchoolGroup | None
    baseline_year: int
    baseline: measures.Reading
    measured_at: datetime
    target_value: float
    by_when: date

    def as_of(self) -> date:
        return min(self.measured_at.date(), year_end(self.baseline_year))


def check_binding(org_id: int, *, measure: str, scope: str, group_id: int | None,
                  schools: list[str], baseline_year: int | None, target_value: float | None,
                  by_when: date | None, now: datetime | None = None) -> Binding:
    """The binding, with its baseline measured now; BindingError names what to fix."""
    m = measures.get(measure)
    if m is None:
        raise BindingError("measure", "Choose one of the measures in the list.")
    group = None
    if scope == "group":
        group = db.session.get(SchoolGroup, group_id) if group_id else None
        if group is None or group.organization_id != org_id:
            raise BindingError("school_group", "Choose a group of schools.")
        chosen: tuple[str, ...] | None = group.school_names
        if not chosen:
            raise BindingError("school_group", f"The group “{group.name}” has no schools. "
                                               "Add schools to it, or choose another scope.")
    elif scope == "schools":
        chosen = tuple(dict.fromkeys(s for s in schools if s))
        known = set(org_schools(org_id))
        if any(s not in known for s in chosen):
            raise BindingError("schools", "Choose schools from the list.")
        if not chosen:
            raise BindingError("schools", "Choose at least one school, or measure every "
                                          "school.")
    else:
        chosen = None
    if chosen is not None and not m.by_school:
        raise BindingError("scope", f"“{m.label}” is not kept per school (survey answers are "
                                    "anonymous). Measure it for all schools.")
    if baseline_year is None:
        raise BindingError("baseline_year", "Choose the school year of the baseline.")
    if target_value is None:
        raise BindingError("target_value", "Give the value the measure should reach.")
    if target_value < 0 or (m.unit == "%" and target_value > 100):
        raise BindingError("target_value", "A rate is between 0 and 100; a number of days "
                                           "is 0 or more.")
    if by_when is None:
        raise BindingError("by_when", "Give the date by which the target should be reached.")
    reading = measures.measure(org_id, measure, measures.Scope((baseline_year,), chosen))[
        baseline_year]
    if reading.value is None:
        raise BindingError("measure", f"There is no data for “{m.label}” in "
                                      f"{school_year_label(baseline_year)} for "
                                      f"{scope_label(chosen, group)}"
                                      f"{' (' + reading.note + ')' if reading.note else ''}. "
                                      "Choose another school year, scope or measure.")
    binding = Binding(measure, chosen, group, baseline_year, reading, now or utcnow(),
                      target_value, by_when)
    if by_when <= binding.as_of():
        raise BindingError("by_when", f"The target date ({by_when:%Y-%m-%d}) is not after the "
                                      f"baseline ({school_year_label(baseline_year)}, measured "
                                      f"up to {binding.as_of():%Y-%m-%d}). Choose a later date "
                                      "or an earlier baseline year.")
    return binding


def apply_binding(target: PerformanceTarget, binding: Binding | None) -> None:
    """Store a checked binding on the target (None: the target becomes free text)."""
    if binding is None:
        target.measure, target.scope_schools, target.school_group = "", "", None
        target.baseline_year = target.baseline_value = target.baseline_count = None
        target.baseline_measured_at = target.target_value = None
    else:
        target.measure = binding.measure
        target.school_group = binding.group
        target.scope_schools = "" if binding.group or binding.schools is None else \
            "\n".join(binding.schools)
        target.baseline_year = binding.baseline_year
        target.baseline_value = binding.baseline.value
        target.baseline_count = binding.baseline.count
        target.baseline_measured_at = binding.measured_at
        target.target_value = binding.target_value
        target.by_when = binding.by_when
    db.session.flush()


# --- progress ---------------------------------------------------------------------------

@dataclass
class Point:
    """One school year of a bound target's progress, measured."""

    year: int
    to_date: bool
    reading: measures.Reading
    expected: float | None
    status: str
    gap: float | None
    rest: measures.Reading | None = None
    rest_status: str = ""

    @property
    def label(self) -> str:
        return school_year_label(self.year) + (" (to date)" if self.to_date else "")


@dataclass
class TargetProgress:
    target: PerformanceTarget
    measure: measures.Measure
    scope_label: str
    measured_at: datetime
    points: list[Point] = field(default_factory=list)
    comparison_label: str = ""
    #: A short name for column headings and the chart's legend.
    short_label: str = "All schools"

    @property
    def latest(self) -> Point | None:
        return next((p for p in reversed(self.points) if p.reading.value is not None), None)

    @property
    def status(self) -> str:
        return self.latest.status if self.latest else "no_data"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def rest_status_label(self) -> str:
        latest = self.latest
        return STATUS_LABELS.get(latest.rest_status, "") if latest else ""

    def fmt(self, value: float | None) -> str:
        return self.measure.format(value)

    def gap_text(self, gap: float | None) -> str:
        if gap is None:
            return "—"
        if gap <= 0:
            return "reached"
        unit = " points" if self.measure.unit == "%" else " days"
        return f"{gap:.2f}".rstrip("0").rstrip(".") + unit + " to go"


def _better_or_equal(m: measures.Measure, value: float, than: float) -> bool:
    return value >= than if m.higher_is_better else value <= than


def _judge(m: measures.Measure, value: float | None, expected: float,
           target: float) -> tuple[str, float | None]:
    if value is None:
        return "no_data", None
    gap = round((target - value) if m.higher_is_better else (value - target), 2)
    if _better_or_equal(m, value, target):
        return "met", gap
    return ("on_track" if _better_or_equal(m, value, expected) else "behind"), gap


def target_progress(target: PerformanceTarget, today: date | None = None,
                    now: datetime | None = None) -> TargetProgress | None:
    """The bound target's measured progress (None for a free-text target)."""
    m = measures.get(target.measure)
    if m is None or target.baseline_year is None or target.by_when is None:
        return None
    today = today or date.today()
    schools = target.schools
    label = scope_label(schools, target.school_group)
    progress = TargetProgress(target, m, label, now or utcnow(),
                              comparison_label="Rest of the organization"
                              if schools is not None else "",
                              short_label=target.school_group.name if target.school_group
                              else "All schools" if schools is None
                              else schools[0] if len(schools) == 1 else "Chosen schools")
    last = min(school_year_of(target.by_when), school_year_of(today))
    years = tuple(range(target.baseline_year, last + 1))
    if not years:
        return progress
    org = target.organization_id
    mine = measures.measure(org, m.key, measures.Scope(years, schools))
    rest = (measures.measure(org, m.key, measures.Scope(years, schools, exclude=True))
            if schools is not None else {})
    base_as_of = min((target.baseline_measured_at or progress.measured_at).date(),
                     year_end(target.baseline_year))
    span = max((target.by_when - base_as_of).days, 1)
    b, t = target.baseline_value or 0.0, target.target_value or 0.0
    for year in years:
        as_of = min(today, year_end(year))
        fraction = min(max((as_of - base_as_of).days / span, 0.0), 1.0)
        expected = round(b + fraction * (t - b), 2)
        status, gap = _judge(m, mine[year].value, expected, t)
        point = Point(year, as_of < year_end(year), mine[year], expected, status, gap)
        if year in rest:
            point.rest = rest[year]
            point.rest_status = _judge(m, rest[year].value, expected, t)[0]
        progress.points.append(point)
    return progress


def plan_progress(plan, today: date | None = None) -> list[TargetProgress]:
    """Measured progress of each bound target of the plan, in plan order."""
    now = utcnow()
    out = []
    for target in plan.targets:
        p = target_progress(target, today, now)
        if p is not None:
            out.append(p)
    return out


def progress_table(p: TargetProgress) -> tuple[list[str], list[list[str]]]:
    """The per-year table the page, the Word plan and the CSV share (headers, rows)."""
    headers = ["School year", p.short_label,
               "Counted", "On-track line", "Status", "Gap to target"]
    if p.comparison_label:
        headers += [p.comparison_label, "Status there"]
    rows = []
    for pt in p.points:
        row = [pt.label, p.fmt(pt.reading.value), str(pt.reading.count), p.fmt(pt.expected),
               STATUS_LABELS[pt.status], p.gap_text(pt.gap)]
        if p.comparison_label:
            row += [p.fmt(pt.rest.value if pt.rest else None),
                    STATUS_LABELS.get(pt.rest_status, "")]
        rows.append(row)
    return headers, rows


def measured_document_data(p: TargetProgress | None):
    """The Word builder's data for a bound target's progress (None when not bound)."""
    if p is None:
        return None
    t = p.target
    latest = p.latest
    status = p.status_label + (f": {p.fmt(latest.reading.value)} in {latest.label}, "
                               f"{p.gap_text(latest.gap)}" if latest else "")
    facts = [("Measure", f"{p.measure.label} ({p.measure.direction})"),
             ("Schools", p.scope_label),
             ("Baseline", f"{p.fmt(t.baseline_value)} in {school_year_label(t.baseline_year)} "
                          f"({t.baseline_count} counted; computed "
                          f"{t.baseline_measured_at:%Y-%m-%d})"),
             ("Target", f"{p.fmt(t.target_value)} by {t.by_when:%Y-%m-%d}"),
             ("Status", status)]
    if p.comparison_label and latest and latest.rest:
        facts.append((p.comparison_label, f"{p.fmt(latest.rest.value)} in {latest.label} "
                                          f"({STATUS_LABELS[latest.rest_status]})"))
    headers, rows = progress_table(p)
    return MeasuredData(facts, p.measured_at, headers, rows)


def csv_rows(plan, progress: list[TargetProgress]) -> list[list[str]]:
    """The plan's measured figures and hand readings as rows (header first)."""
    rows = [["target", "measure", "scope", "school_year", "value", "count", "expected",
             "status", "gap", "rest_of_organization", "target_value", "by_when",
             "baseline", "baseline_year", "measured_at", "source"]]
    numbers = {t.id: i for i, t in enumerate(plan.targets, start=1)}
    for p in progress:
        t = p.target
        for point in p.points:
            rows.append([
                f"Target {numbers[t.id]}", p.measure.label, p.scope_label, point.label,
                point.reading.display, str(point.reading.count),
                "" if point.expected is None else f"{point.expected:.2f}",
                STATUS_LABELS[point.status], "" if point.gap is None else f"{point.gap:.2f}",
                point.rest.display if point.rest else "", f"{t.target_value:g}",
                t.by_when.isoformat(), f"{t.baseline_value:g}",
                school_year_label(t.baseline_year),
                p.measured_at.strftime("%Y-%m-%d %H:%M UTC"), "Dispute-resolution cases"])
    for t in plan.targets:
        for r in t.readings:
            rows.append([f"Target {numbers[t.id]}", "(by hand)", "", r.entry_date.isoformat(),
                         r.value, "", "", "", "", "", "", t.by_when.isoformat()
                         if t.by_when else "", "", "", r.created_at.strftime(
                             "%Y-%m-%d %H:%M UTC"), r.source])
    return rows
