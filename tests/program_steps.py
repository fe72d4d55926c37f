"""Steps of the state program's tests that more than one file takes: the coordinator
proposes a neutral by rotation, the neutral accepts from the mailed link."""

from __future__ import annotations

import re

from helpers import post_form, sign_in
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.program.models import Assignment
from facilitator.program.request_models import ProgramRequest


def propose(client, state):
    case = state["case"]
    page = f"/program/cases/{case.id}/assignment"
    r = post_form(client, f"{page}/details", {"d-district": str(state["riverside"].id),
                                              "d-language": "es"}, token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)
    return post_form(client, f"{page}/propose", token_from=page, follow_redirects=True)


def accept_by_link(app, client, state):
    body = db.session.execute(select(OutboxMessage.body).where(
        OutboxMessage.kind == "neutral_offer")).scalar_one()
    link = re.search(r"https?://\S+/program/offer/(\S+)", body)
    assert link, body
    post_form(client, "/logout")  # the link needs no sign-in
    anon = app.test_client()
    if True:
        page = f"/program/offer/{link.group(1)}"
        html = anon.get(page).get_data(as_text=True)
        assert "Will you take case M-2026-001" in html and "Canary" not in html
        r = post_form(anon, page, {"answer": "accepted"}, token_from=page)
        assert "confirm that you have no conflict" in r.get_data(as_text=True)
        r = post_form(anon, page, {"answer": "accepted", "attest": "y"}, token_from=page)
        assert "You accepted the case" in r.get_data(as_text=True)
        assert anon.get(page).status_code == 404  # used up
    return link.group(1)


def public_request_worked(app, coordinator, state, words: str) -> dict:
    """A parent sends a request through the public page with ``words`` (a unique student
    name) in every field they write; the coordinator (signed in on ``coordinator``)
    reads it, approves it with a reason, proposes a neutral by rotation; the neutral
    (Cruz, who has an account) accepts with a reason and records a session with a note.
    Returns the request's id and reference, the case's id, the assignment's id and the
    neutral's client."""
    form = f"/program/{state['org'].slug}/request"
    parent = app.test_client()
    r = post_form(parent, form, {
        "requester": "both", "process_kind": "mediation", "contact_name": f"Parent of {words}",
        "contact_email": "parent@family.example", "contact_phone": "555-0100",
        "student_name": words, "student_grade": "4", "district": str(state["riverside"].id),
        "school": "Lincoln Elementary", "concerns": f"{words} has had no reading support",
        "language": "en", "accessibility": f"{words} uses a wheelchair",
        "consent_share": "y"}, token_from=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    req = db.session.execute(select(ProgramRequest).order_by(ProgramRequest.id.desc())
                             ).scalars().first()
    page = f"/program/requests/{req.id}"
    assert words in coordinator.get(page).get_data(as_text=True)
    r = post_form(coordinator, f"{page}/decision",
                  {"d-decision": "approved", "d-reason": f"Approved for {words}"},
                  token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    case = db.session.execute(select(AdrCase).where(AdrCase.case_ref == req.reference)
                              ).scalar_one()
    case_id = case.id
    assert propose(coordinator, {**state, "case": case}).status_code == 200
    made = db.session.execute(select(Assignment).where(Assignment.case_id == case_id)
                              ).scalar_one()
    assert made.neutral_id == state["cruz"].id  # Ana: conflict; Ben: no Spanish
    neutral = neutral_works(app, made.id, words, utcnow().date().isoformat())
    return {"id": req.id, "reference": req.reference, "case_id": case_id,
            "assignment_id": made.id, "neutral": neutral}


def neutral_works(app, assignment_id: int, words: str, on: str):
    """Cruz accepts the offer (with ``words`` in the reason) and records a held session
    on ``on`` (with ``words`` in the note); returns Cruz's client."""
    neutral = app.test_client()
    sign_in(neutral, "cruz@mediators.example")
    page = f"/program/my-cases/offers/{assignment_id}"
    r = post_form(neutral, page, {"answer": "accepted", "attest": "y",
                                  "reason": f"I once met {words}'s aunt"}, token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    page = f"/program/my-cases/{assignment_id}/sessions"
    r = post_form(neutral, page, {"on": on, "kind": "held", "hours": "2", "miles": "0",
                                  "outcome": "full", "note": f"{words}'s mother cried"},
                  token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    return neutral
