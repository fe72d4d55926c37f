"""The organization's own figures as evidence for an assessment (step 1), snapshots of
them, named groups of schools, and readings typed by hand for free-text targets.

Every function flushes and never commits: the view commits once per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import measures
from ..adr import dashboard as dash
from ..adr.models import school_year_label
from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from .measured import BindingError, org_schools, scope_label
from .measured_models import EvidenceSnapshot, SchoolGroup, SchoolGroupMember, TargetReading
from .models import CapacityAssessment, PerformanceTarget

#: How many school years the evidence shows by default (ending with the newest).
EVIDENCE_YEARS = 3


def org_years(org_id: int) -> list[int]:
    """School years with cases, newest first (the dashboard's list)."""
    return dash.years(org_id)


def org_groups(org_id: int) -> list[SchoolGroup]:
    return list(db.session.execute(db.select(SchoolGroup).where(
        SchoolGroup.organization_id == org_id).order_by(SchoolGroup.name)).scalars())


# --- groups ------------------------------------------------------------------------------

def create_group(org_id: int, name: str, schools: list[str]) -> SchoolGroup:
    """A named group of schools; refuses an empty group or a name already used."""
    name = name.strip()
    known = set(org_schools(org_id))
    if any(s not in known for s in schools):
        raise BindingError("schools", "Choose schools from the list.")
    chosen = sorted(dict.fromkeys(s for s in schools if s))
    if not chosen:
        raise BindingError("schools", "Choose at least one school for the group.")
    if db.session.execute(db.select(SchoolGroup.id).where(
            SchoolGroup.organization_id == org_id, SchoolGroup.name == name)).first():
        raise BindingError("name", f"There is already a group called “{name}”. Choose "
                                   "another name.")
    group = SchoolGroup(organization_id=org_id, name=name)
    group.members = [SchoolGroupMember(organization_id=org_id, school=s) for s in chosen]
    db.session.add(group)
    db.session.flush()
    return group


def delete_group(group: SchoolGroup) -> None:
    """Delete a group no target measures; refuses one in use."""
    used = db.session.execute(db.select(PerformanceTarget.id).where(
        PerformanceTarget.school_group_id == group.id)).first()
    if used:
        raise BindingError("group", f"Targets measure the group “{group.name}”: change their "
                                    "scope first.")
    db.session.delete(group)
    db.session.flush()


# --- evidence ------------------------------------------------------------------------------

@dataclass
class EvidenceRow:
    measure: measures.Measure
    readings: list[measures.Reading]  # oldest first
    trend: str
    cases: dict  # url arguments of the case list behind the figure ({} when none)


def trend_text(m: measures.Measure, readings: list[measures.Reading]) -> str:
    """How the figure moved between the first and the last year that have one."""
    known = [r for r in readings if r.value is not None]
    if len(known) < 2:
        return "Not enough years to show a trend."
    first, last = known[0], known[-1]
    change = round(last.value - first.value, 2)
    unit = " points" if m.unit == "%" else " day" if abs(change) == 1 else " days"
    if change == 0:
        return f"No change from {first.year_label} to {last.year_label}."
    better = (change > 0) == m.higher_is_better
    return (f"{'Up' if change > 0 else 'Down'} {abs(change):g}{unit} from {first.year_label} "
            f"to {last.year_label} ({'better' if better else 'worse'}).")


def evidence(org_id: int, years: list[int], schools: tuple[str, ...] | None) -> list[EvidenceRow]:
    """Every measure over the chosen school years and schools, with its trend."""
    years = sorted(years)
    scope = measures.Scope(tuple(years), schools)
    out = []
    for key, per_year in measures.measure_all(org_id, scope).items():
        m = measures.MEASURES[key]
        if schools is not None and not m.by_school:
            continue
        readings = [per_year[y] for y in years]
        cases = dict(m.cases_filter)
        if cases and schools is not None:
            cases["school"] = list(schools)
        out.append(EvidenceRow(m, readings, trend_text(m, readings), cases))
    return out


def attach_snapshot(assessment: CapacityAssessment, step: int, key: str, year: int,
                    schools: tuple[str, ...] | None, label: str,
                    author: User | None) -> EvidenceSnapshot:
    """Measure the figure now and keep it, with the moment, on the step's answer."""
    m = measures.get(key)
    if m is None:
        raise BindingError("measure", "Choose one of the measures in the list.")
    reading = measures.measure(assessment.organization_id, key,
                               measures.Scope((year,), schools))[year]
    snapshot = EvidenceSnapshot(
        organization_id=assessment.organization_id, step=step, measure=key, label=m.label,
        scope_label=label, school_year=year, value=reading.value,
        display=m.format(reading.value), count=reading.count, measured_at=utcnow(),
        author=author)
    assessment.snapshots.append(snapshot)
    assessment.updated_at = utcnow()
    db.session.flush()
    return snapshot


def snapshot_text(s: EvidenceSnapshot) -> str:
    return (f"{s.label}, {school_year_label(s.school_year)}, {s.scope_label}: {s.display} "
            f"({s.count} counted; measured {s.measured_at:%Y-%m-%d %H:%M} UTC)")


def reading_text(r: TargetReading) -> str:
    who = f", recorded by {r.author.display_name}" if r.author else ""
    return f"{r.entry_date:%Y-%m-%d}: {r.value} (source: {r.source}{who})"


# --- readings by hand ---------------------------------------------------------------------

def add_reading(target: PerformanceTarget, entry_date: date, value: str, source: str,
                author: User | None) -> TargetReading:
    """A progress figure typed by hand for a free-text target, with its source."""
    if target.is_bound:
        raise BindingError("value", "This target is measured from the cases; its progress "
                                    "is not typed by hand.")
    reading = TargetReading(organization_id=target.organization_id, plan_id=target.plan_id,
                            entry_date=entry_date, value=value.strip(), source=source.strip(),
                            author=author)
    target.readings.append(reading)
    target.plan.updated_at = utcnow()
    db.session.flush()
    return reading


__all__ = ["scope_label", "org_schools", "org_years", "org_groups", "create_group",
           "delete_group", "evidence", "attach_snapshot", "snapshot_text", "add_reading"]
