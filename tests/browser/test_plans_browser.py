"""Capacity plans in a real Chromium: assessment to plan to Word file, keyboard and axe clean."""

from __future__ import annotations

from datetime import date

from helpers import assert_no_axe_violations

from facilitator.extensions import db
from facilitator.plans.services import (
    add_progress,
    create_assessment,
    create_plan,
    save_activity,
    save_step,
    save_target,
)

SHOTS = "test-artifacts"


def test_assessment_to_plan_to_word_file(page, live_server, browser_sign_in, make_user):
    user = make_user(role="facilitator", name="Luis Moreno")
    assessment = create_assessment(user.organization_id, "Spring capacity review",
                                   "Middle schools", owner=user)
    save_step(assessment, 4, "Collaborative problem solving", "Complaint log")
    db.session.commit()
    browser_sign_in(page, user.email)
    page.get_by_role("link", name="Capacity plans").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Spring capacity review").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Answer step 1").click()
    page.get_by_label("Our answer").fill("Few schools settle disagreements early.")
    page.get_by_label("Data sources used").fill("State complaint log")
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/plans-step.png", full_page=True)
    page.get_by_role("button", name="Save and go to step 2").click()
    page.wait_for_url("**/steps/2")
    page.goto(live_server.url + f"/plans/assessments/{assessment.id}")
    page.get_by_role("link", name="Start a plan from this").click()
    page.get_by_label("Title").fill("Early resolution plan")
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_url("**/edit")
    assert page.get_by_label("1. Our priority area").input_value() == \
        "Collaborative problem solving"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save the plan").click()
    page.get_by_role("link", name="Add an activity").click()
    page.get_by_label("Activity", exact=True).fill("Train pilot teams")
    page.get_by_label("Date to be initiated").fill("2026-09-10")
    page.get_by_label("Date to be completed").fill("2026-09-01")
    page.get_by_role("button", name="Save activity").click()
    assert "is before the date to be initiated" in page.content()
    assert_no_axe_violations(page)
    page.get_by_label("Date to be completed").fill("2026-10-01")
    page.get_by_role("button", name="Save activity").click()
    assert "Train pilot teams" in page.content()
    assert_no_axe_violations(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word file").click()
    assert download.value.suggested_filename == "action-plan-early-resolution-plan.docx"


def test_full_plan_page_on_a_tablet_and_printed(page, live_server, browser_sign_in, make_user):
    user = make_user(role="analyst", name="Priya Raman")
    plan = create_plan(user.organization_id, "Riverside early resolution plan", owner=user)
    plan.priority_area = "Collaborative problem solving and early resolution of disputes."
    plan.result_a = "Listening for understanding; resolving conflicts as they arise."
    save_target(plan, None, "By June 2027, 80% of pilot IEP teams use the shared agenda.",
                date(2020, 6, 30), "Observation data", "Observation rubric")
    for i in range(6):
        save_activity(plan, None, text=f"Activity {i}: coach IEP teams after each meeting "
                      "with a short reflection", resources_needed="Coaching time",
                      staff_lead="Luis Moreno", start_date=date(2026, 9, 1),
                      end_date=date(2026, 12, 1), notes="Pilot schools", status="in_progress")
    add_progress(plan, "adjustment", date(2026, 11, 1), "Training moved online",
                 "Travel budget cut", user)
    db.session.commit()
    page.set_viewport_size({"width": 768, "height": 1024})
    browser_sign_in(page, user.email)
    page.goto(live_server.url + f"/plans/{plan.id}")
    assert "Date has passed" in page.content()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/plans-detail-tablet.png", full_page=True)
    page.locator("#worksheet").screenshot(path=f"{SHOTS}/plans-worksheet-tablet.png")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.emulate_media(media="print")
    page.screenshot(path=f"{SHOTS}/plans-detail-print.png", full_page=True)
    assert not page.get_by_role("link", name="Download Word file").is_visible()
