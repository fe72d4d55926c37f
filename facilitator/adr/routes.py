"""Dispute-resolution pages: cases, import/export, the 618 table, deadlines, dashboard,
school closures. (Surveys: survey_routes.py; the blueprint: views.py.)

Reading is open to every role of the organization (analysts read everything;
an advocacy organization's users see their own organization's cases read
only); changing cases needs ``edit_cases``; school closures need
``manage_settings``. The survey pages are public (a single-use link, no account).
"""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import access, audit, validation
from ..extensions import db
from ..web import attachment
from . import dashboard as dash
from . import deadlines, report, services, survey_language
from .csv_io import ImportRefused, export_csv, import_cases, to_csv
from .forms import CaseForm, ClosureForm, ConfirmForm, ImportForm
from .models import (
    PROCESS_LABELS,
    STATUS_LABELS,
    AdrCase,
    SchoolClosure,
    parse_school_year,
    school_year_label,
)
from .views import bp, org_id, year_arg

# Cases ------------------------------------------------------------------------------------

@bp.get("/")
@access.signed_in
def start():
    """The dispute-resolution area starts at the list of cases."""
    return redirect(url_for("adr.cases"))


@bp.get("/cases")
@access.signed_in
def cases():
    """The organization's cases, filtered by process, status, school and year, a page at a time."""
    f = {k: validation.query_arg(k) for k in ("process", "status", "school", "year", "q")}
    stmt = access.scoped(AdrCase)
    if f["process"] in PROCESS_LABELS:
        stmt = stmt.where(AdrCase.process == f["process"])
    if f["status"] in STATUS_LABELS:
        stmt = stmt.where(AdrCase.status == f["status"])
    # Several ?school= (a capacity plan's group of schools) list the cases of any of them.
    several = [t for t in (validation.query_text(v) for v in
                           request.args.getlist("school")[:100]) if t]
    if len(several) > 1:
        stmt = stmt.where(AdrCase.school.in_(several))
    elif f["school"]:
        stmt = stmt.where(AdrCase.school == f["school"])
    if f["year"] and (year := parse_school_year(f["year"])) is not None:
        stmt = stmt.where(AdrCase.school_year == year)
    if f["q"]:
        like = f"%{f['q']}%"
        stmt = stmt.where(AdrCase.case_ref.ilike(like) | AdrCase.student_ref.ilike(like))
    stmt = stmt.order_by(AdrCase.received_on.desc(), AdrCase.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    schools = db.session.execute(
        db.select(AdrCase.school).where(AdrCase.organization_id == org_id(), AdrCase.school != "")
        .group_by(AdrCase.school).order_by(AdrCase.school).limit(500)).scalars().all()
    years = [school_year_label(y) for y in dash.years(org_id())]
    args = {k: v for k, v in f.items() if v} | ({"school": several} if len(several) > 1 else {})
    return render_template("adr/cases.html", page=page, f=f, schools=schools, years=years,
                           args=args, several=several if len(several) > 1 else [])


def _apply_problems(form: CaseForm, problems) -> None:
    for column, message in problems:
        name = {"process": "process_kind", "family_id": "family"}.get(column, column)
        field = getattr(form, name, None) or form.case_ref
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def _family_choices(form: CaseForm) -> None:
    from wtforms.fields.choices import SelectChoice

    from ..families.models import Family

    families = db.session.execute(access.scoped(Family).where(Family.archived_at.is_(None))
                                  .order_by(Family.student_name).limit(2000)).scalars()
    form.family.choices = [SelectChoice("", "No family linked")] + [
        SelectChoice(str(f.id), f"{f.student_name} ({f.student_ref or 'no reference'})")
        for f in families]


def _extra(form: CaseForm) -> dict:
    raw = form.family.data or ""
    return {"resolution_ended_on": form.resolution_ended_on.data,
            "hearing_on": form.hearing_on.data,
            "family_id": validation.parse_id(raw)}


@bp.route("/cases/new", methods=["GET", "POST"])
@access.require("edit_cases")
def case_new():
    """Add a case; the per-process rules are checked before anything is saved."""
    form = CaseForm()
    _family_choices(form)
    if form.validate_on_submit():
        try:
            case = services.save_case(org_id(), form.values(), **_extra(form))
        except services.CaseError as exc:
            db.session.rollback()
            _apply_problems(form, exc.problems)
        else:
            db.session.commit()
            flash(f"Case {case.case_ref} added.", "success")
            return redirect(url_for("adr.case_detail", case_id=case.id))
    elif request.method == "GET":
        form.received_on.data = date.today()
    return render_template("adr/case_form.html", form=form, case=None)


@bp.get("/cases/<int:case_id>")
@access.signed_in
def case_detail(case_id: int):
    """One case: its facts, its clocks, related cases and survey links."""
    case = access.get_or_404(AdrCase, case_id)
    closed = services.closures(case.organization_id)
    clocks = [(c, c.state(date.today())) for c in deadlines.clocks(case, closed)]
    followers = db.session.execute(access.scoped(AdrCase).where(
        AdrCase.related_id == case.id).order_by(AdrCase.received_on)).scalars().all()
    return render_template("adr/case_detail.html", case=case, clocks=clocks,
                           followers=followers, state_labels=deadlines.STATE_LABELS,
                           invite_form=survey_language.invite_form(case), delete_form=ConfirmForm())


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@access.require("edit_cases")
def case_edit(case_id: int):
    """Change a case; the per-process rules are checked before anything is saved."""
    case = access.get_or_404(AdrCase, case_id)
    form = CaseForm()
    _family_choices(form)
    if form.validate_on_submit():
        try:
            services.save_case(org_id(), form.values(), case, **_extra(form))
        except services.CaseError as exc:
            db.session.rollback()
            case = access.get_or_404(AdrCase, case_id)
            _apply_problems(form, exc.problems)
        else:
            db.session.commit()
            flash(f"Case {case.case_ref} saved.", "success")
            return redirect(url_for("adr.case_detail", case_id=case.id))
    elif request.method == "GET":
        form.fill(services.case_values(case), case)
    return render_template("adr/case_form.html", form=form, case=case)


@bp.post("/cases/<int:case_id>/delete")
@access.require("edit_cases")
def case_delete(case_id: int):
    """Delete a case (after the browser asked for confirmation)."""
    case = access.get_or_404(AdrCase, case_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    ref = case.case_ref
    services.delete_case(case)
    db.session.commit()
    flash(f"Case {ref} deleted.", "success")
    return redirect(url_for("adr.cases"))


# Import and export -----------------------------------------------------------------------

@bp.route("/cases/import", methods=["GET", "POST"])
@access.require("edit_cases")
def case_import():
    """Upload a CSV of cases: all rows are saved, or none and every problem is listed."""
    form = ImportForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            result = import_cases(org_id(), form.file.data.read())
        except ImportRefused as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(f"Imported: {result.created} new case(s), {result.updated} updated.",
                  "success")
            return redirect(url_for("adr.cases"))
    return render_template("adr/import.html", form=form, errors=errors)


@bp.get("/cases/export.csv")
@access.signed_in
def case_export():
    """Download every case of the organization as CSV (the import format)."""
    body = export_csv(org_id())
    audit.record(audit.Action.EXPORTED, audit.RecordKind.CASES_EXPORT, None)
    db.session.commit()
    return attachment("\ufeff" + body, f"cases-{date.today().isoformat()}.csv", "text/csv")


# The 618 table -------------------------------------------------------------------------------

@bp.get("/report")
@access.signed_in
def report_618():
    """The federal section 618 dispute-resolution table and B15/B16 for a school year."""
    year = year_arg()
    table = report.report(org_id(), year)
    years = sorted(set(dash.years(org_id())) | {year}, reverse=True)
    return render_template("adr/report.html", table=table, year=year, years=years)


@bp.get("/report.csv")
@access.signed_in
def report_csv():
    """The 618 table as CSV: item,label,value."""
    year = year_arg()
    body = to_csv(report.csv_rows(report.report(org_id(), year)))
    return attachment(body, f"618-{school_year_label(year)}.csv", "text/csv")


@bp.get("/report.json")
@access.signed_in
def report_json():
    """The 618 table as JSON."""
    year = year_arg()
    return Response(json.dumps(report.report(org_id(), year), indent=2),
                    mimetype="application/json")


# Deadlines -------------------------------------------------------------------------------

@bp.get("/deadlines")
@access.signed_in
def deadlines_page():
    """Open cases whose IDEA clocks are overdue or due within a week."""
    today = date.today()
    closed = services.closures(org_id())
    stmt = access.scoped(AdrCase).where(
        AdrCase.status == "pending",
        AdrCase.process.in_(("due_process", "expedited_due_process", "state_complaint")),
    ).order_by(AdrCase.received_on)
    overdue, soon = [], []
    for case in db.session.execute(stmt).scalars():
        for clock, state in deadlines.pending_states(case, today, closed):
            (overdue if state == "overdue" else soon).append((clock, case))
    overdue.sort(key=lambda x: x[0].due)
    soon.sort(key=lambda x: x[0].due)
    return render_template("adr/deadlines.html", overdue=overdue, soon=soon, today=today)


# Dashboard ------------------------------------------------------------------------------------

@bp.get("/dashboard")
@access.signed_in
def dashboard_page():
    """Outcomes, agreement and settlement rates, medians and escalation, by year and school."""
    year = year_arg()
    data = dash.year_dashboard(org_id(), year, school=validation.query_arg("school") or None)
    trend = dash.trends(org_id(), last=year)
    years = sorted(set(dash.years(org_id())) | {year}, reverse=True)
    chart = {
        "years": [t["year_label"] for t in trend],
        "fiep": {k: [t[f"fiep_{k}"] for t in trend] for k in ("full", "partial", "none")},
        "rates": {
            "Mediation agreement rate": [_num(t["med_rate"]) for t in trend],
            "Resolution-meeting settlement rate": [_num(t["settlement_rate"]) for t in trend],
        },
    }
    return render_template("adr/dashboard.html", data=data, trend=trend, year=year,
                           years=years, chart=chart)


def _num(value: str):
    return None if value == "n/a" else float(value)


# School closures -------------------------------------------------------------------------------

@bp.route("/settings/closures", methods=["GET", "POST"])
@access.require("manage_settings")
def closures():
    """The days schools are closed, which do not count as school days for expedited clocks."""
    form = ClosureForm()
    if form.validate_on_submit():
        if form.last.data and form.last.data < form.first.data:
            form.last.errors.append("The last day is before the first day.")
        else:
            added = services.add_closures(org_id(), form.first.data, form.last.data,
                                          (form.label.data or "").strip())
            db.session.commit()
            flash(f"{added} school day(s) marked as closed.", "success")
            return redirect(url_for("adr.closures"))
    rows = db.session.execute(access.scoped(SchoolClosure).order_by(SchoolClosure.day)
                              ).scalars().all()
    return render_template("adr/closures.html", form=form, rows=rows,
                           delete_form=ConfirmForm())


@bp.post("/settings/closures/<int:closure_id>/delete")
@access.require("manage_settings")
def closure_delete(closure_id: int):
    """Remove one closure day."""
    row = access.get_or_404(SchoolClosure, closure_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db.session.delete(row)
    db.session.commit()
    flash("Closure removed.", "success")
    return redirect(url_for("adr.closures"))
