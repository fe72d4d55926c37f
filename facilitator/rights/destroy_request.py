"""Destroying a request to a state program on a parent's request (34 CFR 300.624).

A state dispute-resolution program takes requests from families who have no family
record here: the request (requester, contact, the student's name and grade, school,
concerns in the family's words...) and, once approved, the case it became. Destroying
one runs the family destruction's machinery (destroy.destroy) from the request: the
request row goes, with its mail (the confirmation and the decision letter, found by
their idempotency keys: they name the requester) and every row a foreign key leads from
it; the case it became is kept for the 618 report, anonymized like a family's, and the
program's records of that case (keep.KEPT_WITH_CASE) stay with their free text erased.
A resolution meeting's request joins a due process case that is not its own: that case
is left as it is. The record of access keeps its entries; the details of those about the
request (the letter's recipient) are erased under the certificate's reference. Letters
are built on the fly: a request has no stored file.
"""

from __future__ import annotations

from sqlalchemy import and_

from ..extensions import db
from ..notify.services import idempotency_key
from ..program.models import ProgramProcess
from ..program.request_models import MAIL_KINDS, ProgramRequest
from .destroy import Subject, destroy
from .models import DestructionCertificate

LABELS = {
    "program_requests": "Request to the state program (the requester's own words)",
    "outbox_messages": "Mail about the request (with the letter)",
}


def request_subject(req: ProgramRequest) -> Subject:
    """What destroying ``req`` starts from: the request, its mail, the case it became."""
    org_id, request_id = req.organization_id, req.id
    requests, outbox = (db.metadata.tables[n] for n in ("program_requests", "outbox_messages"))
    # The case the request became (a resolution meeting's request joined a due process
    # case of its own: that case is not the request's).
    own_case = req.case_id and req.process != ProgramProcess.RESOLUTION_FACILITATION
    keys = [idempotency_key(kind, request_id) for kind in MAIL_KINDS]
    seeds = {"program_requests": and_(requests.c.id == request_id,
                                      requests.c.organization_id == org_id),
             "outbox_messages": and_(outbox.c.organization_id == org_id,
                                     outbox.c.idempotency_key.in_(keys))}
    return Subject(org_id=org_id, seeds=seeds, case_ids=[req.case_id] if own_case else [],
                   record=("program_request", request_id),
                   subject=f"Program request {req.reference}", labels=LABELS)


def destroy_request(req: ProgramRequest, user) -> DestructionCertificate:
    """Delete ``req`` and what hangs from it, anonymize the case it became, issue the
    certificate. Flushes, never commits; run scrub_after_commit after the commit."""
    return destroy(request_subject(req), user)
