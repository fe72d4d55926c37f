"""Requests: the public page (English and Spanish, no account), the staff's phone entry,
and the coordinator's review, decision and letter."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import access, audit, i18n
from ..auth.models import Organization, OrgKind
from ..db import utcnow
from ..documents.common import safe_filename
from ..documents.program_letter import LetterData, build_decision_letter
from ..extensions import db, limiter
from ..notify.services import idempotency_key, queue_message
from ..validation import query_arg
from ..web import attachment
from .forms import choices
from .models import ProgramDistrict
from .request_forms import NOT_LISTED, DecisionForm, OtherPartyForm, RequestForm
from .request_models import ProgramRequest, RequestStatus
from .requests import RequestError, create_request, decide, record_other_party, rule_checks
from .views import bp, program_org_id

PUBLIC_FORM = "program.request_form"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _page_language() -> str | None:
    """The reader's choice (?lang=), else, after sending, the language they chose for mail."""
    chosen = i18n.supported(request.args.get("lang"))
    if chosen is None and request.method == "POST":
        chosen = i18n.supported(request.form.get("language"))
    return chosen


for _endpoint in (PUBLIC_FORM, "program.request_sent", "program.request_programs"):
    i18n.PAGE_LANGUAGES[_endpoint] = _page_language


def _programs() -> list[Organization]:
    return list(db.session.execute(select(Organization).where(
        Organization.kind == OrgKind.STATE).order_by(Organization.name)).scalars())


def _program(slug: str) -> Organization:
    org = db.session.execute(select(Organization).where(
        Organization.slug == slug, Organization.kind == OrgKind.STATE)).scalar_one_or_none()
    if org is None:
        abort(404)
    return org


def _request_form(org_id: int) -> RequestForm:
    form = RequestForm()
    form.district.choices = choices(
        [("", _("Choose a district"))]
        + [(str(d.id), d.name) for d in db.session.execute(
            select(ProgramDistrict).where(ProgramDistrict.organization_id == org_id)
            .order_by(ProgramDistrict.name)).scalars()]
        + [(NOT_LISTED, _("My district is not listed"))])
    if request.method == "GET":
        form.language.data = i18n.current_language()
    return form


def _values(form: RequestForm) -> dict:
    return {"requester": form.requester.data, "contact_name": form.contact_name.data,
            "contact_email": form.contact_email.data or "",
            "contact_phone": form.contact_phone.data or "",
            "student_name": form.student_name.data, "student_grade": form.student_grade.data or "",
            "district_id": form.district.data, "school": form.school.data or "",
            "process": form.process_kind.data, "concerns": form.concerns.data,
            "disputed_meeting_on": form.disputed_meeting_on.data,
            "language": form.language.data, "interpreter": form.interpreter.data,
            "accessibility": form.accessibility.data or "",
            "consent_share": form.consent_share.data}


def _confirm(req: ProgramRequest, org: Organization) -> None:
    if req.contact_email:
        queue_message(organization_id=org.id, key=idempotency_key("request_received", req.id),
                      kind="request_received", recipient=req.contact_email,
                      recipient_name=req.contact_name, template="request_received",
                      language=req.language,
                      context={"reference": req.reference, "program": org.name,
                               "name": req.contact_name})


@bp.get("/request", endpoint="request_programs")
@access.public
def request_programs():
    """Which state program to ask (straight to the form when there is one)."""
    programs = _programs()
    if len(programs) == 1:
        return redirect(url_for(PUBLIC_FORM, slug=programs[0].slug,
                                lang=i18n.supported(request.args.get("lang"))))
    return render_template("program/request_programs.html", programs=programs,
                           switch_endpoint="program.request_programs", switch_args={})


@bp.route("/<slug>/request", methods=["GET", "POST"])
@access.public
@limiter.limit("20/hour", methods=["POST"])
def request_form(slug: str):
    """Ask a state program for facilitation or mediation: no account needed."""
    org = _program(slug)
    form = _request_form(org.id)
    if form.validate_on_submit():
        if form.website.data:  # only a robot fills a field nobody can see
            return redirect(url_for("program.request_sent", slug=slug))
        req = create_request(org.id, _values(form))
        _confirm(req, org)
        db.session.commit()
        session["program_request_ref"] = req.reference
        return redirect(url_for("program.request_sent", slug=slug, lang=req.language))
    return render_template("program/request_form.html", form=form, org=org,
                           switch_endpoint=PUBLIC_FORM, switch_args={"slug": slug}), \
        (400 if form.errors else 200)


@bp.get("/<slug>/request/sent")
@access.public
def request_sent(slug: str):
    """The reference of the request just sent (shown once, kept in the session)."""
    org = _program(slug)
    reference = session.get("program_request_ref")
    return render_template("program/request_sent.html", org=org, reference=reference,
                           switch_endpoint="program.request_sent", switch_args={"slug": slug})


@bp.route("/requests/new", methods=["GET", "POST"])
@access.require("manage_program")
def request_phone():
    """Enter a request taken by phone (the same questions as the public page)."""
    org = program_org_id()
    form = _request_form(org)
    if form.validate_on_submit():
        req = create_request(org, _values(form), channel="phone", entered_by=current_user)
        _confirm(req, current_user.organization)
        db.session.commit()
        flash(f"Request {req.reference} recorded; tell the caller this reference.", "success")
        return redirect(url_for("program.request_detail", request_id=req.id))
    return render_template("program/request_phone.html", form=form), \
        (400 if form.errors else 200)


@bp.get("/requests")
@access.require("manage_program")
def requests_list():
    """Requests, newest first, filtered by status."""
    program_org_id()
    status = query_arg("status", 20)
    stmt = access.scoped(ProgramRequest)
    if status in {s.value for s in RequestStatus}:
        stmt = stmt.where(ProgramRequest.status == status)
    page = db.paginate(stmt.order_by(ProgramRequest.created_at.desc(), ProgramRequest.id.desc()),
                       per_page=50, error_out=False)
    return render_template("program/requests.html", page=page, status=status)


def _detail(req: ProgramRequest, code: int = 200, problem: str = "", **forms):
    return render_template(
        "program/request.html", req=req, checks=rule_checks(req), problem=problem,
        other_form=forms.get("other_form") or OtherPartyForm(prefix="p"),
        decision_form=forms.get("decision_form") or DecisionForm(prefix="d")), code


@bp.get("/requests/<int:request_id>")
@access.require("manage_program")
def request_detail(request_id: int):
    """One request as written, the program's rules applied to it, and the decision forms."""
    program_org_id()
    req = access.get_or_404(ProgramRequest, request_id)
    audit.record(audit.Action.VIEWED, audit.RecordKind.PROGRAM_REQUEST, req.id)
    db.session.commit()
    return _detail(req)


@bp.post("/requests/<int:request_id>/other-party")
@access.require("manage_program")
def request_other_party(request_id: int):
    """Record the other party's agreement, or their refusal (which closes the request)."""
    program_org_id()
    req = access.get_or_404(ProgramRequest, request_id)
    form = OtherPartyForm(prefix="p")
    if form.validate_on_submit():
        try:
            record_other_party(req, form.answer.data == "agreed", form.note.data)
        except RequestError as exc:
            db.session.rollback()
            return _detail(req, 400, str(exc), other_form=form)
        else:
            if req.status == RequestStatus.REFUSED:
                _send_letter(req)
            db.session.commit()
            flash("Recorded." + (" The request is closed and the letter is in the outbox."
                                 if req.status == RequestStatus.REFUSED else ""), "success")
            return redirect(url_for("program.request_detail", request_id=req.id))
    db.session.rollback()
    return _detail(req, 400, other_form=form)


def _letter(req: ProgramRequest) -> LetterData:
    org = db.session.get(Organization, req.organization_id)
    return LetterData(language=req.language, program_name=org.name, reference=req.reference,
                      requester_name=req.contact_name, process=req.process,
                      received_on=req.created_at.date(),
                      sent_on=(req.decided_at or utcnow()).date(), decision=req.status,
                      reason=req.decision_reason)


def _send_letter(req: ProgramRequest) -> None:
    if not req.contact_email:
        return
    data = build_decision_letter(_letter(req))
    queue_message(organization_id=req.organization_id,
                  key=idempotency_key("request_decision", req.id), kind="request_decision",
                  recipient=req.contact_email, recipient_name=req.contact_name,
                  template="request_decision", language=req.language,
                  context={"reference": req.reference, "name": req.contact_name,
                           "approved": req.status == RequestStatus.APPROVED},
                  attachment=(safe_filename("letter", req.reference), DOCX, data),
                  case_id=req.case_id)
    audit.record(audit.Action.DISCLOSED, audit.RecordKind.PROGRAM_REQUEST, req.id,
                 recipient=req.contact_email, purpose="The program's answer to the request")


@bp.post("/requests/<int:request_id>/decision")
@access.require("manage_program")
def request_decision(request_id: int):
    """Approve (a case opens, ready for a neutral), decline or mark withdrawn; mail the letter."""
    program_org_id()
    req = access.get_or_404(ProgramRequest, request_id)
    form = DecisionForm(prefix="d")
    if form.validate_on_submit():
        try:
            case = decide(req, form.decision.data, form.reason.data or "", current_user,
                          form.dpc_case_ref.data or "")
        except RequestError as exc:
            db.session.rollback()
            return _detail(req, 400, str(exc), decision_form=form)
        else:
            _send_letter(req)
            db.session.commit()
            if case is not None:
                flash(f"Approved: case {case.case_ref} is open. Assign a neutral now.",
                      "success")
                return redirect(url_for("program.assignment", case_id=case.id))
            flash(f"Request {RequestStatus.label_of(req.status).lower()}; the letter is in "
                  f"the outbox.", "success")
            return redirect(url_for("program.request_detail", request_id=req.id))
    db.session.rollback()
    return _detail(req, 400, decision_form=form)


@bp.get("/requests/<int:request_id>/letter.docx")
@access.require("manage_program")
def request_letter(request_id: int):
    """The decision letter as a Word file, in the requester's language."""
    program_org_id()
    req = access.get_or_404(ProgramRequest, request_id)
    if req.decided_at is None:
        abort(404)
    audit.record(audit.Action.DOWNLOADED, audit.RecordKind.PROGRAM_REQUEST, req.id)
    db.session.commit()
    return attachment(build_decision_letter(_letter(req)),
                      safe_filename("letter", req.reference), DOCX)
