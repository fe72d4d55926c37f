"""Assigning a neutral to a case: the next eligible one in rotation, or the parties' choice,
with the log that shows an auditor every neutral passed over and why."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import access
from ..adr.models import AdrCase
from ..extensions import db
from ..links import services as links
from ..notify.services import idempotency_key, queue_message
from .forms import CaseDetailsForm, ChooseForm, ObjectForm, choices
from .models import (
    OPEN_ASSIGNMENT,
    Assignment,
    AssignmentStatus,
    Neutral,
    ProgramDistrict,
    RotationEntry,
)
from .rotation import choose, eligible, propose, respond
from .services import details_for, need_for, save_details
from .views import bp, program_org_id

#: An offer's link works this long.
OFFER_VALID = timedelta(days=14)
ASSIGNABLE = ("facilitated_iep", "mediation", "due_process", "expedited_due_process")


@bp.get("/cases")
@access.require("manage_program")
def cases():
    """Open cases and who is assigned to each (or that nobody is yet)."""
    program_org_id()
    stmt = access.scoped(AdrCase).where(AdrCase.closed_on.is_(None),
                                        AdrCase.process.in_(ASSIGNABLE))
    page = db.paginate(stmt.order_by(AdrCase.received_on.desc(), AdrCase.id.desc()),
                       per_page=50, error_out=False)
    ids = [c.id for c in page.items]
    current = {a.case_id: a for a in db.session.execute(
        select(Assignment).where(Assignment.case_id.in_(ids),
                                 Assignment.status.in_([s.value for s in OPEN_ASSIGNMENT]))
    ).scalars()}
    return render_template("program/cases.html", page=page, current=current)


def _details_form(org: int, case: AdrCase) -> CaseDetailsForm:
    details = details_for(case)
    form = CaseDetailsForm(prefix="d")
    form.district.choices = choices([("", "Choose the district")] + [
        (str(d.id), f"{d.name} ({d.code}) — {d.region or 'no region'}")
        for d in db.session.execute(select(ProgramDistrict).where(
            ProgramDistrict.organization_id == org).order_by(ProgramDistrict.name)).scalars()])
    if request.method == "GET" and details is not None:
        form.district.data = str(details.district_id)
        form.language.data, form.interpreter.data = details.language, details.interpreter
        form.session_on.data = details.session_on
    return form


def _page(case: AdrCase, status: int = 200, **forms):
    org = case.organization_id
    details = details_for(case)
    options = eligible(org, case.id, need_for(case, details)) if details else []
    names = {n.id: n for n in db.session.execute(select(Neutral).where(
        Neutral.organization_id == org)).scalars()}
    choose_form = forms.pop("choose_form", None) or ChooseForm(prefix="c")
    choose_form.neutral.choices = choices([(str(f.neutral_id), names[f.neutral_id].name)
                                           for f, reasons in options if not reasons])
    log = db.session.execute(select(RotationEntry).where(RotationEntry.case_id == case.id)
                             .order_by(RotationEntry.id)).scalars().all()
    assignments = db.session.execute(select(Assignment).where(Assignment.case_id == case.id)
                                     .order_by(Assignment.id)).scalars().all()
    return render_template(
        "program/assignment.html", case=case, details=details, options=options, names=names,
        log=log, assignments=assignments,
        details_form=forms.pop("details_form", None) or _details_form(org, case),
        choose_form=choose_form,
        object_form=forms.pop("object_form", None) or ObjectForm(prefix="o")), status


def _assignable(case_id: int) -> AdrCase:
    program_org_id()
    case = access.get_or_404(AdrCase, case_id)
    if case.process not in ASSIGNABLE:
        from flask import abort
        abort(404)
    return case


@bp.get("/cases/<int:case_id>/assignment")
@access.require("manage_program")
def assignment(case_id: int):
    """A case's neutral: the eligible list with reasons, the current offer and the log."""
    return _page(_assignable(case_id))


@bp.post("/cases/<int:case_id>/assignment/details")
@access.require("manage_program")
def assignment_details(case_id: int):
    """Set the district, language, interpreter and session date the rotation checks."""
    case = _assignable(case_id)
    form = _details_form(case.organization_id, case)
    if form.validate_on_submit() and form.district.data:
        district = access.get_or_404(ProgramDistrict, form.district.data)
        save_details(case, district, form.language.data, form.interpreter.data,
                     form.session_on.data)
        db.session.commit()
        flash("Case details saved.", "success")
        return redirect(url_for("program.assignment", case_id=case.id))
    if not form.errors:
        form.district.errors = ["Choose the district the case is about."]
    db.session.rollback()
    return _page(case, 400, details_form=form)


def _offer(assignment: Assignment) -> None:
    """Mail the neutral an offer with a link to accept or decline (in the outbox)."""
    neutral = db.session.get(Neutral, assignment.neutral_id)
    if not neutral.email:
        return
    link, token = links.issue("neutral_assignment", organization_id=assignment.organization_id,
                              subject_kind="program_assignment", subject_id=assignment.id,
                              valid_for=OFFER_VALID, single_use=True, created_by=current_user)
    case = db.session.get(AdrCase, assignment.case_id)
    queue_message(organization_id=assignment.organization_id,
                  key=idempotency_key("neutral_offer", assignment.id), kind="neutral_offer",
                  recipient=neutral.email, recipient_name=neutral.name,
                  template="staff/neutral_offer", case_id=case.id,
                  context={"name": neutral.name, "case_ref": case.case_ref,
                           "process": case.process.replace("_", " "),
                           "link": links.url("program.neutral_offer", token),
                           "days": OFFER_VALID.days})


def _no_open_assignment(case: AdrCase) -> bool:
    return db.session.execute(select(Assignment.id).where(
        Assignment.case_id == case.id,
        Assignment.status.in_([s.value for s in OPEN_ASSIGNMENT]))).first() is None


@bp.post("/cases/<int:case_id>/assignment/propose")
@access.require("manage_program")
def assignment_propose(case_id: int):
    """Propose the next eligible neutral in rotation and send them the offer."""
    case = _assignable(case_id)
    details = details_for(case)
    if details is None:
        flash("First set the case's district and language.", "error")
        return redirect(url_for("program.assignment", case_id=case.id))
    if not _no_open_assignment(case):
        flash("This case already has a neutral. Record an objection or a decline first.",
              "error")
        return redirect(url_for("program.assignment", case_id=case.id))
    made = propose(case.organization_id, case.id, need_for(case, details), user=current_user)
    if made is None:
        db.session.commit()  # the log of everyone passed over is kept
        flash("Nobody on the roster can take this case now; the log says why for each.",
              "error")
    else:
        _offer(made)
        db.session.commit()
        flash(f"Proposed {made.neutral.name}; the offer is in the outbox.", "success")
    return redirect(url_for("program.assignment", case_id=case.id))


@bp.post("/cases/<int:case_id>/assignment/choose")
@access.require("manage_program")
def assignment_choose(case_id: int):
    """Record the parties' joint choice of an eligible neutral and send the offer."""
    case = _assignable(case_id)
    details = details_for(case)
    form = ChooseForm(prefix="c")
    if details is None or not _no_open_assignment(case):
        flash("Set the case's details, and end the current assignment, first.", "error")
        return redirect(url_for("program.assignment", case_id=case.id))
    if form.validate_on_submit():
        neutral = access.get_or_404(Neutral, form.neutral.data)
        try:
            made = choose(case.organization_id, case.id, neutral.id, need_for(case, details),
                          user=current_user)
        except ValueError as exc:
            form.neutral.errors = [str(exc)]
        else:
            _offer(made)
            db.session.commit()
            flash(f"Recorded the parties' choice: {neutral.name}.", "success")
            return redirect(url_for("program.assignment", case_id=case.id))
    db.session.rollback()
    return _page(case, 400, choose_form=form)


@bp.post("/cases/<int:case_id>/assignment/<int:assignment_id>/object")
@access.require("manage_program")
def assignment_object(case_id: int, assignment_id: int):
    """Record a party's objection to the neutral; the case goes back to the rotation."""
    case = _assignable(case_id)
    made = access.get_or_404(Assignment, assignment_id, case_id=case.id)
    form = ObjectForm(prefix="o")
    if form.validate_on_submit():
        try:
            respond(made, AssignmentStatus.OBJECTED,
                    reason=f"{form.party.data}: {form.reason.data}", user=current_user)
        except ValueError as exc:
            form.reason.errors = [str(exc)]
        else:
            links.revoke_all("program_assignment", made.id)
            db.session.commit()
            flash("Objection recorded. Propose the next neutral in rotation.", "success")
            return redirect(url_for("program.assignment", case_id=case.id))
    db.session.rollback()
    return _page(case, 400, object_form=form)
