"""What the target form and step 1 need to talk about measures: the choices offered
(measures, groups, schools, school years), the binding read from the form, and the
evidence over the years and schools chosen in the query string."""

from __future__ import annotations

from datetime import date

from flask import request
from wtforms.fields.choices import SelectChoice

from .. import access
from ..adr.models import parse_school_year, school_year_label, school_year_of
from ..extensions import db
from . import evidence, measured
from .measured_forms import RemoveForm, SnapshotForm
from .measured_models import SchoolGroup
from .models import CapacityAssessment, PerformanceTarget


def chosen_scope(org_id: int, group_id: str, schools: list[str]):
    """(schools or None, label, group) from a form's or a query's group and schools; a
    group that is not one of the organization's is ignored (all schools)."""
    group = None
    if group_id and group_id.isdigit() and len(group_id) < 10:
        group = db.session.execute(access.scoped(SchoolGroup, org_id).where(
            SchoolGroup.id == int(group_id))).scalar_one_or_none()
    if group is not None:
        return group.school_names, measured.scope_label(None, group), group
    known = set(measured.org_schools(org_id))
    chosen = tuple(dict.fromkeys(s for s in schools if s in known)) or None
    return chosen, measured.scope_label(chosen), None


def binding_choices(form, org_id: int, target: PerformanceTarget | None) -> None:
    """Fill the target form's lists; on GET, show the target's binding."""
    form.school_group.choices = [SelectChoice("", "Choose a group")] + [
        SelectChoice(str(g.id), f"{g.name} ({len(g.members)} schools)")
        for g in evidence.org_groups(org_id)]
    form.schools.choices = [SelectChoice(s, s) for s in evidence.org_schools(org_id)]
    form.baseline_year.choices = [SelectChoice("", "Choose a school year")] + [
        SelectChoice(school_year_label(y), school_year_label(y))
        for y in evidence.org_years(org_id)]
    if target is not None and target.is_bound:
        form.scope.data = ("group" if target.school_group_id
                           else "schools" if target.scope_schools else "all")
        form.school_group.data = str(target.school_group_id or "")
        form.schools.data = list(target.scope_schools.splitlines())
        form.baseline_year.data = school_year_label(target.baseline_year)


def check_target_binding(form, org_id: int) -> measured.Binding | None:
    """The checked binding from the form, None for a free-text target."""
    if not form.measure.data:
        return None
    group = form.school_group.data or ""
    return measured.check_binding(
        org_id, measure=form.measure.data, scope=form.scope.data or "all",
        group_id=int(group) if group.isdigit() else None, schools=form.schools.data or [],
        baseline_year=parse_school_year(form.baseline_year.data or ""),
        target_value=form.target_value.data, by_when=form.by_when.data)


def evidence_context(assessment: CapacityAssessment) -> dict:
    """What step 1 shows: the chosen years and schools, and every figure over them."""
    org = assessment.organization_id
    all_years = evidence.org_years(org)
    picked = [y for y in (parse_school_year(v) for v in request.args.getlist("years"))
              if y in all_years] or all_years[:evidence.EVIDENCE_YEARS]
    schools, label, group = chosen_scope(org, request.args.get("group", ""),
                                         request.args.getlist("school"))
    return {"ev_years": sorted(picked), "ev_all_years": all_years,
            "ev_current": school_year_of(date.today()),
            "ev_rows": evidence.evidence(org, picked, schools) if picked else [],
            "ev_schools": evidence.org_schools(org), "ev_groups": evidence.org_groups(org),
            "ev_chosen": schools or (), "ev_group": group, "ev_label": label,
            "snapshot_form": SnapshotForm(), "remove_form": RemoveForm()}
