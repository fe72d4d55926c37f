"""A neutral records sessions; the program's rules turn them into a monthly payment request."""

from __future__ import annotations

from datetime import date

from helpers import post_form, sign_in
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.extensions import db
from facilitator.program.models import Assignment, ProgramSettings
from facilitator.program.pay import Payment, ProgramSession


def _accepted(state):
    made = Assignment(organization_id=state["org"].id, case_id=state["case"].id,
                      neutral_id=state["cruz"].id, status="accepted", attested_no_conflict=True)
    state["cruz"].rate_hour_cents, state["cruz"].rate_mile_cents = 10000, 50
    state["case"].received_on = date(2026, 10, 1)  # before the sessions below
    db.session.add_all([made, ProgramSettings(organization_id=state["org"].id,
                                              late_cancel_percent=50)])
    db.session.commit()
    return made


def test_sessions_become_the_case_outcome_and_a_payment_request(app, client, signed_in, state):
    made = _accepted(state)
    neutral = app.test_client()
    sign_in(neutral, "cruz@mediators.example")
    page = f"/program/my-cases/{made.id}/sessions"
    r = post_form(neutral, page, {"on": "2026-11-03", "kind": "held", "hours": "0",
                                  "outcome": ""}, token_from=page)
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "Say how the session ended" in html
    assert "lasted some hours" in html
    assert db.session.execute(select(ProgramSession)).first() is None
    r = post_form(neutral, page, {"on": "2026-11-03", "kind": "late_cancel", "hours": "0",
                                  "outcome": ""}, token_from=page)
    assert r.status_code == 302
    r = post_form(neutral, page, {"on": "2026-11-10", "kind": "held", "hours": "3",
                                  "miles": "40", "outcome": "full"}, token_from=page)
    assert r.status_code == 302
    case = db.session.get(AdrCase, state["case"].id)
    db.session.refresh(case)
    assert (case.status, case.held_on, case.agreement) == ("held", date(2026, 11, 10), "yes")
    amounts = db.session.execute(select(ProgramSession.amount_cents).order_by(
        ProgramSession.on)).scalars().all()
    # Late cancellation: half of the $450 fee. Held: $450 + 3 h x $100 + 40 mi x $0.50.
    assert amounts == [22500, 45000 + 30000 + 2000]

    signed_in("facilitator", org=state["org"])
    html = client.get("/program/payments?month=2026-11").get_data(as_text=True)
    assert "Cruz Delgado" in html and "$995.00" in html
    r = post_form(client, f"/program/payments/{state['cruz'].id}/approve",
                  {"month": "2026-11"}, token_from="/program/payments?month=2026-11",
                  follow_redirects=True)
    assert "Approved $995.00 for Cruz Delgado" in r.get_data(as_text=True)
    payment = db.session.execute(select(Payment)).scalar_one()
    assert (payment.amount_cents, payment.sessions) == (99500, 2)
    r = post_form(client, f"/program/payments/{state['cruz'].id}/approve",
                  {"month": "2026-11"}, token_from="/program/payments?month=2026-11",
                  follow_redirects=True)
    assert "already approved" in r.get_data(as_text=True)
    assert db.session.execute(select(db.func.count(Payment.id))).scalar_one() == 1

    # A formula in a name stays text for the finance office.
    state["cruz"].name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    csv_text = client.get("/program/payments.csv?month=2026-11").get_data(as_text=True)
    assert "'=HYPERLINK" in csv_text and "995.00" in csv_text

    # The month is closed: a late session must go through the coordinator.
    r = post_form(neutral, page, {"on": "2026-11-20", "kind": "no_show", "hours": "0",
                                  "outcome": ""}, token_from=page)
    assert r.status_code == 400 and "already approved" in r.get_data(as_text=True)


def test_another_neutrals_case_sessions_are_not_found(app, state, make_user):
    made = _accepted(state)
    other = make_user("neutral", org=state["org"], email="ana-account@mediators.example")
    state["ana"].user_id = other.id
    db.session.commit()
    c = app.test_client()
    sign_in(c, "ana-account@mediators.example")
    assert c.get(f"/program/my-cases/{made.id}/sessions").status_code == 404
    assert c.get(f"/meetings/{state['meeting'].id}").status_code == 404
