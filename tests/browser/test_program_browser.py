"""The state program in a real Chromium: a parent's request in Spanish by keyboard alone, the
coordinator's approval, an assignment that passes over the conflicted neutral with the reason
logged, the neutral's mailed link and restricted view, a session and its payment approved."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from helpers import assert_no_axe_violations, wait_for_js
from keyboard import Keyboard
from program.conftest import state  # noqa: F401 - the program's fixture, shared
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.program.models import Assignment
from facilitator.program.pay import Payment, ProgramSession
from facilitator.program.request_models import ProgramRequest
from facilitator.program.requests import create_request

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_parent_asks_in_spanish_by_keyboard_alone(page, live_server, state):  # noqa: F811
    kb = Keyboard(page, live_server.url)
    page.goto(live_server.url + "/program/state-program/request?lang=es")
    kb.arrived()  # zero axe violations, sound labels
    assert page.locator("h1").inner_text() == "Pedir facilitación o mediación"
    assert page.locator("html").get_attribute("lang") == "es"
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "program-request-es.png"), full_page=True)
    page.keyboard.press("Tab")  # the skip link, in Spanish
    assert "Ir al contenido principal" in kb.focused()
    page.keyboard.press("Enter")
    kb.press(page.locator("#requester-0"), "Space")
    kb.press(page.locator("#process_kind-0"), "ArrowDown")  # to "Mediación", checked
    kb.type_into(page.locator("#contact_name"), "María Herrera")
    kb.type_into(page.locator("#contact_email"), "maria@example.org")
    kb.type_into(page.locator("#student_name"), "Mateo Herrera")
    kb.choose(page.locator("#district"), "Riverside USD")
    kb.type_into(page.locator("#concerns"), "Mi hijo no recibe el apoyo de lectura acordado.")
    kb.press(page.locator("#consent_share"), "Space")
    kb.follow(page.get_by_role("button", name="Enviar mi solicitud"))  # axe on arrival
    assert "Gracias: recibimos su solicitud" in page.content()
    req = db.session.execute(select(ProgramRequest)).scalar_one()
    assert (req.language, req.process, req.requester) == ("es", "mediation", "parent")
    assert req.reference in page.locator("main").inner_text()
    assert req.status == "awaiting_other" and req.district_id == state["riverside"].id
    mail = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "request_received")).scalar_one()
    assert mail.recipient == "maria@example.org" and req.reference in mail.body


def test_the_coordinator_approves_a_request(page, live_server, browser_sign_in, state,  # noqa: F811
                                            make_user):
    req = create_request(state["org"].id, {
        "requester": "both", "contact_name": "María Herrera", "contact_email": "m@example.org",
        "contact_phone": "", "student_name": "Mateo Herrera", "student_grade": "4",
        "district_id": state["hill"].id, "school": "Hill Elementary", "process": "mediation",
        "concerns": "Reading support.", "disputed_meeting_on": None, "language": "es",
        "interpreter": False, "accessibility": "", "consent_share": True})
    db.session.commit()
    coordinator = make_user("facilitator", org=state["org"])
    browser_sign_in(page, coordinator.email)
    page.goto(f"{live_server.url}/program/requests/{req.id}")
    assert_no_axe_violations(page)
    page.get_by_label("Decision").select_option("approved")
    page.get_by_label("Reason (goes in the letter)").fill("Both parties agree.")
    page.get_by_role("button", name="Decide and send the letter").click()
    page.wait_for_url(re.compile(r".*/program/cases/\d+/assignment$"))
    assert "Approved: case " + req.reference in page.content()
    assert_no_axe_violations(page)
    db.session.commit()  # end the test's read snapshot: see what the server wrote
    req = db.session.get(ProgramRequest, req.id)
    assert req.status == "approved" and req.case_id is not None
    letter = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "request_decision")).scalar_one()
    assert letter.language == "es" and letter.recipient == "m@example.org"


def test_assignment_link_restricted_view_session_and_payment(
        page, live_server, browser_sign_in, state, make_user):  # noqa: F811
    other = state["other_meeting"]
    coordinator = make_user("facilitator", org=state["org"])
    browser_sign_in(page, coordinator.email)
    case = state["case"]
    page.goto(f"{live_server.url}/program/cases/{case.id}/assignment")
    page.locator("#d-district").select_option(str(state["riverside"].id))
    page.locator("#d-language").select_option("es")
    page.get_by_role("button", name="Save case details").click()
    page.get_by_role("button", name="Propose the next neutral in rotation").click()
    page.wait_for_load_state()
    assert "Proposed Cruz Delgado" in page.content()
    log = page.get_by_role("table", name="Every neutral proposed, passed over or answering")
    rows = [r.inner_text() for r in log.locator("tbody tr").all()]
    assert "Ana Ruiz" in rows[0] and "Passed over" in rows[0] \
        and "Conflict with this district" in rows[0]
    assert "Ben Okafor" in rows[1] and "language" in rows[1]
    assert "Cruz Delgado" in rows[2] and "Proposed" in rows[2]
    assert_no_axe_violations(page)
    page.screenshot(path=str(DOCS / "program-assignment-log.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()

    # The neutral follows the link in the offer's mail (no sign-in) and accepts.
    db.session.commit()
    body = db.session.execute(select(OutboxMessage.body).where(
        OutboxMessage.kind == "neutral_offer")).scalar_one()
    link = re.search(r"https?://\S+(/program/offer/\S+)", body).group(1)
    page.goto(live_server.url + link)
    assert_no_axe_violations(page)
    page.get_by_label("Your answer").select_option("accepted")
    page.get_by_label(re.compile("I have no personal or professional interest")).check()
    page.get_by_role("button", name="Send my answer").click()
    assert "You accepted the case" in page.content()

    # Signed in, the neutral sees this case's meeting and nothing of another family.
    from helpers import PASSWORD

    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("cruz@mediators.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("M-2026-001").first.wait_for()  # the neutral's home lists the case
    assert page.goto(f"{live_server.url}/meetings/{state['meeting'].id}").status == 200
    assert_no_axe_violations(page)
    assert page.goto(f"{live_server.url}/meetings/{other.id}").status == 404
    assert page.goto(f"{live_server.url}/program/figures").status in (403, 404)

    db.session.commit()
    made = db.session.execute(select(Assignment)).scalar_one()
    page.goto(f"{live_server.url}/program/my-cases/{made.id}/sessions")
    today = date.today()
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("What happened").select_option("held")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("How it ended").select_option("full")
    page.get_by_role("button", name="Record").click()
    assert "Session recorded." in page.content()
    assert_no_axe_violations(page)
    db.session.commit()
    assert db.session.execute(select(ProgramSession.kind)).scalar_one() == "held"
    page.get_by_role("button", name="Sign out").click()

    # The coordinator approves the month's payment request.
    browser_sign_in(page, coordinator.email)
    page.goto(f"{live_server.url}/program/payments?month={today.strftime('%Y-%m')}")
    assert_no_axe_violations(page)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "Approved $450.00 for Cruz Delgado" in page.content()
    db.session.commit()
    assert db.session.execute(select(Payment.amount_cents)).scalar_one() == 45000


def test_the_figures_page_for_an_analyst_of_the_program(page, live_server):
    from facilitator import demo

    demo.load()
    db.session.commit()
    page.goto(live_server.url + "/login")
    page.get_by_label("Email").fill("analyst@stateprogram.example")
    page.get_by_label("Password").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("link", name="Program figures").click()
    # Chart.js drew both charts from the JSON block (no inline script under the CSP).
    wait_for_js(page, "() => window.Chart && Chart.getChart('requests-chart') && "
                           "Chart.getChart('payments-chart')")
    assert_no_axe_violations(page)
    page.screenshot(path=str(DOCS / "program-figures.png"), full_page=True)
    table = page.get_by_role("table", name="Requests by status (data)")
    table.get_by_role("row").filter(has_text="Declined").get_by_role("link").click()
    assert "REQ-" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.go_back()
    page.get_by_role("table", name="By neutral", exact=True).get_by_role("link").first.click()
    assert page.locator("main table tbody tr").count() >= 1
    assert_no_axe_violations(page)
