"""Capacity assessments and CADRE action plans: list, edit, print, export to Word."""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user

from .. import access
from ..auth.models import User
from ..documents.capacity import build_action_plan, build_capacity_assessment, missing_parts
from ..documents.common import safe_filename
from ..extensions import db
from . import content, measured, services
from .binding import binding_choices, check_target_binding, evidence_context
from .forms import (
    ActivityForm,
    AssessmentForm,
    ConfirmForm,
    PlanCreateForm,
    PlanEditForm,
    ProgressForm,
    StepForm,
    TargetForm,
    owner_choices,
)
from .models import (
    ActionPlan,
    CapacityAssessment,
    PerformanceTarget,
    PlanActivity,
    ProgressEntry,
    ProgressKind,
    TargetReading,
)

bp = Blueprint("plans", __name__, url_prefix="/plans")

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _org_users() -> list[User]:
    stmt = access.scoped(User).where(User.active.is_(True)).order_by(User.name, User.email)
    return list(db.session.execute(stmt).scalars())


def _owner_from(value: str | None) -> User | None:
    if not value:
        return None
    return access.get_or_404(User, value)




def _docx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=DOCX_MIME, as_attachment=True,
                     download_name=name, max_age=0)


@bp.get("/")
@access.signed_in
def index():
    """The organization's assessments and action plans, most recently changed first."""
    assessments = db.session.execute(access.scoped(CapacityAssessment).order_by(
        CapacityAssessment.updated_at.desc())).scalars().all()
    stmt = access.scoped(ActionPlan).order_by(ActionPlan.updated_at.desc(), ActionPlan.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("plans/index.html", assessments=assessments, page=page,
                           steps=len(content.ASSESSMENT_STEPS))


# --- assessments ------------------------------------------------------------------

@bp.route("/assessments/new", methods=["GET", "POST"])
@access.require("edit_plans")
def assessment_new():
    """Start a capacity assessment: a title, whose capacity, an owner."""
    form = AssessmentForm()
    form.owner.choices = owner_choices(_org_users())
    if request.method == "GET":
        form.owner.data = str(current_user.id)
    if form.validate_on_submit():
        assessment = services.create_assessment(
            current_user.organization_id, form.title.data, form.scope.data or "",
            _owner_from(form.owner.data))
        db.session.commit()
        flash("Assessment started. Answer the steps in any order.", "success")
        return redirect(url_for("plans.assessment_step", assessment_id=assessment.id, step=1))
    return render_template("plans/assessment_form.html", form=form, assessment=None)


@bp.route("/assessments/<int:assessment_id>/edit", methods=["GET", "POST"])
@access.require("edit_plans")
def assessment_edit(assessment_id: int):
    """Change an assessment's title, scope or owner."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    form = AssessmentForm(obj=assessment if request.method == "GET" else None)
    form.owner.choices = owner_choices(_org_users())
    if request.method == "GET":
        form.owner.data = str(assessment.owner_id or "")
    if form.validate_on_submit():
        services.update_assessment(assessment, form.title.data, form.scope.data or "",
                                   _owner_from(form.owner.data))
        db.session.commit()
        flash("Saved.", "success")
        return redirect(url_for("plans.assessment_detail", assessment_id=assessment.id))
    return render_template("plans/assessment_form.html", form=form, assessment=assessment)


@bp.get("/assessments/<int:assessment_id>")
@access.signed_in
def assessment_detail(assessment_id: int):
    """The whole assessment on one printable page."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    return render_template("plans/assessment_detail.html", assessment=assessment,
                           steps=content.ASSESSMENT_STEPS, confirm=ConfirmForm())


@bp.route("/assessments/<int:assessment_id>/steps/<int:step>", methods=["GET", "POST"])
@access.require("edit_plans")
def assessment_step(assessment_id: int, step: int):
    """Answer one step, with the data sources used."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    info = content.STEP_BY_NUMBER.get(step) or abort(404)
    row = assessment.answer_for(step)
    form = StepForm(obj=row if request.method == "GET" else None)
    if form.validate_on_submit():
        services.save_step(assessment, step, form.answer.data or "", form.data_sources.data or "")
        db.session.commit()
        flash(f"Step {step} saved.", "success")
        if request.form.get("next") == "1" and step < len(content.ASSESSMENT_STEPS):
            return redirect(url_for("plans.assessment_step", assessment_id=assessment.id,
                                    step=step + 1))
        return redirect(url_for("plans.assessment_detail", assessment_id=assessment.id,
                                _anchor=f"step-{step}"))
    extra = evidence_context(assessment) if step == 1 else {}
    return render_template("plans/assessment_step.html", assessment=assessment, step=info,
                           form=form, steps=content.ASSESSMENT_STEPS, **extra)


@bp.post("/assessments/<int:assessment_id>/delete")
@access.require("edit_plans")
def assessment_delete(assessment_id: int):
    """Delete an assessment (plans built from it are kept)."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    if ConfirmForm().validate_on_submit():
        services.delete_assessment(assessment)
        db.session.commit()
        flash("Assessment deleted.", "success")
    return redirect(url_for("plans.index"))


@bp.get("/assessments/<int:assessment_id>/export.docx")
@access.signed_in
def assessment_export(assessment_id: int):
    """Download the assessment as a Word document."""
    assessment = access.get_or_404(CapacityAssessment, assessment_id)
    data = build_capacity_assessment(services.assessment_document_data(assessment))
    return _docx(data, safe_filename("capacity-assessment", assessment.title))


# --- plans ----------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@access.require("edit_plans")
def plan_new():
    """Start an action plan, on its own or from an assessment."""
    form = PlanCreateForm()
    form.owner.choices = owner_choices(_org_users())
    assessments = db.session.execute(access.scoped(CapacityAssessment).order_by(
        CapacityAssessment.updated_at.desc())).scalars().all()
    from wtforms.fields.choices import SelectChoice

    form.assessment.choices = [SelectChoice("", "An empty plan")] + [
        SelectChoice(str(a.id), f"The assessment “{a.title}”") for a in assessments]
    if request.method == "GET":
        form.owner.data = str(current_user.id)
        form.assessment.data = request.args.get("assessment", "")
    if form.validate_on_submit():
        source = (access.get_or_404(CapacityAssessment, form.assessment.data)
                  if form.assessment.data else None)
        plan = services.create_plan(current_user.organization_id, form.title.data,
                                    _owner_from(form.owner.data), source)
        db.session.commit()
        flash("Plan started." + (" The assessment's answers were copied in where they fit."
                                 if source else ""), "success")
        return redirect(url_for("plans.plan_edit", plan_id=plan.id))
    return render_template("plans/plan_new.html", form=form)


@bp.get("/<int:plan_id>")
@access.signed_in
def plan_detail(plan_id: int):
    """The whole plan in CADRE order: printable, with its progress."""
    plan = access.get_or_404(ActionPlan, plan_id)
    missing = missing_parts(services.plan_document_data(plan, measure=False))
    return render_template("plans/plan_detail.html", plan=plan, today=date.today(),
                           results=content.DESIRED_RESULTS, content=content, missing=missing,
                           confirm=ConfirmForm())


@bp.route("/<int:plan_id>/edit", methods=["GET", "POST"])
@access.require("edit_plans")
def plan_edit(plan_id: int):
    """Edit sections 1 and 2a-2g, the title and the owner."""
    plan = access.get_or_404(ActionPlan, plan_id)
    form = PlanEditForm(obj=plan if request.method == "GET" else None)
    form.owner.choices = owner_choices(_org_users())
    if request.method == "GET":
        form.owner.data = str(plan.owner_id or "")
    if form.validate_on_submit():
        results = {letter: form[f"result_{letter}"].data for letter in services.RESULT_LETTERS}
        services.update_plan(plan, form.title.data, _owner_from(form.owner.data),
                             form.priority_area.data or "", results)
        db.session.commit()
        flash("Plan saved.", "success")
        return redirect(url_for("plans.plan_detail", plan_id=plan.id))
    return render_template("plans/plan_edit.html", form=form, plan=plan,
                           results=content.DESIRED_RESULTS)


@bp.post("/<int:plan_id>/delete")
@access.require("edit_plans")
def plan_delete(plan_id: int):
    """Delete a plan with its targets, activities and progress."""
    plan = access.get_or_404(ActionPlan, plan_id)
    if ConfirmForm().validate_on_submit():
        services.delete_plan(plan)
        db.session.commit()
        flash("Plan deleted.", "success")
    return redirect(url_for("plans.index"))


@bp.get("/<int:plan_id>/export.docx")
@access.signed_in
def plan_export(plan_id: int):
    """Download the plan as a Word document in the CADRE tool's structure."""
    plan = access.get_or_404(ActionPlan, plan_id)
    data = build_action_plan(services.plan_document_data(plan))
    return _docx(data, safe_filename("action-plan", plan.title))


# --- targets, activities, progress -------------------------------------------------

def _form_page(form, plan: ActionPlan, title: str, submit: str, intro: str = ""):
    return render_template("plans/child_form.html", form=form, plan=plan, title=title,
                           submit=submit, intro=intro)


@bp.route("/<int:plan_id>/targets/new", methods=["GET", "POST"])
@access.require("edit_plans")
def target_new(plan_id: int):
    """Add a performance target with its by-when date, 3a and 3b."""
    return _target_form(plan_id, None)


@bp.route("/<int:plan_id>/targets/<int:target_id>/edit", methods=["GET", "POST"])
@access.require("edit_plans")
def target_edit(plan_id: int, target_id: int):
    """Change a performance target."""
    return _target_form(plan_id, target_id)


def _target_form(plan_id: int, target_id: int | None):
    plan = access.get_or_404(ActionPlan, plan_id)
    target = access.get_or_404(PerformanceTarget, target_id, plan_id=plan.id) if target_id else None
    form = TargetForm(obj=target if request.method == "GET" else None)
    binding_choices(form, plan.organization_id, target if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            binding = check_target_binding(form, plan.organization_id)
        except measured.BindingError as exc:
            field = form[exc.field] if exc.field in form else form.measure
            field.errors = [*field.errors, str(exc)]
            return _target_page(form, plan, target)
        saved = services.save_target(plan, target, form.statement.data, form.by_when.data,
                                     form.evidence.data or "", form.data_sources.data or "")
        measured.apply_binding(saved, binding)
        db.session.commit()
        flash("Target saved.", "success")
        if saved.is_overdue(date.today()):
            flash("Its by-when date has already passed. It is saved and flagged on the plan; "
                  "change the date if that was a mistake.", "warning")
        return redirect(url_for("plans.plan_detail", plan_id=plan.id, _anchor="targets"))
    return _target_page(form, plan, target)


def _target_page(form, plan: ActionPlan, target: PerformanceTarget | None):
    return render_template("plans/target_form.html", form=form, plan=plan,
                           title="Change the target" if target else "Add a performance target",
                           submit="Save target", intro=content.TARGETS_QUESTION + ".")


@bp.route("/<int:plan_id>/activities/new", methods=["GET", "POST"])
@access.require("edit_plans")
def activity_new(plan_id: int):
    """Add a row to the Activities Planning Worksheet."""
    return _activity_form(plan_id, None)


@bp.route("/<int:plan_id>/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@access.require("edit_plans")
def activity_edit(plan_id: int, activity_id: int):
    """Change a row of the Activities Planning Worksheet."""
    return _activity_form(plan_id, activity_id)


def _activity_form(plan_id: int, activity_id: int | None):
    plan = access.get_or_404(ActionPlan, plan_id)
    activity = (access.get_or_404(PlanActivity, activity_id, plan_id=plan.id)
                if activity_id else None)
    form = ActivityForm(obj=activity if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.save_activity(
                plan, activity, text=form.activity.data,
                resources_needed=form.resources_needed.data or "",
                staff_lead=form.staff_lead.data or "", start_date=form.start_date.data,
                end_date=form.end_date.data, notes=form.notes.data or "",
                status=form.status.data)
        except services.PlanError as exc:
            form.end_date.errors = [*form.end_date.errors, str(exc)]
        else:
            db.session.commit()
            flash("Activity saved.", "success")
            return redirect(url_for("plans.plan_detail", plan_id=plan.id, _anchor="worksheet"))
    return _form_page(form, plan, "Change the activity" if activity else "Add an activity",
                      "Save activity")


@bp.route("/<int:plan_id>/progress/new", methods=["GET", "POST"])
@access.require("edit_plans")
def progress_new(plan_id: int):
    """Record a progress update, an accomplishment to celebrate, or an adjustment and why."""
    plan = access.get_or_404(ActionPlan, plan_id)
    form = ProgressForm()
    if request.method == "GET" and request.args.get("kind") in set(ProgressKind):
        form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        services.add_progress(plan, form.kind.data, form.entry_date.data, form.text.data,
                              form.reason.data or "", current_user._get_current_object())
        db.session.commit()
        flash("Entry saved.", "success")
        return redirect(url_for("plans.plan_detail", plan_id=plan.id, _anchor="progress"))
    return _form_page(form, plan, "Track progress", "Save entry",
                      "Share progress, celebrate an accomplishment, or record a change to the "
                      "plan and why it was made.")


_CHILD_MODELS = {"targets": PerformanceTarget, "activities": PlanActivity,
                 "progress": ProgressEntry, "readings": TargetReading}


@bp.post("/<int:plan_id>/<any(targets, activities, progress, readings):kind>/<int:child_id>"
         "/delete")
@access.require("edit_plans")
def child_delete(plan_id: int, kind: str, child_id: int):
    """Delete a target, an activity or a progress entry."""
    plan = access.get_or_404(ActionPlan, plan_id)
    child = access.get_or_404(_CHILD_MODELS[kind], child_id, plan_id=plan.id)
    if ConfirmForm().validate_on_submit():
        services.delete_child(plan, child)
        db.session.commit()
        flash("Deleted.", "success")
    if kind == "readings":
        return redirect(url_for("plans.progress_page", plan_id=plan.id))
    anchor = {"targets": "targets", "activities": "worksheet", "progress": "progress"}[kind]
    return redirect(url_for("plans.plan_detail", plan_id=plan.id, _anchor=anchor))
