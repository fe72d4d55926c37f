"""Creating and changing assessments and action plans; mapping them to Word data.

Every function flushes and never commits: the view commits once per request.
"""

from __future__ import annotations

from datetime import date

from ..auth.models import Organization, User
from ..db import utcnow
from ..documents import capacity as docs
from ..extensions import db
from . import content
from .evidence import reading_text, snapshot_text
from .measured import measured_document_data, plan_progress
from .models import (
    ActionPlan,
    ActivityStatus,
    AssessmentAnswer,
    CapacityAssessment,
    PerformanceTarget,
    PlanActivity,
    ProgressEntry,
    ProgressKind,
)

RESULT_LETTERS = tuple(letter for letter, _, _ in content.DESIRED_RESULTS)


class PlanError(ValueError):
    """A change that would leave the plan wrong; the message says what to do."""


# --- assessments --------------------------------------------------------------

def create_assessment(org_id: int, title: str, scope: str = "",
                      owner: User | None = None) -> CapacityAssessment:
    """A new assessment with an empty answer for each of the six steps."""
    assessment = CapacityAssessment(organization_id=org_id, title=title.strip(),
                                    scope=scope.strip(), owner=owner)
    for step in content.ASSESSMENT_STEPS:
        assessment.answers.append(AssessmentAnswer(organization_id=org_id, step=step.number))
    db.session.add(assessment)
    db.session.flush()
    return assessment


def update_assessment(assessment: CapacityAssessment, title: str, scope: str,
                      owner: User | None) -> None:
    assessment.title = title.strip()
    assessment.scope = scope.strip()
    assessment.owner = owner
    assessment.updated_at = utcnow()
    db.session.flush()


def save_step(assessment: CapacityAssessment, step: int, answer: str,
              data_sources: str) -> AssessmentAnswer:
    """Save one step's answer and data sources."""
    if step not in content.STEP_BY_NUMBER:
        raise PlanError("There is no such step.")
    row = assessment.answer_for(step)
    if row is None:
        row = AssessmentAnswer(organization_id=assessment.organization_id, step=step)
        assessment.answers.append(row)
    row.answer = answer.strip()
    row.data_sources = data_sources.strip()
    row.updated_at = assessment.updated_at = utcnow()
    db.session.flush()
    return row


def delete_assessment(assessment: CapacityAssessment) -> None:
    """Delete the assessment; plans built from it stay and lose the link."""
    for plan in db.session.execute(db.select(ActionPlan).where(
            ActionPlan.assessment_id == assessment.id)).scalars():
        plan.assessment = None
    db.session.delete(assessment)
    db.session.flush()


# --- plans ----------------------------------------------------------------------

def _touch(plan: ActionPlan) -> None:
    plan.updated_at = utcnow()


def create_plan(org_id: int, title: str, owner: User | None = None,
                assessment: CapacityAssessment | None = None) -> ActionPlan:
    """A new plan; from an assessment, its answers are copied where they fit."""
    plan = ActionPlan(organization_id=org_id, title=title.strip(), owner=owner)
    if assessment is not None:
        if assessment.organization_id != org_id:
            raise PlanError("That assessment is not part of your organization.")
        plan.assessment = assessment

        def answer(step: int) -> str:
            row = assessment.answer_for(step)
            return row.answer if row else ""

        # Step 6 sums up the focus; step 4 names the priorities.
        plan.priority_area = answer(6) or answer(4)
        plan.result_a = answer(3)
        plan.result_e = answer(5)
        plan.result_g = answer(1)
    db.session.add(plan)
    db.session.flush()
    return plan


def update_plan(plan: ActionPlan, title: str, owner: User | None, priority_area: str,
                results: dict[str, str]) -> None:
    """Save sections 1 and 2 (a-g) and the plan's title and owner."""
    plan.title = title.strip()
    plan.owner = owner
    plan.priority_area = priority_area.strip()
    for letter in RESULT_LETTERS:
        setattr(plan, f"result_{letter}", (results.get(letter) or "").strip())
    _touch(plan)
    db.session.flush()


def delete_plan(plan: ActionPlan) -> None:
    db.session.delete(plan)
    db.session.flush()


def save_target(plan: ActionPlan, target: PerformanceTarget | None, statement: str,
                by_when: date | None, evidence: str, data_sources: str) -> PerformanceTarget:
    """Add or change a performance target (a date in the past is allowed)."""
    if target is None:
        target = PerformanceTarget(organization_id=plan.organization_id, statement="",
                                   position=len(plan.targets) + 1)
        plan.targets.append(target)
    target.statement = statement.strip()
    target.by_when = by_when
    target.evidence = evidence.strip()
    target.data_sources = data_sources.strip()
    _touch(plan)
    db.session.flush()
    return target


def check_activity_dates(start: date | None, end: date | None) -> str | None:
    """The message for an activity completed before it started, else None."""
    if start and end and end < start:
        return (f"The date to be completed ({end:%Y-%m-%d}) is before the date to be "
                f"initiated ({start:%Y-%m-%d}). Change one of them.")
    return None


def save_activity(plan: ActionPlan, activity: PlanActivity | None, *, text: str,
                  resources_needed: str = "", staff_lead: str = "",
                  start_date: date | None = None, end_date: date | None = None,
                  notes: str = "", status: str = ActivityStatus.NOT_STARTED) -> PlanActivity:
    """Add or change a worksheet row; refuses one completed before it started."""
    problem = check_activity_dates(start_date, end_date)
    if problem:
        raise PlanError(problem)
    if status not in {s.value for s in ActivityStatus}:
        raise PlanError("Choose one of the listed statuses.")
    if activity is None:
        activity = PlanActivity(organization_id=plan.organization_id, activity="",
                                position=len(plan.activities) + 1)
        plan.activities.append(activity)
    activity.activity = text.strip()
    activity.resources_needed = resources_needed.strip()
    activity.staff_lead = staff_lead.strip()
    activity.start_date = start_date
    activity.end_date = end_date
    activity.notes = notes.strip()
    activity.status = status
    _touch(plan)
    db.session.flush()
    return activity


def add_progress(plan: ActionPlan, kind: str, entry_date: date, text: str, reason: str = "",
                 author: User | None = None) -> ProgressEntry:
    """Record a progress update, an accomplishment or an adjustment (with its reason)."""
    if kind not in {k.value for k in ProgressKind}:
        raise PlanError("Choose what kind of entry this is.")
    if kind == ProgressKind.ADJUSTMENT and not reason.strip():
        raise PlanError("Say why the adjustment was made.")
    entry = ProgressEntry(organization_id=plan.organization_id, kind=kind,
                          entry_date=entry_date, text=text.strip(), reason=reason.strip(),
                          author=author)
    plan.progress.append(entry)
    _touch(plan)
    db.session.flush()
    return entry


def delete_child(plan: ActionPlan, child) -> None:
    """Delete a target, activity or progress entry of the plan."""
    db.session.delete(child)
    _touch(plan)
    db.session.flush()


# --- Word data --------------------------------------------------------------------

def _name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def assessment_document_data(assessment: CapacityAssessment) -> docs.CapacityAssessmentData:
    steps = []
    for step in content.ASSESSMENT_STEPS:
        row = assessment.answer_for(step.number)
        steps.append(docs.AssessmentStepData(
            number=step.number, title=step.title, questions=list(step.questions),
            answer=row.answer if row else "", data_sources=row.data_sources if row else "",
            snapshots=[snapshot_text(s) for s in assessment.snapshots if s.step == step.number]))
    org = db.session.get(Organization, assessment.organization_id)
    return docs.CapacityAssessmentData(
        title=assessment.title, organization_name=org.name if org else "",
        scope=assessment.scope, owner=_name(assessment.owner),
        updated_at=assessment.updated_at, steps=steps)


def plan_document_data(plan: ActionPlan, today: date | None = None,
                       measure: bool = True) -> docs.ActionPlanData:
    """The plan as the Word builder's data; bound targets measured now unless ``measure``
    is False (the page's list of missing parts needs no figures)."""
    org = db.session.get(Organization, plan.organization_id)
    progress = {p.target.id: p for p in plan_progress(plan, today)} if measure else {}
    return docs.ActionPlanData(
        title=plan.title,
        organization_name=org.name if org else "",
        owner=_name(plan.owner),
        updated_at=plan.updated_at,
        source_assessment=plan.assessment.title if plan.assessment else "",
        priority_question=content.PRIORITY_QUESTION,
        priority_area=plan.priority_area,
        desired_results=[docs.DesiredResultData(letter, label, question, plan.result(letter))
                         for letter, label, question in content.DESIRED_RESULTS],
        targets_question=content.TARGETS_QUESTION,
        target_data_question=content.TARGET_DATA_QUESTION,
        target_sources_question=content.TARGET_SOURCES_QUESTION,
        targets=[docs.TargetData(t.statement, t.by_when, t.evidence, t.data_sources,
                                 measured=measured_document_data(progress.get(t.id)),
                                 readings=[reading_text(r) for r in t.readings])
                 for t in plan.targets],
        activities=[docs.ActivityData(a.activity, a.resources_needed, a.staff_lead,
                                      a.start_date, a.end_date, a.notes, a.status_label)
                    for a in plan.activities],
        progress=[docs.ProgressData(e.kind, e.entry_date, e.text, e.reason, _name(e.author))
                  for e in sorted(plan.progress, key=lambda e: (e.entry_date, e.id))],
        today=today,
    )
