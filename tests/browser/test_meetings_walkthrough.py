"""A facilitator prepares, runs and closes a demo meeting in the browser, without help."""

from __future__ import annotations

import re

from helpers import assert_no_axe_violations
from playwright.sync_api import expect

from facilitator import demo
from facilitator.extensions import db
from facilitator.families.models import TipEntry

SHOTS = "test-artifacts"


def test_prepare_run_and_close_a_demo_meeting(page, live_server, browser_sign_in):
    demo.load()
    db.session.commit()
    page.set_viewport_size({"width": 1024, "height": 768})  # a tablet on its side
    browser_sign_in(page, "facilitator@riverside.example", demo.DEMO_PASSWORD)

    # From the start page to today's meeting.
    page.get_by_role("link", name="Today's meetings").click()
    expect(page.get_by_role("cell", name="Ava Thompson", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ava Thompson", exact=True).click()

    # Prepare: read the tip file and mark it reviewed; tick a before-item.
    page.get_by_role("link", name="Prepare").click()
    expect(page.get_by_text("Ava runs the school's gardening club")).to_be_visible()
    page.get_by_role("button", name="Mark reviewed again").click()
    expect(page.get_by_text("Reviewed by Luis Moreno")).to_be_visible()
    page.locator("form[data-autosubmit] input[type=checkbox]").first.check()
    expect(page.get_by_text(re.compile(r"^1 of \d+"))).to_be_visible()
    page.screenshot(path=f"{SHOTS}/walk-prepare.png")

    # Run the meeting: tick a during-item, write notes, record a decision.
    page.get_by_role("link", name="Run the meeting").click()
    page.get_by_text("show the list").click()
    page.locator("#during-checklist input[type=checkbox]").first.check()
    page.wait_for_url(re.compile(r"checklist=open"))
    notes = page.get_by_label("Meeting notes")
    notes.press("End")
    notes.type("Denise asked for weekly updates by email.")
    expect(page.locator("#notes-status")).to_contain_text("Saved")
    page.get_by_text("Record a decision").click()
    page.get_by_label("What was decided").fill("Weekly email update from Ms. Chen.")
    page.get_by_label("Who agreed").fill("Denise Thompson, Ms. Chen")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Weekly email update from Ms. Chen.")).to_be_visible()
    page.get_by_text("Add an action item").click()
    page.get_by_label("Task").fill("Send the first weekly update")
    page.get_by_label("Who will do it").fill("Ms. Chen")
    page.get_by_role("button", name="Add action item").click()
    expect(page.get_by_role("cell", name="Send the first weekly update",
                            exact=True)).to_be_visible()
    page.screenshot(path=f"{SHOTS}/walk-live.png", full_page=True)
    page.screenshot(path=f"{SHOTS}/walk-live-top.png")
    assert_no_axe_violations(page)

    # Close: mark held, reflect, and keep the lesson in the tip file.
    page.get_by_role("link", name="After the meeting").click()
    page.get_by_role("button", name="Mark the meeting held").click()
    expect(page.locator(".meeting-head .badge")).to_have_text("Held")
    page.get_by_label("What worked", exact=True).fill("Opening with the garden photos.")
    page.get_by_label("What did not work", exact=True).fill("Too many acronyms early on.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_label("Tip-file entry")).to_have_value(
        re.compile("What worked: Opening with the garden photos."))
    page.get_by_label("Kind of tip").select_option("communication")
    page.get_by_role("button", name="Add to the tip file").click()
    expect(page.get_by_text("Added to the tip file")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/walk-after.png", full_page=True)
    assert_no_axe_violations(page)
    db.session.rollback()
    tip = db.session.execute(db.select(TipEntry).where(
        TipEntry.kind == "communication",
        TipEntry.text.like("%garden photos%"))).scalar_one()
    assert tip.family.student_name == "Ava Thompson"


def test_admin_checklist_screen_and_family_forms(page, live_server, browser_sign_in):
    demo.load()
    db.session.commit()
    browser_sign_in(page, "admin@riverside.example", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Checklists").click()
    assert_no_axe_violations(page)
    page.get_by_label("Item", exact=True).fill("Reserve the accessible parking space")
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Reserve the accessible parking space")).to_be_visible()
    page.locator("li").filter(has_text="Reserve the accessible parking space").get_by_role(
        "button", name="Remove").click()  # the JS confirm is accepted below
    page.goto(live_server.url + "/families/new")
    page.get_by_role("button", name="Add family").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/family-form-errors.png", full_page=True)


def test_new_meeting_form_errors_are_accessible(page, live_server, browser_sign_in):
    demo.load()
    db.session.commit()
    browser_sign_in(page, "facilitator@riverside.example", demo.DEMO_PASSWORD)
    page.get_by_role("link", name="Families", exact=True).click()
    page.get_by_role("link", name="Liam Patel").click()
    page.get_by_role("link", name="Plan a meeting").click()
    page.get_by_label("Starts").fill("2026-12-10T16:00")
    page.get_by_label("Ends at").fill("15:00")
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.get_by_text("The end is before the start")).to_have_count(2)
    assert_no_axe_violations(page)
    page.get_by_label("Ends at").fill("17:00")
    page.get_by_role("button", name="Plan meeting").click()
    expect(page.get_by_text("The meeting is planned")).to_be_visible()
    expect(page.get_by_text("60 minutes").first).to_be_visible()
    page.screenshot(path=f"{SHOTS}/walk-new-meeting.png", full_page=True)
