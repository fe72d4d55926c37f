"""The organization's own figures as named measures, for plans that measure themselves.

Every measure reads a figure the dispute-resolution dashboard already computes
(``adr.dashboard``: the same grouped queries, the same folding, the same rounding),
over a :class:`Scope` of school years and schools. Nothing here counts cases itself.

A new source of figures registers its measures with :func:`register`. Issue 17
(commitments carried out) is expected to add one measure, keyed
``COMMITMENTS_CARRIED_OUT``, whose ``compute`` returns one :class:`Reading` per school
year of the scope, like the ones below; evidence, targets, progress, the Word plan and
the CSV then pick it up with no other change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ..adr import dashboard as dash
from ..adr.models import Process, school_year_label

#: The key issue 17's measure will register under (not built here).
COMMITMENTS_CARRIED_OUT = "commitments_carried_out"


@dataclass(frozen=True)
class Scope:
    """School years and schools: every school when ``schools`` is None; with ``exclude``,
    every school but those (the rest of the organization beside a pilot)."""

    years: tuple[int, ...]
    schools: tuple[str, ...] | None = None
    exclude: bool = False

    @property
    def is_whole_org(self) -> bool:
        return self.schools is None


@dataclass(frozen=True)
class Reading:
    """One measured figure for one school year of a scope."""

    year: int
    value: float | None  #: None when there is nothing to measure (no cases, suppressed)
    display: str  #: as the dashboard shows it: "66.67", "12.5", or "n/a"
    count: int = 0  #: how many cases (or answers) the figure rests on
    numerator: int | None = None
    note: str = ""

    @property
    def year_label(self) -> str:
        return school_year_label(self.year)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str  #: "%" or "days"
    higher_is_better: bool
    #: (org_id, scope, cache) -> {year: Reading}; ``cache`` lets measures that read the
    #: same grouped query over the same scope share one run of it.
    compute: Callable[[int, Scope, dict], dict[int, Reading]] = field(repr=False)
    #: The case list filter that shows the cases behind the figure ({} when none).
    cases_filter: dict = field(default_factory=dict)
    #: False when the figure cannot be split by school (anonymous survey answers).
    by_school: bool = True

    @property
    def direction(self) -> str:
        return "higher is better" if self.higher_is_better else "lower is better"

    def format(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        text = f"{value:.2f}" if self.unit == "%" else f"{value:g}"
        return text + ("%" if self.unit == "%" else " days")


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    """Add a measure (its key must be new)."""
    if measure.key in MEASURES:
        raise ValueError(f"measure {measure.key!r} is already registered")
    MEASURES[measure.key] = measure
    return measure


def get(key: str) -> Measure | None:
    return MEASURES.get(key)


def _number(text: str) -> float | None:
    return None if text == "n/a" else float(text)


def _rate(rate_key: str, num: Callable[[dict], int], den: str):
    """A measure over the dashboard's per-year figures (``adr.dashboard.scope_figures``)."""

    def compute(org_id: int, scope: Scope, cache: dict) -> dict[int, Reading]:
        key = ("figures", org_id, scope)
        if key not in cache:
            cache[key] = dash.scope_figures(org_id, scope.years, scope.schools, scope.exclude)
        per_year = cache[key]
        out = {}
        for year in scope.years:
            row = per_year.get(year)
            if row is None:
                out[year] = Reading(year, None, "n/a")
            else:
                out[year] = Reading(year, _number(row[rate_key]), row[rate_key],
                                    count=row[den], numerator=num(row))
        return out

    return compute


def _median(process: str):
    def compute(org_id: int, scope: Scope, cache: dict) -> dict[int, Reading]:
        key = ("medians", org_id, scope)
        if key not in cache:
            cache[key] = dash.scope_medians(org_id, scope.years, scope.schools, scope.exclude)
        per_year = cache[key]
        out = {}
        for year in scope.years:
            m = per_year[year][process]
            value = m["held"]
            out[year] = Reading(year, value, "n/a" if value is None else f"{value:g}",
                                count=m["n_held"])
        return out

    return compute


def _survey(process: str, answer: str):
    def compute(org_id: int, scope: Scope, cache: dict) -> dict[int, Reading]:
        key = ("survey", org_id)
        if key not in cache:
            cache[key] = {(r["school_year"], r["process"]): r
                          for r in dash.survey_results(org_id)}
        rows = cache[key]
        out = {}
        for year in scope.years:
            r = rows.get((year, process))
            if r is None or (not scope.is_whole_org):
                out[year] = Reading(year, None, "n/a")
            elif r["suppressed"]:
                out[year] = Reading(year, None, "n/a", count=r["n"],
                                    note=f"fewer than {dash.SURVEY_MIN_N} answers: not shown")
            else:
                out[year] = Reading(year, _number(r[answer]), r[answer], count=r["n"])
        return out

    return compute


FIEP, MED = Process.FACILITATED_IEP.value, Process.MEDIATION.value
HELD_FIEP = {"process": FIEP, "status": "held"}
HELD_MED = {"process": MED, "status": "held"}

for _m in (
    Measure("fiep_full_rate", "Facilitated IEP agreement rate (full agreement)", "%", True,
            _rate("fiep_full_rate", lambda r: r["fiep_full"], "fiep_held"), HELD_FIEP),
    Measure("fiep_agreement_rate", "Facilitated IEP agreement rate (full or partial)", "%",
            True, _rate("fiep_agreement_rate", lambda r: r["fiep_full"] + r["fiep_partial"],
                        "fiep_held"), HELD_FIEP),
    Measure("med_rate", "Mediation agreement rate", "%", True,
            _rate("med_rate", lambda r: r["med_agreements"], "med_held"), HELD_MED),
    Measure("settlement_rate", "Resolution-meeting settlement rate", "%", True,
            _rate("settlement_rate", lambda r: r["settlements"], "resolution_meetings"),
            {"process": Process.DUE_PROCESS.value}),
    Measure("escalation_rate", "Escalation within 12 months of a facilitated IEP", "%", False,
            _rate("escalation_rate", lambda r: r["escalated"], "fiep_with_student"),
            HELD_FIEP),
    Measure("fiep_median_days", "Median days from request to facilitated IEP meeting", "days",
            False, _median(FIEP), HELD_FIEP),
    Measure("med_median_days", "Median days from request to mediation session", "days",
            False, _median(MED), HELD_MED),
    Measure("survey_fiep_use_again", "Survey: would use a facilitated IEP again", "%", True,
            _survey(FIEP, "use_again"), by_school=False),
    Measure("survey_med_use_again", "Survey: would use mediation again", "%", True,
            _survey(MED, "use_again"), by_school=False),
):
    register(_m)


def choices() -> list[tuple[str, str]]:
    return [(m.key, m.label) for m in MEASURES.values()]


def measure(org_id: int, key: str, scope: Scope) -> dict[int, Reading]:
    """school year -> Reading of measure ``key`` over ``scope``."""
    return MEASURES[key].compute(org_id, scope, {})


def measure_all(org_id: int, scope: Scope,
                keys: Iterable[str] | None = None) -> dict[str, dict[int, Reading]]:
    """Every (or the given) measure over one scope; each grouped query runs once."""
    cache: dict = {}
    return {k: MEASURES[k].compute(org_id, scope, cache) for k in (keys or MEASURES)}
