"""The path to resolution (a funnel with its table, each number a link to its cases) and
one student's pathway: every process and meeting in time order."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from .. import access, audit
from ..adr import dashboard as dash
from ..adr.models import (
    AGREEMENT_LABELS,
    PROCESS_LABELS,
    AdrCase,
    parse_school_year,
    school_year_label,
)
from ..extensions import db
from ..families.models import Family
from ..meetings.models import Meeting
from ..validation import query_arg
from . import funnel as fn
from .models import Commitment
from .services import today
from .views import bp


def _year_and_school(org: int) -> tuple[int | None, str | None, list[int]]:
    years = dash.years(org)
    raw = request.args.get("year", "")
    year = parse_school_year(raw) if raw else (years[0] if years else None)
    if raw and year is None:
        abort(404)
    return year, query_arg("school") or None, years


def _schools(org: int, year: int) -> list[str]:
    return list(db.session.execute(db.select(AdrCase.school).distinct().where(
        AdrCase.organization_id == org, AdrCase.school_year == year)
        .order_by(AdrCase.school)).scalars())


def chart_data(data: dict) -> dict:
    """The funnel as the chart draws it: one bar per stage (labels and numbers)."""
    stages = [("Held", data["held"])]
    stages += [(f"{PROCESS_LABELS[o['process']]}: {AGREEMENT_LABELS[o['agreement']]}",
                o["n"]) for o in data["outcomes"]]
    stages += [(fn.KEPT_LABELS[k], v) for k, v in data["kept"].items()]
    stages += [("Followed within 12 months", data["escalated"])]
    stages += [(f"Then: {fn.FOLLOW_LABELS[k]}", v) for k, v in data["followed"].items()]
    return {"labels": [s[0] for s in stages], "values": [s[1] for s in stages]}


@bp.get("/commitments/path")
@access.require("view_reports")
def path():
    """The path to resolution for a school year (and school): the funnel and its table."""
    org = access.current_org_id()
    year, school, years = _year_and_school(org)
    data = fn.funnel(org, year, school, today()) if year is not None else None
    return render_template(
        "commitments/path.html", data=data, year=year, years=years, school=school,
        schools=_schools(org, year) if year is not None else [],
        chart=chart_data(data) if data else None, KEPT_LABELS=fn.KEPT_LABELS,
        FOLLOW_LABELS=fn.FOLLOW_LABELS, AGREEMENT_LABELS=AGREEMENT_LABELS,
        base_args={"year": school_year_label(year), "school": school or ""}
        if year is not None else {})


@bp.get("/commitments/path/cases")
@access.require("view_reports")
def path_cases():
    """The cases behind one number of the funnel."""
    org = access.current_org_id()
    year, school, _ = _year_and_school(org)
    if year is None:
        abort(404)
    picks = {k: query_arg(k, 40) for k in ("process", "agreement", "kept", "followed")}
    stmt = fn.cases(org, year, school, today(), **picks)
    number = max(request.args.get("page", 1, type=int) or 1, 1)
    size = current_app.config["PAGE_SIZE"]
    rows = db.session.execute(stmt.limit(size + 1).offset((number - 1) * size)).all()
    page = {"number": number, "rows": rows[:size], "more": len(rows) > size}
    return render_template("commitments/path_cases.html", page=page, year=year, school=school,
                           picks=picks, KEPT_LABELS=fn.KEPT_LABELS,
                           FOLLOW_LABELS=fn.FOLLOW_LABELS, AGREEMENT_LABELS=AGREEMENT_LABELS)


@bp.get("/commitments/cases/<int:case_id>/pathway")
@access.require("view_reports")
def pathway(case_id: int):
    """The case's student's pathway: every process and meeting for the student, in time order."""
    start = access.get_or_404(AdrCase, case_id)
    org, student_ref = start.organization_id, start.student_ref
    if not student_ref:
        families = [start.family] if start.family else []
        cases = [start]
    else:
        cases = db.session.execute(db.select(AdrCase).where(
            AdrCase.organization_id == org, AdrCase.student_ref == student_ref)).scalars().all()
        families = db.session.execute(db.select(Family).where(
            Family.organization_id == org, Family.student_ref == student_ref)).scalars().all()
    family_ids = {f.id for f in families} | {c.family_id for c in cases if c.family_id}
    meetings = db.session.execute(db.select(Meeting).where(
        Meeting.organization_id == org, Meeting.family_id.in_(family_ids))).scalars().all() \
        if family_ids else []
    commitments = db.session.execute(db.select(Commitment).where(
        Commitment.organization_id == org, Commitment.family_id.in_(family_ids))
        .order_by(Commitment.due_on)).scalars().all() if family_ids else []
    events = [(c.held_on or c.received_on, "case", c) for c in cases]
    events += [(m.starts_at_utc.date(), "meeting", m) for m in meetings]
    events.sort(key=lambda e: (e[0], e[1]))
    for fid in sorted(family_ids):
        audit.record(audit.Action.VIEWED, audit.RecordKind.COMMITMENTS, None, family_id=fid)
    db.session.commit()
    return render_template("commitments/pathway.html", student_ref=student_ref or start.case_ref,
                           events=events,
                           commitments=commitments)
