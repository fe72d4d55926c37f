"""The program's roster of neutrals, its district directory and its settings."""

from __future__ import annotations

from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import access
from ..extensions import db
from ..validation import query_arg
from .forms import (
    AbsenceForm,
    ConflictForm,
    DistrictImportForm,
    NeutralForm,
    SettingsForm,
    TrainingForm,
    choices,
)
from .models import (
    Neutral,
    NeutralAbsence,
    NeutralConflict,
    NeutralTraining,
    ProgramDistrict,
)
from .rotation import lapsing, qualified_until, rules_for
from .services import DirectoryRefused, import_districts, settings_for
from .views import bp, program_org_id

PER_PAGE = 50


@bp.get("/")
@access.require("manage_program")
def index():
    """The program's start: training that lapses soon, roster and directory counts."""
    org = program_org_id()
    counts = {
        "active": db.session.execute(select(func.count(Neutral.id)).where(
            Neutral.organization_id == org, Neutral.active.is_(True))).scalar_one(),
        "inactive": db.session.execute(select(func.count(Neutral.id)).where(
            Neutral.organization_id == org, Neutral.active.is_(False))).scalar_one(),
        "districts": db.session.execute(select(func.count(ProgramDistrict.id)).where(
            ProgramDistrict.organization_id == org)).scalar_one(),
    }
    return render_template("program/index.html", counts=counts, lapsing=lapsing(org))


@bp.get("/neutrals")
@access.require("manage_program")
def neutrals():
    """The roster: active neutrals first, then those kept on file; filter by name."""
    org = program_org_id()
    q = query_arg("q", 100)
    stmt = access.scoped(Neutral)
    if q:
        stmt = stmt.where(Neutral.name.ilike(f"%{q}%"))
    page = db.paginate(stmt.order_by(Neutral.active.desc(), Neutral.name),
                       per_page=PER_PAGE, error_out=False)
    rules = rules_for(org)
    return render_template("program/neutrals.html", page=page, q=q,
                           until={n.id: qualified_until(n, rules) for n in page.items})


def _fill(neutral: Neutral, form: NeutralForm) -> None:
    neutral.name, neutral.email, neutral.phone = form.name.data, form.email.data or "", \
        form.phone.data or ""
    neutral.processes = ",".join(form.processes.data)
    neutral.languages = ",".join(form.languages.data)
    neutral.regions = ",".join(r.strip() for r in (form.regions.data or "").split(",")
                               if r.strip())
    neutral.caseload_limit = form.caseload_limit.data
    for attr, field in (("rate_session_cents", form.rate_session),
                        ("rate_hour_cents", form.rate_hour),
                        ("rate_mile_cents", form.rate_mile)):
        setattr(neutral, attr, int((field.data or Decimal(0)) * 100))
    neutral.contract_start, neutral.contract_end = form.contract_start.data, \
        form.contract_end.data
    neutral.sea_employee, neutral.active = form.sea_employee.data, form.active.data


@bp.route("/neutrals/new", methods=["GET", "POST"])
@access.require("manage_program")
def roster_new():
    """Add a neutral to the roster."""
    org = program_org_id()
    form = NeutralForm()
    if form.validate_on_submit():
        neutral = Neutral(organization_id=org)
        _fill(neutral, form)
        db.session.add(neutral)
        db.session.commit()
        flash(f"{neutral.name} is on the roster. Add their training so they can be assigned.",
              "success")
        return redirect(url_for("program.roster_neutral", neutral_id=neutral.id))
    return render_template("program/neutral_form.html", form=form, neutral=None)


@bp.route("/neutrals/<int:neutral_id>/edit", methods=["GET", "POST"])
@access.require("manage_program")
def roster_edit(neutral_id: int):
    """Change a neutral's processes, languages, regions, caseload, rates, contract, status."""
    program_org_id()
    neutral = access.get_or_404(Neutral, neutral_id)
    form = NeutralForm(obj=neutral) if request.method == "GET" else NeutralForm()
    if request.method == "GET":
        form.processes.data = sorted(neutral.listed("processes"))
        form.languages.data = sorted(neutral.listed("languages"))
        for field, cents in ((form.rate_session, neutral.rate_session_cents),
                             (form.rate_hour, neutral.rate_hour_cents),
                             (form.rate_mile, neutral.rate_mile_cents)):
            field.data = Decimal(cents) / 100
    if form.validate_on_submit():
        _fill(neutral, form)
        db.session.commit()
        flash(f"Saved {neutral.name}.", "success")
        return redirect(url_for("program.roster_neutral", neutral_id=neutral.id))
    return render_template("program/neutral_form.html", form=form, neutral=neutral)


def _conflict_form(org: int) -> ConflictForm:
    form = ConflictForm()
    form.district.choices = choices([
        (str(d.id), f"{d.name} ({d.code})") for d in db.session.execute(
            select(ProgramDistrict).where(ProgramDistrict.organization_id == org)
            .order_by(ProgramDistrict.name)).scalars()])
    return form


@bp.get("/neutrals/<int:neutral_id>")
@access.require("manage_program")
def roster_neutral(neutral_id: int):
    """One neutral: training and renewal, dates away, declared conflicts."""
    org = program_org_id()
    neutral = access.get_or_404(Neutral, neutral_id)
    return render_template("program/neutral.html", neutral=neutral,
                           until=qualified_until(neutral, rules_for(org)),
                           training_form=TrainingForm(prefix="t"),
                           absence_form=AbsenceForm(prefix="a"),
                           conflict_form=_conflict_form(org))


@bp.post("/neutrals/<int:neutral_id>/<any(training,absence,conflict):kind>")
@access.require("manage_program")
def roster_add(neutral_id: int, kind: str):
    """Add a training, a time away or a declared conflict to a neutral."""
    org = program_org_id()
    neutral = access.get_or_404(Neutral, neutral_id)
    forms = {"training": TrainingForm(prefix="t"), "absence": AbsenceForm(prefix="a"),
             "conflict": _conflict_form(org)}
    form = forms[kind]
    if form.validate_on_submit():
        if kind == "training":
            neutral.trainings.append(NeutralTraining(on=form.on.data, kind=form.kind.data,
                                                     hours=form.hours.data,
                                                     title=form.title.data or ""))
        elif kind == "absence":
            neutral.absences.append(NeutralAbsence(first=form.first.data, last=form.last.data))
        else:
            district = access.get_or_404(ProgramDistrict, form.district.data)
            neutral.conflicts.append(NeutralConflict(
                district_id=district.id, relation=form.relation.data,
                ended_on=form.ended_on.data, note=form.note.data or ""))
        db.session.commit()
        flash({"training": "Training added.", "absence": "Time away added.",
               "conflict": "Conflict declared."}[kind], "success")
        return redirect(url_for("program.roster_neutral", neutral_id=neutral.id))
    db.session.rollback()
    page_forms = {"training_form": TrainingForm(prefix="t"),
                  "absence_form": AbsenceForm(prefix="a"), "conflict_form": _conflict_form(org)}
    page_forms[f"{kind}_form"] = form
    return render_template("program/neutral.html", neutral=neutral,
                           until=qualified_until(neutral, rules_for(org)), **page_forms), 400


@bp.post("/neutrals/<int:neutral_id>/<any(training,absence,conflict):kind>/<int:item_id>/delete")
@access.require("manage_program")
def roster_remove(neutral_id: int, kind: str, item_id: int):
    """Remove one training, time away or conflict from a neutral."""
    program_org_id()
    neutral = access.get_or_404(Neutral, neutral_id)
    model = {"training": NeutralTraining, "absence": NeutralAbsence,
             "conflict": NeutralConflict}[kind]
    item = db.session.get(model, item_id)
    if item is None or item.neutral_id != neutral.id:
        abort(404)
    db.session.delete(item)
    db.session.commit()
    flash("Removed.", "success")
    return redirect(url_for("program.roster_neutral", neutral_id=neutral.id))


@bp.route("/districts", methods=["GET", "POST"])
@access.require("manage_program")
def districts():
    """The district directory; a CSV import adds or renames, all or nothing."""
    org = program_org_id()
    form, errors = DistrictImportForm(), []
    if form.validate_on_submit():
        try:
            added, updated = import_districts(org, form.file.data.read())
        except DirectoryRefused as exc:
            db.session.rollback()
            errors = exc.errors
        else:
            db.session.commit()
            flash(f"Imported: {added} district(s) added, {updated} renamed.", "success")
            return redirect(url_for("program.districts"))
    page = db.paginate(access.scoped(ProgramDistrict).order_by(ProgramDistrict.region,
                                                               ProgramDistrict.name),
                       per_page=PER_PAGE * 2, error_out=False)
    return render_template("program/districts.html", form=form, errors=errors, page=page), \
        (400 if errors else 200)


@bp.route("/settings", methods=["GET", "POST"])
@access.require("manage_program")
def settings():
    """The program's rules: training, conflicts, request window, cancellation pay."""
    org = program_org_id()
    current = settings_for(org)
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        form.populate_obj(current)
        db.session.commit()
        flash("Program settings saved.", "success")
        return redirect(url_for("program.settings"))
    return render_template("program/settings.html", form=form)
