"""Capacity assessment and CADRE capacity action plan (.docx) for district and state teams.

Sources: seed 000 (the six "Getting Started" steps) and seed 001 (the CADRE
Action Planning Tool's numbering: 1; 2a-2g; 3 with a and b; the Activities
Planning Worksheet). The question wording is passed in with the data (the plans
feature owns it), so this module only lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from . import common as c
from .safe_text import xml_safe

PLANNING_FOOTER = "Internal planning document. Contains no student information."

#: The worksheet's columns as CADRE names them, then our status column.
WORKSHEET_HEADERS = ("Activities", "Resources Needed", "Staff Lead", "Date to be Initiated",
                     "Date to be Completed", "Notes", "Status")
#: Inches; they add up to the width between the margins of a landscape Letter page.
WORKSHEET_WIDTHS = (2.45, 1.65, 1.1, 1.0, 1.0, 1.2, 0.8)


@dataclass
class AssessmentStepData:
    number: int
    title: str
    questions: list[str] = field(default_factory=list)
    answer: str = ""
    data_sources: str = ""
    #: Figures attached to the answer, each as it was when attached (value and date).
    snapshots: list[str] = field(default_factory=list)


@dataclass
class CapacityAssessmentData:
    title: str
    organization_name: str = ""
    scope: str = ""
    owner: str = ""
    updated_at: datetime | None = None
    steps: list[AssessmentStepData] = field(default_factory=list)


@dataclass
class DesiredResultData:
    """One of 2a-2g."""

    letter: str
    label: str
    question: str
    answer: str = ""


@dataclass
class TargetData:
    statement: str
    by_when: date | None = None
    #: 3a: data that would show the target is met.
    evidence: str = ""
    #: 3b: data sources.
    data_sources: str = ""
    #: A target bound to one of the app's measures: its figures, measured.
    measured: MeasuredData | None = None
    #: A free-text target: figures typed by hand ("date: figure (source)").
    readings: list[str] = field(default_factory=list)


@dataclass
class MeasuredData:
    """A bound target's progress as measured from the organization's cases."""

    facts: list[tuple[str, str]]  # (label, value): measure, schools, baseline, target, status
    measured_at: datetime
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class ActivityData:
    activity: str
    resources_needed: str = ""
    staff_lead: str = ""
    start_date: date | None = None
    end_date: date | None = None
    notes: str = ""
    #: The status in words, e.g. "In progress".
    status: str = ""


@dataclass
class ProgressData:
    #: "update", "accomplishment" or "adjustment".
    kind: str
    entry_date: date
    text: str
    #: Why an adjustment was made.
    reason: str = ""
    author: str = ""


@dataclass
class ActionPlanData:
    title: str
    organization_name: str = ""
    owner: str = ""
    updated_at: datetime | None = None
    source_assessment: str = ""
    priority_question: str = "Our priority area"
    priority_area: str = ""
    desired_results: list[DesiredResultData] = field(default_factory=list)
    targets_question: str = "Measurable outcome-based performance targets"
    target_data_question: str = "What data would show that we have met the target?"
    target_sources_question: str = "Which data sources will we use?"
    targets: list[TargetData] = field(default_factory=list)
    activities: list[ActivityData] = field(default_factory=list)
    progress: list[ProgressData] = field(default_factory=list)
    #: Targets whose date is before this day are flagged; None = today.
    today: date | None = None


def _meta(doc, organization: str, owner: str, updated_at: datetime | None) -> None:
    if organization:
        c.labelled(doc, "Organization", organization)
    c.labelled(doc, "Owner", owner or "No owner yet")
    c.labelled(doc, "Last updated", c.fmt_date(updated_at, missing="Never"))


# --- capacity assessment ----------------------------------------------------

def build_capacity_assessment(data: CapacityAssessmentData) -> bytes:
    """The six steps with their questions, the team's answers and data sources."""
    data = xml_safe(data)
    doc = c.new_document(data.title, f"Capacity assessment · {data.title}",
                         confidentiality=PLANNING_FOOTER, core_subject="Capacity assessment")
    c.title_block(doc, data.title, "Capacity assessment: building local-level capacity")
    _meta(doc, data.organization_name, data.owner, data.updated_at)
    if data.scope.strip():
        c.labelled(doc, "Whose capacity", data.scope.strip())
    answered = sum(1 for s in data.steps if s.answer.strip())
    c.labelled(doc, "Steps answered", f"{answered} of {len(data.steps)}")
    for step in data.steps:
        c.heading(doc, f"Step {step.number}. {step.title}", 1)
        if step.questions:
            c.heading(doc, "Questions to consider", 2)
            c.bullets(doc, step.questions)
        c.heading(doc, "Our answer", 2)
        c.text_block(doc, step.answer, missing="Not answered yet.")
        c.heading(doc, "Data sources used", 2)
        c.text_block(doc, step.data_sources, missing="No data sources named yet.")
        if step.snapshots:
            c.heading(doc, "Figures attached (as they were when attached)", 2)
            c.bullets(doc, step.snapshots)
    return c.to_bytes(doc)


# --- action plan --------------------------------------------------------------

def missing_parts(data: ActionPlanData) -> list[str]:
    """What a complete plan still lacks, in the CADRE numbering."""
    out = []
    if not data.priority_area.strip():
        out.append("1. The priority area")
    empty = [r.letter for r in data.desired_results if not r.answer.strip()]
    if empty:
        out.append("2. Desired results: " + ", ".join(f"2{letter}" for letter in empty))
    if not data.targets:
        out.append("3. At least one performance target")
    else:
        for n, t in enumerate(data.targets, start=1):
            gaps = []
            if t.by_when is None:
                gaps.append("a by-when date")
            if not t.evidence.strip():
                gaps.append("3a data")
            if not t.data_sources.strip():
                gaps.append("3b data sources")
            if gaps:
                out.append(f"3. Target {n}: " + ", ".join(gaps))
    if not data.activities:
        out.append("The Activities Planning Worksheet: at least one activity")
    return out


def _target_progress(doc, t: TargetData) -> None:
    if t.measured is not None:
        m = t.measured
        c.heading(doc, "Progress, measured", 3)
        for label, value in m.facts:
            c.labelled(doc, label, value)
        c.labelled(doc, "Measured", c.fmt_datetime(m.measured_at) +
                   " UTC, from the organization's dispute-resolution cases")
        widths = [1.1] + [(c.usable_width(doc) - 1.1) / max(len(m.headers) - 1, 1)] * (
            len(m.headers) - 1)
        c.add_table(doc, m.headers, m.rows, widths, font_size=9)
    elif t.readings:
        c.heading(doc, "Progress, recorded by hand", 3)
        c.bullets(doc, t.readings)


def build_action_plan(data: ActionPlanData) -> bytes:
    """The plan in the CADRE tool's order, the worksheet on landscape pages."""
    data = xml_safe(data)
    today = data.today or date.today()
    doc = c.new_document(data.title, f"Capacity action plan · {data.title}",
                         confidentiality=PLANNING_FOOTER, core_subject="Capacity action plan")
    c.title_block(doc, data.title, "Capacity action plan: building local-level capacity")
    _meta(doc, data.organization_name, data.owner, data.updated_at)
    if data.source_assessment:
        c.labelled(doc, "Built from the assessment", data.source_assessment)

    missing = missing_parts(data)
    if missing:
        c.heading(doc, "Still to be filled in", 1)
        c.bullets(doc, missing)

    c.heading(doc, f"1. {data.priority_question}", 1)
    c.text_block(doc, data.priority_area, missing="Not filled in yet.")

    c.heading(doc, "2. Desired results", 1)
    for r in data.desired_results:
        c.heading(doc, f"2{r.letter}. {r.label}", 2)
        c.note(doc, r.question)
        c.text_block(doc, r.answer, missing="Not filled in yet.")

    c.heading(doc, f"3. {data.targets_question}", 1)
    if not data.targets:
        c.note(doc, "No performance targets yet.")
    for n, t in enumerate(data.targets, start=1):
        c.heading(doc, f"Target {n}", 2)
        c.text_block(doc, t.statement, missing="No target statement yet.")
        by_when = c.fmt_date(t.by_when, missing="No date set yet")
        if t.by_when is not None and t.by_when < today:
            by_when += " (this date has passed)"
        c.labelled(doc, "By when", by_when)
        c.heading(doc, f"3a. {data.target_data_question}", 3)
        c.text_block(doc, t.evidence, missing="Not filled in yet.")
        c.heading(doc, f"3b. {data.target_sources_question}", 3)
        c.text_block(doc, t.data_sources, missing="Not filled in yet.")
        _target_progress(doc, t)

    if not data.activities:
        # Nothing to lay out wide: stay on the portrait pages.
        c.heading(doc, "Activities Planning Worksheet", 1)
        c.note(doc, "No activities yet. Add each activity with the resources it needs, its "
                    "staff lead and its dates.")
    else:
        c.landscape_section(doc)
        c.heading(doc, "Activities Planning Worksheet", 1)
        rows = [[a.activity, a.resources_needed or "—", a.staff_lead or "—",
                 c.fmt_short_date(a.start_date, missing="—"),
                 c.fmt_short_date(a.end_date, missing="—"),
                 a.notes or "—", a.status or "—"] for a in data.activities]
        c.add_table(doc, WORKSHEET_HEADERS, rows, WORKSHEET_WIDTHS, font_size=9.5)
        c.portrait_section(doc)
    c.heading(doc, "Tracking progress", 1)
    groups = (("update", "Progress updates", "No progress updates yet."),
              ("accomplishment", "Accomplishments to celebrate", "Nothing recorded yet."),
              ("adjustment", "Adjustments made and why", "No adjustments made yet."))
    for kind, title, empty in groups:
        c.heading(doc, title, 2)
        entries = [e for e in data.progress if e.kind == kind]
        if not entries:
            c.note(doc, empty)
        for e in entries:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(c.fmt_date(e.entry_date) + ": ").bold = True
            p.add_run(e.text.strip())
            if e.author:
                p.add_run(f" ({e.author})")
            if kind == "adjustment":
                reason = e.reason.strip() or "No reason recorded."
                r = doc.add_paragraph(style="List Bullet 2")
                r.add_run("Why: ").bold = True
                r.add_run(reason)
    return c.to_bytes(doc)
