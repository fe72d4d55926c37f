"""Requests: taking them in, checking them against the program's rules, deciding, and the
case an approved request becomes (flush, never commit)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..adr.models import AdrCase, Process
from ..db import utcnow
from ..extensions import db
from ..links.services import SHORT_ALPHABET
from .models import ProgramDistrict, ProgramProcess
from .request_models import OPEN_REQUEST, ProgramRequest, RequestStatus
from .services import save_details, settings_for


class RequestError(ValueError):
    """A decision that cannot be made as asked (a sentence the coordinator can act on)."""


def _reference() -> str:
    while True:
        ref = "REQ-" + "".join(secrets.choice(SHORT_ALPHABET) for _ in range(6))
        if db.session.execute(select(ProgramRequest.id).where(
                ProgramRequest.reference == ref)).first() is None:
            return ref


def create_request(org_id: int, values: dict, *, channel: str = "online",
                   entered_by=None) -> ProgramRequest:
    """Store a request as written; a joint request needs no other agreement (flushes)."""
    district = db.session.get(ProgramDistrict, int(values["district_id"]))
    if district is None or district.organization_id != org_id:
        raise RequestError("This program does not serve that district.")
    req = ProgramRequest(organization_id=org_id, reference=_reference(), created_at=utcnow(),
                         channel=channel, entered_by_id=getattr(entered_by, "id", None),
                         **{k: v for k, v in values.items() if k != "district_id"},
                         district_id=district.id)
    req.status = RequestStatus.READY if req.requester == "both" \
        else RequestStatus.AWAITING_OTHER
    db.session.add(req)
    db.session.flush()
    return req


@dataclass
class Check:
    """One of the program's rules and whether the request meets it."""

    rule: str
    ok: bool
    detail: str


def rule_checks(req: ProgramRequest) -> list[Check]:
    """The program's rules applied to the request (shown to the coordinator before deciding)."""
    s = settings_for(req.organization_id)
    received = req.created_at.date()
    checks = []
    if s.request_window_days:
        if req.disputed_meeting_on is None:
            checks.append(Check("Request window", True, "No disputed meeting date given; the "
                                f"{s.request_window_days}-day window does not apply."))
        else:
            days = (received - req.disputed_meeting_on).days
            checks.append(Check("Request window", 0 <= days <= s.request_window_days,
                                f"Received {days} day(s) after the disputed meeting; the "
                                f"window is {s.request_window_days} days."))
    if req.process == ProgramProcess.RESOLUTION_FACILITATION:
        checks.append(Check("Process available", True, "A resolution meeting follows a due "
                            "process complaint: approving it asks for that case's reference."))
    else:
        checks.append(Check("Process available", True,
                            f"{ProgramProcess.label_of(req.process)} is open to any "
                            f"disagreement about a child's special education."))
    agreed = req.status != RequestStatus.AWAITING_OTHER
    checks.append(Check("Both parties agree", agreed,
                        "Both parties agree to take part." if agreed else
                        "Waiting for the other party's agreement (voluntary process)."))
    return checks


def record_other_party(req: ProgramRequest, agreed: bool, note: str) -> None:
    """The other party agreed (ready for a decision) or refused (the request closes)."""
    if req.status != RequestStatus.AWAITING_OTHER:
        raise RequestError("This request is not waiting for the other party.")
    req.status = RequestStatus.READY if agreed else RequestStatus.REFUSED
    req.other_party_at, req.other_party_note = utcnow(), note
    if not agreed:
        req.decided_at = utcnow()
        req.decision_reason = note
    db.session.flush()


ADR_PROCESS = {ProgramProcess.FACILITATED_IEP: Process.FACILITATED_IEP,
               ProgramProcess.MEDIATION: Process.MEDIATION}


def decide(req: ProgramRequest, decision: str, reason: str, user, dpc_case_ref: str = "",
           today: date | None = None) -> AdrCase | None:
    """Approve (the request becomes a case), decline or mark withdrawn (flushes)."""
    if req.status not in OPEN_REQUEST:
        raise RequestError("This request was already decided.")
    case = None
    if decision == "approved":
        failed = [c for c in rule_checks(req) if not c.ok]
        if failed:
            raise RequestError("It does not meet the program's rules: "
                               + "; ".join(f"{c.rule}: {c.detail}" for c in failed)
                               + " Decline it, or record the other party's agreement first.")
        case = _case_for(req, dpc_case_ref, today or utcnow().date())
        save_details(case, req.district, req.language, req.interpreter, None)
        req.case_id = case.id
    elif decision not in ("declined", "withdrawn"):
        raise RequestError("Unknown decision.")
    req.status = decision
    req.decided_at, req.decided_by_id = utcnow(), user.id
    req.decision_reason = reason
    db.session.flush()
    return case


def _case_for(req: ProgramRequest, dpc_case_ref: str, today: date) -> AdrCase:
    if req.process == ProgramProcess.RESOLUTION_FACILITATION:
        case = db.session.execute(select(AdrCase).where(
            AdrCase.organization_id == req.organization_id,
            AdrCase.case_ref == dpc_case_ref.strip())).scalar_one_or_none() \
            if dpc_case_ref.strip() else None
        if case is None or case.process not in ("due_process", "expedited_due_process"):
            raise RequestError("Give the reference of the program's due process case this "
                               "resolution meeting is about.")
        return case
    from ..adr.services import save_case

    received = req.created_at.date()
    # The request's reference names the case: no child data in the dispute-resolution record.
    return save_case(req.organization_id, {
        "case_ref": req.reference, "process": ADR_PROCESS[ProgramProcess(req.process)].value,
        "received_on": received, "school": req.school or "", "student_ref": req.reference,
        "status": "pending"})
