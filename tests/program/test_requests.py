"""Requests without an account: the public page in English and Spanish, the checks at the door,
the coordinator's rules, the other party's answer, the decision and its letter."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import docx
from helpers import post_form
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.program.models import ProgramCase, ProgramSettings
from facilitator.program.request_models import ProgramRequest

FORM = "/program/state-program/request"


def _answers(state, **over):
    data = {"requester": "parent", "process_kind": "mediation", "contact_name": "Lucía Pérez",
            "contact_email": "lucia@example.org", "student_name": "Canary Child",
            "district": str(state["riverside"].id), "concerns": "No reading support since May.",
            "language": "es", "consent_share": "y"}
    return {**data, **over}


def test_the_public_page_speaks_spanish_and_checks_every_field_at_the_door(client, state):
    html = client.get(f"{FORM}?lang=es").get_data(as_text=True)
    assert "Pedir facilitación o mediación" in html and "Riverside USD" in html
    assert 'lang="es"' in html
    r = post_form(client, f"{FORM}?lang=es", {"district": "not-listed", "consent_share": ""},
                  token_from=f"{FORM}?lang=es")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    for message in ("Elija quién hace la solicitud", "Escriba su nombre",
                    "Este programa atiende solo a los distritos de la lista",
                    "Necesitamos su acuerdo", "Indique un correo electrónico o un número"):
        assert message in html, message
    assert db.session.execute(select(ProgramRequest)).first() is None


def test_a_parent_sends_a_request_gets_a_reference_and_a_spanish_confirmation(client, state):
    r = post_form(client, f"{FORM}?lang=es", _answers(state), token_from=f"{FORM}?lang=es")
    assert r.status_code == 302, re.findall(r'error-message[^>]*>([^<]*)', r.get_data(True))
    r = client.get(r.location)
    req = db.session.execute(select(ProgramRequest)).scalar_one()
    html = r.get_data(as_text=True)
    assert f"Su número de referencia es {req.reference}" in html
    assert req.status == "awaiting_other" and req.channel == "online"
    assert req.concerns == "No reading support since May."  # kept as written
    mail = db.session.execute(select(OutboxMessage)).scalar_one()
    assert mail.language == "es" and req.reference in mail.subject
    assert "Recibimos su solicitud" in mail.subject and "Canary" not in mail.subject
    # The reference is not in any address.
    assert req.reference not in r.request.url


def test_a_robot_that_fills_the_hidden_field_stores_nothing(client, state):
    r = post_form(client, FORM, _answers(state, website="http://spam.example"),
                  token_from=FORM)
    assert r.status_code == 302
    assert db.session.execute(select(ProgramRequest)).first() is None


def test_too_many_requests_from_one_address_are_refused(client, state):
    for _ in range(20):
        post_form(client, FORM, {"contact_name": ""}, token_from=FORM)
    assert post_form(client, FORM, _answers(state), token_from=FORM).status_code == 429


def _send(client, state, **over):
    post_form(client, FORM, _answers(state, **over), token_from=FORM)
    return db.session.execute(select(ProgramRequest).order_by(ProgramRequest.id.desc())
                              ).scalars().first()


def test_the_other_party_refuses_and_the_request_closes_with_a_letter(client, signed_in,
                                                                      state):
    req = _send(client, state)
    signed_in("facilitator", org=state["org"])
    page = f"/program/requests/{req.id}"
    assert "Waiting for the other party" in client.get(page).get_data(as_text=True)
    r = post_form(client, f"{page}/other-party", {"p-answer": "refused", "p-note": ""},
                  token_from=page)
    assert r.status_code == 400
    r = post_form(client, f"{page}/other-party",
                  {"p-answer": "refused", "p-note": "District declined by phone, 3 Dec."},
                  token_from=page)
    assert r.status_code == 302
    db.session.refresh(req)
    assert req.status == "refused"
    letter = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "request_decision")).scalar_one()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(letter.attachment)).paragraphs)
    assert "La otra parte no aceptó participar" in text and req.reference in text


def test_approval_opens_a_case_ready_for_assignment(client, signed_in, state):
    req = _send(client, state, requester="both", language="en")
    signed_in("facilitator", org=state["org"])
    page = f"/program/requests/{req.id}"
    r = post_form(client, f"{page}/decision", {"d-decision": "declined", "d-reason": ""},
                  token_from=page)
    assert r.status_code == 400 and "Give the reason" in r.get_data(as_text=True)
    r = post_form(client, f"{page}/decision", {"d-decision": "approved"}, token_from=page)
    case = db.session.execute(select(AdrCase).where(AdrCase.case_ref == req.reference)
                              ).scalar_one()
    assert r.location.endswith(f"/program/cases/{case.id}/assignment")
    assert case.process == "mediation" and case.status == "pending"
    assert "Canary" not in case.case_ref + case.student_ref  # no child data in the case record
    details = db.session.execute(select(ProgramCase)).scalar_one()
    assert details.district_id == state["riverside"].id and details.language == "en"
    letter = client.get(f"{page}/letter.docx")
    assert letter.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(letter.data)).paragraphs)
    assert "We have approved your request" in text
    # Decided once only.
    r = post_form(client, f"{page}/decision", {"d-decision": "approved"}, token_from=page)
    assert r.status_code == 400 and "already decided" in r.get_data(as_text=True)


def test_a_request_outside_the_window_cannot_be_approved(client, signed_in, state):
    db.session.add(ProgramSettings(organization_id=state["org"].id, request_window_days=10))
    db.session.commit()
    old = (utcnow() - timedelta(days=20)).date().isoformat()
    req = _send(client, state, requester="both", disputed_meeting_on=old)
    signed_in("facilitator", org=state["org"])
    page = f"/program/requests/{req.id}"
    assert "Request window: not met" in client.get(page).get_data(as_text=True)
    r = post_form(client, f"{page}/decision", {"d-decision": "approved"}, token_from=page)
    assert r.status_code == 400 and "the window is 10 days" in r.get_data(as_text=True)
    assert db.session.execute(select(AdrCase).where(AdrCase.case_ref == req.reference)
                              ).first() is None


def test_staff_enter_a_request_taken_by_phone(client, signed_in, state):
    user = signed_in("facilitator", org=state["org"])
    r = post_form(client, "/program/requests/new", _answers(state, contact_email="",
                                                            contact_phone="555-0100"),
                  token_from="/program/requests/new")
    assert r.status_code == 302
    req = db.session.execute(select(ProgramRequest)).scalar_one()
    assert req.channel == "phone" and req.entered_by_id == user.id
