"""Plans that measure themselves: the progress page (shared with analysts if the plan
says so), its CSV, groups of schools, snapshots of figures, readings typed by hand."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import access, measures
from ..adr.csv_io import to_csv
from ..documents.common import safe_filename
from ..extensions import db
from ..web import attachment, protect
from . import evidence, measured
from .binding import chosen_scope
from .measured_forms import GroupForm, ReadingForm, RemoveForm, ShareForm, SnapshotForm
from .measured_models import EvidenceSnapshot, SchoolGroup
from .models import ActionPlan, CapacityAssessment, PerformanceTarget
from .routes import bp


@bp.app_context_processor
def measure_labels():
    """Templates name a target's measure by its label."""

    def measure_label(key: str) -> str:
        m = measures.get(key)
        return m.label if m else key

    def measure_format(key: str, value: float | None) -> str:
        m = measures.get(key)
        return m.format(value) if m else str(value)

    return {"measure_label": measure_label, "measure_format": measure_format}


def _may_read_progress(plan: ActionPlan) -> bool:
    return access.can("edit_plans") or plan.progress_shared


@bp.post("/assessments/<int:assessment_id>/snapshots")
@access.require("edit_plans")
def snapshot_add(assessment_id: int):
    """Attach a figure, measured now, to step 1's answer; it keeps its value and date."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    form = SnapshotForm()
    back = url_for("plans.assessment_step", assessment_id=assessment.id, step=1)
    if not form.validate_on_submit() or measures.get(form.measure.data) is None or (
            form.group.data and chosen_scope(assessment.organization_id, form.group.data,
                                             [])[2] is None):
        flash("That figure could not be attached. Choose it again from the table.", "error")
        return redirect(back)
    schools, label, _ = chosen_scope(assessment.organization_id, form.group.data or "",
                                     form.schools.data or [])
    snapshot = evidence.attach_snapshot(assessment, 1, form.measure.data, form.year.data,
                                        schools, label, current_user._get_current_object())
    db.session.commit()
    flash(f"Attached to step 1: {evidence.snapshot_text(snapshot)}.", "success")
    return redirect(back + "#snapshots")


@bp.post("/assessments/<int:assessment_id>/snapshots/remove")
@access.require("edit_plans")
def snapshot_remove(assessment_id: int):
    """Take a snapshot off the assessment."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    form = RemoveForm()
    if form.validate_on_submit():
        snapshot = access.get_or_404(EvidenceSnapshot, form.item.data,
                                     assessment_id=assessment.id)
        db.session.delete(snapshot)
        db.session.commit()
        flash("Snapshot removed.", "success")
    return redirect(url_for("plans.assessment_step", assessment_id=assessment.id, step=1,
                            _anchor="snapshots"))


# --- groups of schools ----------------------------------------------------------------------

@bp.route("/groups", methods=["GET", "POST"])
@access.read_or_require("edit_plans")
def groups():
    """Named groups of schools (a pilot), measured apart from the rest of the organization."""
    org = access.current_org_id()
    form = GroupForm()
    form.schools.choices = [SelectChoice(s, s) for s in evidence.org_schools(org)]
    if form.validate_on_submit():
        try:
            group = evidence.create_group(org, form.name.data, form.schools.data or [])
        except measured.BindingError as exc:
            getattr(form, exc.field).errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"Group “{group.name}” saved.", "success")
            return redirect(url_for("plans.groups"))
    return render_template("plans/groups.html", form=form, groups=evidence.org_groups(org),
                           remove_form=RemoveForm())


@bp.post("/groups/remove")
@access.require("edit_plans")
def group_remove():
    """Delete a group of schools that no target measures."""
    form = RemoveForm()
    if form.validate_on_submit():
        group = access.get_or_404(SchoolGroup, form.item.data)
        try:
            evidence.delete_group(group)
        except measured.BindingError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Group deleted.", "success")
    return redirect(url_for("plans.groups"))


# --- progress ---------------------------------------------------------------------------------

def _progress_plan(plan_id: int) -> ActionPlan:
    plan = access.get_or_404(ActionPlan, plan_id)
    if not _may_read_progress(plan):
        abort(403)
    return plan


def chart_data(progress: list[measured.TargetProgress]) -> list[dict]:
    """Per bound target: the years, the measured values, the rest of the organization and
    the straight line to the target (None where nothing was measured)."""
    return [{"id": f"target-chart-{p.target.id}", "unit": p.measure.unit,
             "years": [pt.label for pt in p.points],
             "series": {p.short_label: [pt.reading.value for pt in p.points],
                        **({p.comparison_label: [pt.rest.value if pt.rest else None
                                                 for pt in p.points]}
                           if p.comparison_label else {}),
                        "On-track line": [pt.expected for pt in p.points]}}
            for p in progress]


@bp.get("/<int:plan_id>/progress")
@access.require("view_reports")
def progress_page(plan_id: int):
    """Each bound target measured per school year: on track or not, the gap, a pilot
    beside the rest; readings typed by hand for the others. Printable."""
    plan = _progress_plan(plan_id)
    progress = measured.plan_progress(plan)
    share = ShareForm(shared=plan.progress_shared)
    return render_template("plans/progress.html", plan=plan, progress=progress,
                           chart=chart_data(progress), share=share,
                           numbers={t.id: i for i, t in enumerate(plan.targets, start=1)},
                           STATUS_LABELS=measured.STATUS_LABELS, today=date.today(),
                           confirm=RemoveForm())


@bp.get("/<int:plan_id>/progress.csv")
@access.require("view_reports")
def progress_csv(plan_id: int):
    """The measured figures and hand readings as CSV (cells never run as formulas)."""
    plan = _progress_plan(plan_id)
    rows = measured.csv_rows(plan, measured.plan_progress(plan))
    body = to_csv([[protect(c) for c in row] for row in rows])
    return attachment(body, safe_filename("plan-progress", plan.title, ext="csv"), "text/csv")


@bp.post("/<int:plan_id>/share")
@access.require("edit_plans")
def progress_share(plan_id: int):
    """Share the progress page with the organization's analysts, or stop sharing it."""
    plan = access.get_or_404(ActionPlan, plan_id)
    form = ShareForm()
    if form.validate_on_submit():
        plan.progress_shared = bool(form.shared.data)
        db.session.commit()
        flash("Analysts may now read the progress page." if plan.progress_shared
              else "The progress page is no longer shared with analysts.", "success")
    return redirect(url_for("plans.progress_page", plan_id=plan.id))


@bp.route("/<int:plan_id>/targets/<int:target_id>/readings/new", methods=["GET", "POST"])
@access.require("edit_plans")
def reading_new(plan_id: int, target_id: int):
    """Type a progress figure for a target the app cannot measure, with its source."""
    plan = access.get_or_404(ActionPlan, plan_id)
    target = access.get_or_404(PerformanceTarget, target_id, plan_id=plan.id)
    form = ReadingForm()
    if target.is_bound:
        flash("This target is measured from the cases; its progress is not typed.", "info")
        return redirect(url_for("plans.progress_page", plan_id=plan.id))
    if form.validate_on_submit():
        evidence.add_reading(target, form.entry_date.data, form.value.data, form.source.data,
                             current_user._get_current_object())
        db.session.commit()
        flash("Progress figure saved.", "success")
        return redirect(url_for("plans.progress_page", plan_id=plan.id,
                                _anchor=f"target-{target.id}"))
    return render_template("plans/child_form.html", form=form, plan=plan,
                           title="Record progress by hand", submit="Save the figure",
                           intro=target.statement)


