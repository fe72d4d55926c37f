"""Dispute-resolution pages in a real Chromium: no axe violations, charts drawn, tablet width,
the public survey, and screenshots in test-artifacts/ to look at."""

from __future__ import annotations

from datetime import date

from helpers import assert_no_axe_violations, wait_for_js

from facilitator.adr import services
from facilitator.adr.demo import load as load_adr_demo
from facilitator.extensions import db

SHOTS = "test-artifacts"


class Ctx:
    def __init__(self, org):
        self.orgs = {"riverside": org}


def test_adr_pages(page, live_server, browser_sign_in, make_user, make_org):
    org = make_org("riverside-b")
    load_adr_demo(Ctx(org))
    db.session.commit()
    user = make_user(role="admin", org=org)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_sign_in(page, user.email)
    for path, shot in [("/adr/cases", "cases"), ("/adr/deadlines", "deadlines"),
                       ("/adr/report", "report"), ("/adr/dashboard", "dashboard"),
                       ("/adr/surveys", "surveys"), ("/adr/cases/new", "case-form"),
                       ("/adr/cases/import", "import"), ("/adr/settings/closures", "closures")]:
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}/adr-{shot}.png", full_page=True)
    page.goto(live_server.url + "/adr/dashboard")
    # Chart.js drew on both canvases (no inline script, CSP intact).
    wait_for_js(page, "window.Chart && Chart.getChart('fiep-chart') && "
                           "Chart.getChart('rates-chart')")
    page.set_viewport_size({"width": 768, "height": 1024})
    for path, shot in [("/adr/dashboard", "dashboard-tablet"), ("/adr/report", "report-tablet"),
                       ("/adr/cases", "cases-tablet")]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        page.screenshot(path=f"{SHOTS}/adr-{shot}.png", full_page=True)
    page.goto(live_server.url + "/adr/cases")
    page.get_by_role("link").filter(has_text="RV-").first.click()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/adr-case-detail.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_form_errors_and_public_survey(page, live_server, browser_sign_in, make_user):
    user = make_user(role="facilitator")
    case = services.save_case(user.organization_id, {
        "case_ref": "F-1", "process": "facilitated_iep", "status": "held",
        "received_on": date(2024, 9, 2), "held_on": date(2024, 9, 9), "agreement": "full"})
    token = services.create_invitations(case, 1)[0]
    db.session.commit()
    browser_sign_in(page, user.email)
    page.goto(live_server.url + "/adr/cases/new")
    page.get_by_label("Case reference", exact=True).fill("M-1")
    page.get_by_label("Process", exact=True).select_option("mediation")
    page.get_by_label("Status", exact=True).select_option("pending")
    page.get_by_label("Agreement", exact=True).select_option("yes")
    page.get_by_role("button", name="Save the case").click()
    assert "a pending mediation has no agreement" in page.content()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/adr-case-form-errors.png", full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.goto(live_server.url + f"/adr/survey/{token}")
    assert_no_axe_violations(page)
    page.get_by_label("I had the chance to say what worried me.").select_option("4")
    page.get_by_label("Would you use this kind of meeting again?").select_option("yes")
    page.screenshot(path=f"{SHOTS}/adr-survey.png", full_page=True)
    page.get_by_role("button", name="Send my answers").click()
    assert "Thank you" in page.content()
    assert_no_axe_violations(page)
