"""A parent asks the state program to destroy their child's request (34 CFR 300.624): the
request and its mail go, the case it became is kept for the 618 report without the
child's data, the program's records of it stay without their free text, a certificate
is issued; a wrong reference, a stale sign-in, another organization or a role without
the capability change nothing."""

from __future__ import annotations

import json
import time

from helpers import post_form, sign_in
from program_steps import public_request_worked
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.audit.models import AccessEntry
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.program.models import Assignment, ProgramCase
from facilitator.program.pay import ProgramSession
from facilitator.program.request_models import ProgramRequest
from facilitator.rights.models import DestructionCertificate

WORDS = "Zephyrine Quillbottom"  # the student's name: in every field the parent writes


def _holding(words: str) -> list[str]:
    """Every table that still holds ``words`` somewhere in a row."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            if words in json.dumps([str(v) for v in row]):
                found.append(table.name)
                break
    return found


def test_the_program_destroys_a_request_and_keeps_its_case_anonymized(app, client, signed_in,
                                                                     state):
    admin = signed_in("admin", org=state["org"])
    made = public_request_worked(app, client, state, WORDS)
    page, url = f"/program/requests/{made['id']}", f"/program/requests/{made['id']}/destroy"
    assert {"program_requests", "outbox_messages", "program_assignments",
            "program_sessions"} <= set(_holding(WORDS))
    assert "audit_entry_details" in _holding("parent@family.example")  # the letter's

    html = client.get(page).get_data(as_text=True)
    assert "Destroy this request's records" in html and url in html
    html = client.get(url).get_data(as_text=True)
    assert "618 report" in html and "Type the request&#39;s reference to confirm" in html

    # A wrong reference, or none: the form again, with why, and nothing changed.
    for typed, message in (("REQ-000000", "not this request&#39;s reference"),
                           ("", "This field is required")):
        r = post_form(client, url, {"reference": typed}, token_from=url)
        assert r.status_code == 400 and message in r.get_data(as_text=True), typed
        assert db.session.get(ProgramRequest, made["id"]) is not None
    # Without the password entered again: sent to sign in again, nothing changed.
    with client.session_transaction() as sess:
        sess["fresh"] = int(time.time()) - 600
    r = post_form(client, url, {"reference": made["reference"]}, token_from=page)
    assert r.status_code == 302 and "/reauth" in r.headers["Location"]
    db.session.expire_all()
    assert db.session.get(ProgramRequest, made["id"]) is not None
    with client.session_transaction() as sess:
        sess["fresh"] = int(time.time())
    # Without the CSRF token: refused.
    assert client.post(url, data={"reference": made["reference"]}).status_code == 400

    r = post_form(client, url, {"reference": made["reference"].lower()}, token_from=url)
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    reference = r.headers["Location"].rsplit("/", 1)[1]
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(ProgramRequest, made["id"]) is None
    assert _holding(WORDS) == [] and _holding("parent@family.example") == []
    assert set(_holding(made["reference"])) == {"adr_cases", "destruction_certificates"}
    case = db.session.get(AdrCase, made["case_id"])  # kept for the 618 report
    assert case.student_ref.startswith("anon-") and case.notes == ""
    assert (case.case_ref, case.process) == (made["reference"], "mediation")
    assert db.session.execute(select(OutboxMessage.id)).first() is None  # its mail, all
    kept = db.session.execute(select(ProgramCase).where(
        ProgramCase.case_id == case.id)).scalar_one()
    assert kept.district_id == state["riverside"].id and kept.language == "es"
    assignment = db.session.get(Assignment, made["assignment_id"])
    assert (assignment.neutral_id, assignment.status, assignment.reason) == (
        state["cruz"].id, "accepted", "")
    session = db.session.execute(select(ProgramSession)).scalar_one()
    assert (session.kind, session.outcome, session.amount_cents, session.note) == (
        "held", "full", 45000, "")

    cert = db.session.execute(select(DestructionCertificate)).scalar_one()
    assert (cert.reference, cert.family_id, cert.cases_anonymized, cert.files_removed) == (
        reference, None, 1, 0)
    assert cert.subject == f"Program request {made['reference']}"
    counts = dict(cert.counts)
    assert counts["Request to the state program (the requester's own words)"] == 1
    assert counts["Mail about the request (with the letter)"] == 3  # received, letter, offer
    assert counts["State program case records"] == 1 and counts["Neutral assignments"] == 1
    assert counts["Sessions of neutrals"] == 1 and counts["Rotation log entries"] == 4
    assert counts["Record-of-access details erased (the entries stay)"] == 1  # the letter's
    listing = client.get("/admin/destruction-certificates").get_data(as_text=True)
    assert reference in listing and f"Program request {made['reference']}" in listing
    html = client.get(f"/admin/destruction-certificates/{reference}").get_data(as_text=True)
    assert "<dt>Dispute-resolution cases kept without child data</dt><dd>1</dd>" in html
    entries = db.session.execute(select(AccessEntry).where(
        AccessEntry.record_kind == "program_request",
        AccessEntry.record_id == made["id"])).unique().scalars().all()
    assert [e.reference for e in entries if e.action == "destroyed"] == [reference]
    assert all(e.recipient is None for e in entries)
    assert any(e.erased_under == reference for e in entries)

    # The program's pages still load, and never show the name.
    for user, path, shown in (
            (client, "/program/requests", "Requests"),
            (client, "/program/cases", made["reference"]),
            (client, f"/program/cases/{case.id}/assignment", "Cruz Delgado"),
            (client, f"/program/payments?month={utcnow():%Y-%m}", "$450.00"),
            (client, "/program/figures", "Program figures"),
            (made["neutral"], "/program/my-cases", made["reference"])):
        r = user.get(path)
        html = r.get_data(as_text=True)
        assert r.status_code == 200, (path, html[:500])
        assert shown in html and WORDS not in html, path
    assert client.get(page).status_code == 404 and client.get(url).status_code == 404
    assert admin.id == cert.destroyed_by_id


def test_another_organization_or_role_cannot_destroy_a_request(app, client, signed_in,
                                                              make_user, make_org, state):
    coordinator = app.test_client()
    sign_in(coordinator, make_user("facilitator", org=state["org"]).email)
    made = public_request_worked(app, coordinator, state, WORDS)
    url = f"/program/requests/{made['id']}/destroy"
    # Only an admin destroys (as for a family: it cannot be undone); the coordinator who
    # works the requests does not even see the way there.
    assert coordinator.get(url).status_code == 403
    assert post_form(coordinator, url, {"reference": made["reference"]}).status_code == 403
    page = coordinator.get(f"/program/requests/{made['id']}").get_data(as_text=True)
    assert "Destroy this request" not in page
    for role, org, code in (("admin", make_org("other-state", kind="state"), 404),
                            ("analyst", state["org"], 403), ("advocate", state["org"], 403)):
        signed_in(role, org=org)
        assert client.get(url).status_code == code, role
        r = post_form(client, url, {"reference": made["reference"]})
        assert r.status_code == code, role
        post_form(client, "/logout")
    neutral = made["neutral"]
    assert neutral.get(url).status_code == 404  # out of a neutral's sight, as elsewhere
    db.session.expire_all()
    assert db.session.get(ProgramRequest, made["id"]) is not None
    assert _holding(WORDS)

    signed_in("admin", org=state["org"])
    assert "Destroy this request" in client.get(
        f"/program/requests/{made['id']}").get_data(as_text=True)
    r = post_form(client, url, {"reference": made["reference"]}, token_from=url,
                  follow_redirects=True)
    html = r.get_data(as_text=True)
    cert = db.session.execute(select(DestructionCertificate)).scalar_one()
    assert r.status_code == 200 and cert.reference in html and WORDS not in html


def test_a_declined_request_goes_with_its_letter_and_no_case_is_touched(app, client,
                                                                       signed_in, state):
    form = f"/program/{state['org'].slug}/request"
    r = post_form(app.test_client(), form, {
        "requester": "parent", "process_kind": "mediation", "contact_name": "A Parent",
        "contact_email": "parent@family.example", "student_name": WORDS,
        "district": str(state["riverside"].id), "concerns": f"{WORDS} needs help",
        "language": "es", "consent_share": "y"}, token_from=form)
    assert r.status_code == 302
    req = db.session.execute(select(ProgramRequest)).scalar_one()
    request_id, reference = req.id, req.reference
    signed_in("admin", org=state["org"])
    page = f"/program/requests/{request_id}"
    r = post_form(client, f"{page}/decision",
                  {"d-decision": "declined", "d-reason": f"Not for {WORDS}"}, token_from=page)
    assert r.status_code == 302
    cases = db.session.execute(select(AdrCase.id, AdrCase.student_ref)).all()
    assert db.session.execute(select(OutboxMessage.kind)).scalars().all() == [
        "request_received", "request_decision"]
    r = post_form(client, f"{page}/destroy", {"reference": reference}, token_from=page)
    assert r.status_code == 302
    db.session.commit()
    assert _holding(WORDS) == [] and _holding("parent@family.example") == []
    assert db.session.execute(select(AdrCase.id, AdrCase.student_ref)).all() == cases
    cert = db.session.execute(select(DestructionCertificate)).scalar_one()
    assert cert.cases_anonymized == 0
    assert dict(cert.counts)["Mail about the request (with the letter)"] == 2


def test_a_resolution_meetings_request_leaves_the_due_process_case_it_joined(
        app, client, signed_in, state):
    dpc = AdrCase(organization_id=state["org"].id, case_ref="DP-2026-009",
                  process="due_process", received_on=utcnow().date(), school_year=2026,
                  student_ref="S-DPC", notes="The hearing officer's case")
    db.session.add(dpc)
    db.session.commit()
    dpc_id = dpc.id
    form = f"/program/{state['org'].slug}/request"
    r = post_form(app.test_client(), form, {
        "requester": "both", "process_kind": "resolution_facilitation",
        "contact_name": "A Parent", "contact_email": "parent@family.example",
        "student_name": WORDS, "district": str(state["riverside"].id),
        "concerns": f"{WORDS} needs help", "language": "en", "consent_share": "y"},
        token_from=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    req = db.session.execute(select(ProgramRequest)).scalar_one()
    request_id, reference = req.id, req.reference
    signed_in("admin", org=state["org"])
    page = f"/program/requests/{request_id}"
    r = post_form(client, f"{page}/decision", {"d-decision": "approved",
                                                "d-dpc_case_ref": "DP-2026-009"},
                  token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    db.session.expire_all()
    assert db.session.get(ProgramRequest, request_id).case_id == dpc_id
    r = post_form(client, f"{page}/destroy", {"reference": reference}, token_from=page)
    assert r.status_code == 302
    db.session.commit()
    db.session.expire_all()
    assert _holding(WORDS) == [] and _holding("parent@family.example") == []
    kept = db.session.get(AdrCase, dpc_id)  # not the request's own: as it was
    assert (kept.student_ref, kept.notes) == ("S-DPC", "The hearing officer's case")
    assert db.session.execute(select(DestructionCertificate.cases_anonymized)).scalar_one() == 0
