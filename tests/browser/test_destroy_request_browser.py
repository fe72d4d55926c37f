"""A state program's administrator destroys a request on the parent's request, in Chromium:
the request's page, the confirmation page (what goes, what stays), a wrong reference
refused, then the certificate; no axe violations on any of them."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import assert_no_axe_violations
from program.conftest import state  # noqa: F401 - the program's fixture, shared
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.program.request_models import ProgramRequest
from facilitator.program.requests import create_request, decide
from facilitator.rights.models import DestructionCertificate

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_an_admin_destroys_a_request_from_its_page(page, live_server, browser_sign_in,
                                                   state, make_user):  # noqa: F811
    admin = make_user("admin", org=state["org"])
    req = create_request(state["org"].id, {
        "requester": "both", "contact_name": "Marta Vidal", "contact_email": "m@example.org",
        "contact_phone": "", "student_name": "Pablo Vidal", "student_grade": "4",
        "district_id": state["hill"].id, "school": "Hill Elementary", "process": "mediation",
        "concerns": "Pablo Vidal has no reading support.", "disputed_meeting_on": None,
        "language": "en", "interpreter": False, "accessibility": "", "consent_share": True})
    decide(req, "approved", "", admin)
    request_id, reference = req.id, req.reference
    db.session.commit()
    browser_sign_in(page, admin.email)
    page.goto(f"{live_server.url}/program/requests/{request_id}")
    page.get_by_role("link", name="Destroy this request's records").click()
    page.wait_for_url(re.compile(r".*/destroy$"))
    assert page.locator("h1").inner_text() == f"Destroy the records of request {reference}"
    assert "618 report" in page.content()
    assert_no_axe_violations(page)
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / "program-request-destroy.png"), full_page=True)
    box = page.get_by_label("Type the request's reference to confirm")
    box.fill("REQ-NOTHIS")
    page.get_by_role("button", name="Destroy this request's records").click()
    page.wait_for_load_state()
    assert "not this request's reference" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Type the request's reference to confirm").fill(reference)
    db.session.remove()  # the test's own connection holds no snapshot the checkpoint waits for
    page.get_by_role("button", name="Destroy this request's records").click()
    page.wait_for_url(re.compile(r".*/admin/destruction-certificates/DC-\w+$"))
    main = page.locator("main").inner_text()
    assert f"Program request {reference}" in main and "Pablo" not in main
    assert_no_axe_violations(page)
    page.screenshot(path=str(DOCS / "program-request-certificate.png"), full_page=True)
    db.session.commit()  # end the test's read snapshot: see what the server wrote
    assert db.session.get(ProgramRequest, request_id) is None
    assert db.session.execute(select(DestructionCertificate.subject)).scalar_one() == \
        f"Program request {reference}"
