"""A plan that measures itself, in a real Chromium: the demo plan's progress page read by
an analyst (charts drawn from the JSON block, tables beside them, printable, axe clean),
and step 1's figures with a snapshot attached by a facilitator."""

from __future__ import annotations

from helpers import assert_no_axe_violations, wait_for_js

from facilitator.demo import DEMO_PASSWORD
from facilitator.demo import load as load_demo
from facilitator.extensions import db
from facilitator.plans.models import ActionPlan, CapacityAssessment

SHOTS = "test-artifacts"


def test_progress_page_read_by_an_analyst(page, live_server, browser_sign_in, app):
    load_demo()
    db.session.commit()
    plan = db.session.execute(db.select(ActionPlan)).scalar_one()
    browser_sign_in(page, "analyst@riverside.example", DEMO_PASSWORD)
    page.goto(live_server.url + f"/plans/{plan.id}")
    page.get_by_role("link", name="Measured progress", exact=True).click()
    page.wait_for_url(f"**/plans/{plan.id}/progress")
    bound = plan.targets[3]
    canvas = page.locator(f"#target-chart-{bound.id}")
    wait_for_js(page, "id => { const c = document.getElementById(id);"
                           " return c && window.Chart && window.Chart.getChart(c); }",
                           arg=f"target-chart-{bound.id}")
    assert canvas.bounding_box()["height"] > 100
    table = page.locator(f"#target-table-{bound.id}")
    assert "Rest of the organization" in table.inner_text()
    assert "Not on track" in table.inner_text()
    assert page.get_by_text("Tracked by hand").count() == 3
    assert page.get_by_role("button", name="Share with analysts (read only)").count() == 0
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/plans-progress.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.get_by_role("link", name="Download figures (CSV)").is_visible()
    assert table.is_visible()
    page.screenshot(path=f"{SHOTS}/plans-progress-print.png", full_page=True)


def test_step_one_figures_and_a_snapshot(page, live_server, browser_sign_in, app):
    load_demo()
    db.session.commit()
    assessment = db.session.execute(db.select(CapacityAssessment)).scalar_one()
    browser_sign_in(page, "facilitator@riverside.example", DEMO_PASSWORD)
    page.goto(live_server.url + f"/plans/assessments/{assessment.id}/steps/1")
    page.get_by_label("Group of schools").select_option(label="Pilot schools")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**group=*")
    assert "Pilot schools (Cedar Hills" in page.locator("#evidence-caption").inner_text()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/plans-step1-evidence.png", full_page=True)
    first = page.locator(".evidence-table tbody tr").first
    first.get_by_role("button", name="Attach").last.click()
    page.wait_for_url("**/steps/1#snapshots")
    snapshots = page.locator("#snapshots").inner_text()
    assert "Facilitated IEP agreement rate (full agreement)" in snapshots
    assert "Pilot schools" in snapshots and "measured" in snapshots
    assert_no_axe_violations(page)


def test_binding_a_target_in_the_form(page, live_server, browser_sign_in, app):
    load_demo()
    db.session.commit()
    plan = db.session.execute(db.select(ActionPlan)).scalar_one()
    browser_sign_in(page, "facilitator@riverside.example", DEMO_PASSWORD)
    page.goto(live_server.url + f"/plans/{plan.id}/targets/new")
    page.get_by_label("Performance target").fill("Fewer escalations after facilitation.")
    page.get_by_label("By when").fill("2020-06-30")
    page.get_by_label("Measured by").select_option(label="Escalation within 12 months of a "
                                                         "facilitated IEP")
    page.get_by_label("The schools chosen below").check()
    page.get_by_label("Schools", exact=True).select_option(["Harbor View Academy"])
    years = page.get_by_label("Baseline school year").locator("option").all_inner_texts()
    page.get_by_label("Baseline school year").select_option(years[2])
    page.get_by_label("Target value").fill("5")
    page.get_by_role("button", name="Save target").click()
    assert "is not after the baseline" in page.locator(".error-summary").inner_text()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/plans-target-bound-error.png", full_page=True)
    page.get_by_label("By when").fill(f"{int(years[2][:4]) + 3}-06-30")
    page.get_by_role("button", name="Save target").click()
    page.wait_for_url(f"**/plans/{plan.id}#targets")
    assert "Measured by: Escalation within 12 months" in page.locator("#targets").inner_text()
    db.session.commit()  # a new transaction sees what the server wrote
    assert len(plan.targets) == 5 and plan.targets[-1].scope_schools == "Harbor View Academy"
