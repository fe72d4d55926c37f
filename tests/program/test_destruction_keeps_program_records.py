"""A family's records are destroyed on request: the state program keeps its own records
of the (anonymized) case, so it can still pay its neutral, report, and show the rotation
was impartial, with every word that could describe the family erased."""

from __future__ import annotations

from datetime import date

from helpers import post_form, sign_in
from program_steps import neutral_works, propose
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.program.models import Assignment, ProgramCase, RotationEntry
from facilitator.program.pay import Payment, ProgramSession
from facilitator.program.request_models import ProgramRequest
from facilitator.rights.keep import KEPT_WITH_CASE
from facilitator.rights.models import DestructionCertificate

WORDS = "Canary Student"  # the child's name, in every free-text field below


def _the_program_works_the_case(app, coordinator, state):
    """Rotation, the neutral's acceptance (with a note), a session with a note, the month's
    payment; and the family's own request for the case. Returns the neutral's client."""
    state["case"].received_on = date(2026, 10, 1)
    db.session.add(ProgramRequest(
        organization_id=state["org"].id, reference="REQ-KEEP01", requester="parent",
        contact_name="Parent of " + WORDS, contact_email="parent@family.example",
        student_name=WORDS, district_id=state["riverside"].id, process="mediation",
        concerns=f"{WORDS} has no reading support", case_id=state["case"].id))
    db.session.commit()
    propose(coordinator, state)
    made = db.session.execute(select(Assignment)).scalar_one()
    neutral = neutral_works(app, made.id, WORDS, "2026-11-10")
    r = post_form(coordinator, f"/program/payments/{state['cruz'].id}/approve",
                  {"month": "2026-11"}, token_from="/program/payments?month=2026-11",
                  follow_redirects=True)
    assert "Approved $450.00 for Cruz Delgado" in r.get_data(as_text=True)
    return neutral


def test_the_program_keeps_its_records_of_a_destroyed_familys_case(app, client, signed_in,
                                                                   make_user, state):
    coordinator = app.test_client()
    sign_in(coordinator, make_user("facilitator", org=state["org"]).email)
    neutral = _the_program_works_the_case(app, coordinator, state)
    assignment_id = db.session.execute(select(Assignment.id)).scalar_one()
    payment_id = db.session.execute(select(Payment.id)).scalar_one()
    case_id, family_id = state["case"].id, state["family"].id
    details = db.session.execute(select(ProgramCase)).scalar_one()
    session = db.session.execute(select(ProgramSession)).scalar_one()
    log_before = db.session.execute(select(RotationEntry.id, RotationEntry.neutral_id,
                                           RotationEntry.decision, RotationEntry.at)
                                    .order_by(RotationEntry.id)).all()
    assert any(WORDS in (r or "") for r in db.session.execute(
        select(RotationEntry.reasons)).scalars())  # the neutral's note is in the log
    assert WORDS in session.note and WORDS in db.session.get(Assignment, assignment_id).reason

    signed_in("admin", org=state["org"])
    url = f"/families/{family_id}/destroy"
    done = post_form(client, url, {"student_name": WORDS}, token_from=url)
    assert done.status_code == 302, done.get_data(as_text=True)[:800]
    reference = done.headers["Location"].rsplit("/", 1)[1]
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Family, family_id) is None
    case = db.session.get(AdrCase, case_id)
    assert case.family_id is None and case.student_ref.startswith("anon-")

    # The family's own request goes; the program's records stay, their free text erased.
    assert db.session.execute(select(ProgramRequest)).first() is None
    kept = db.session.execute(select(ProgramCase)).scalar_one()
    assert (kept.id, kept.case_id, kept.district_id, kept.language) == (
        details.id, case_id, state["riverside"].id, "es")
    made = db.session.get(Assignment, assignment_id)
    assert (made.case_id, made.neutral_id, made.method, made.status, made.reason) == (
        case_id, state["cruz"].id, "rotation", "accepted", "")
    assert made.attested_no_conflict and made.proposed_at and made.responded_at
    paid = db.session.get(ProgramSession, session.id)
    assert (paid.assignment_id, paid.neutral_id, paid.on, paid.kind, paid.outcome) == (
        assignment_id, state["cruz"].id, date(2026, 11, 10), "held", "full")
    assert (paid.amount_cents, paid.payment_id, paid.note) == (45000, payment_id, "")
    payment = db.session.get(Payment, payment_id)
    assert (payment.neutral_id, payment.amount_cents, payment.sessions) == (
        state["cruz"].id, 45000, 1)
    log = db.session.execute(select(RotationEntry).order_by(RotationEntry.id)).scalars().all()
    assert [(e.id, e.neutral_id, e.decision, e.at) for e in log] == [tuple(r) for r in log_before]
    # Why each one ahead was passed over stays (vocabulary); what the neutral wrote goes.
    assert [(e.decision, e.reasons) for e in log] == [
        ("skipped", "conflict"), ("skipped", "language"), ("proposed", ""), ("accepted", "")]
    for table in KEPT_WITH_CASE:
        for row in db.session.execute(select(db.metadata.tables[table])).all():
            assert "Canary" not in repr(row), (table, row)

    cert = db.session.execute(select(DestructionCertificate).where(
        DestructionCertificate.reference == reference)).scalar_one()
    counts = dict(cert.counts)
    assert counts["State program case records"] == 1 and counts["Neutral assignments"] == 1
    assert counts["Sessions of neutrals"] == 1 and counts["Rotation log entries"] == 4
    assert counts["Requests to the state program (the family's own words)"] == 1
    assert cert.cases_anonymized == 1
    page = client.get(f"/admin/destruction-certificates/{reference}").get_data(as_text=True)
    kept_part = page.split("kept without child data (free text erased)")[1]
    assert "Rotation log entries" in kept_part and "Requests to" not in kept_part
    assert "<dt>State program records of those cases kept without child data</dt><dd>7</dd>" \
        in page

    # The program's own pages still load, with the anonymized case and what it paid; so do
    # the neutral's (the case, its sessions).
    for user, path, shown in (
            (coordinator, "/program/cases", "M-2026-001"),
            (coordinator, f"/program/cases/{case_id}/assignment", "Cruz Delgado"),
            (coordinator, "/program/payments?month=2026-11", "$450.00"),
            (coordinator, "/program/payments.csv?month=2026-11", "450.00"),
            (coordinator, "/program/figures", "Program figures"),
            (coordinator, "/program/figures.csv", "payments,2026-11,amount,450.00"),
            (neutral, "/program/my-cases", "M-2026-001"),
            (neutral, f"/program/my-cases/{assignment_id}/sessions", "$450.00")):
        r = user.get(path)
        html = r.get_data(as_text=True)
        assert r.status_code == 200, (path, html[:500])
        assert shown in html and "Canary" not in html, path
