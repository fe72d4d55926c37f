"""Whole journeys from the demo data with the keyboard alone (Tab, Shift+Tab, Enter, Space,
arrow keys, typing), as a new user would make them; axe and the id/label checks on every
kind of page each journey reaches."""

from __future__ import annotations

import re

import pytest
from keyboard import Keyboard
from page_checks import OVERFLOW_JS
from playwright.sync_api import expect

from facilitator import demo
from facilitator.extensions import db
from facilitator.meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from facilitator.meetings.models import Meeting

SHOTS = "test-artifacts"


@pytest.fixture()
def demo_data(app):
    demo.load()
    db.session.commit()
    # As a browser's cache would: stylesheets and scripts are not fetched on every page.
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 600


def test_facilitator_prepares_runs_and_closes_a_meeting(page, live_server, demo_data):
    page.set_viewport_size({"width": 1024, "height": 768})
    kb = Keyboard(page, live_server.url)
    kb.sign_in("facilitator@riverside.example", demo.DEMO_PASSWORD)
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="Today's meetings"))
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="Ava Thompson", exact=True))
    kb.follow(page.get_by_role("link", name="Prepare"))

    # Prepare: the tip file is read and marked reviewed; a before-item is ticked.
    expect(page.get_by_text("Ava runs the school's gardening club")).to_be_visible()
    kb.follow(page.get_by_role("button", name=re.compile("^Mark (the tip file )?reviewed")))
    expect(page.get_by_text("Reviewed by Luis Moreno")).to_be_visible()
    first_box = page.locator("#before ~ .checklist input[type=checkbox]").first
    assert not first_box.is_checked()
    kb.tab_to(first_box)
    with page.expect_navigation():
        page.keyboard.press("Space")  # the box sends its form itself
    expect(page.locator("#before ~ .checklist input[type=checkbox]").first).to_be_checked()
    kb.follow(page.get_by_role("link", name="Run the meeting"), back=True)

    # Run: a prompt into the notes, then typing after it; the notes save themselves.
    kb.skip_to_main()
    # The prompt list is one Tab stop; the arrow keys move from prompt to prompt.
    uses = page.locator("[data-use-prompt]:visible")
    kb.tab_to(uses.first)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(uses.nth(2)).to_be_focused()
    prompt = uses.nth(2).locator("xpath=ancestor::li").locator(".prompt__text").inner_text()
    page.keyboard.press("Enter")
    notes = page.get_by_label("Meeting notes")
    expect(notes).to_be_focused()
    page.keyboard.type("Denise asked for weekly updates by email.")
    expect(page.locator("#notes-status")).to_contain_text("Saved")

    def add(board: str, summary: str, fields: list[tuple[str, str]], button: str) -> None:
        form = page.locator(f"#{board} details")
        kb.press(form.locator("summary"), "Enter")  # opens the form
        for label, value in fields:
            target = form.get_by_label(label, exact=True)
            if target.evaluate("el => el.tagName") == "SELECT":
                kb.choose(target, value)
            else:
                kb.type_into(target, value)
        kb.follow(form.get_by_role("button", name=button, exact=True))
        expect(page.locator(".flash--success")).to_be_visible()

    start = kb.presses  # from the notes past the 93 prompts to the concerns: a few stops
    kb.tab_to(page.locator("#concerns-board details summary"))
    assert kb.presses - start < 25, kb.presses - start
    add("concerns-board", "Add a concern", [("Concern", "Reading support at home"),
        ("Where it stands", "Agreement reached")], "Add concern")
    add("decisions-board", "Record a decision", [
        ("What was decided", "Weekly email update from Ms. Chen."),
        ("Who agreed", "Denise Thompson, Ms. Chen")], "Record decision")
    add("actions-board", "Add an action item", [
        ("Task", "Send the first weekly update"), ("Who will do it", "Ms. Chen"),
        ("Status", "In progress")], "Add action item")
    add("parking-board", "Park a topic", [("Topic", "Summer school options"),
                                          ("Raised by", "Denise")], "Park topic")
    page.screenshot(path=f"{SHOTS}/keyboard-live.png", full_page=True)

    # Close: mark held with an outcome, then download the family's summary.
    kb.follow(page.get_by_role("link", name="After the meeting"), back=True)
    outcome = page.get_by_label("How did it end?")
    if outcome.count():
        kb.choose(outcome, "Full agreement")
        kb.follow(page.get_by_role("button", name="Mark held with this outcome"))
    else:
        kb.follow(page.get_by_role("button", name="Mark the meeting held"))
    expect(page.locator(".meeting-head .badge")).to_have_text("Held")
    kb.skip_to_main()
    # The family's own language comes first (this demo family reads English).
    link = page.get_by_role("link", name="Download in English (.docx)")
    kb.tab_to(link)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".docx")
    assert download.value.path().read_bytes()[:2] == b"PK"

    db.session.rollback()
    meeting = db.session.execute(db.select(Meeting).join(Meeting.concerns).where(
        Concern.title == "Reading support at home")).scalar_one()
    assert meeting.status == "held"
    assert prompt.strip() in meeting.note.body and "weekly updates by email" in meeting.note.body
    assert db.session.execute(db.select(Decision).filter_by(
        meeting_id=meeting.id, text="Weekly email update from Ms. Chen.")).scalar_one()
    action = db.session.execute(db.select(ActionItem).filter_by(
        meeting_id=meeting.id, task="Send the first weekly update")).scalar_one()
    assert action.owner == "Ms. Chen" and action.status_label == "In progress"
    assert db.session.execute(db.select(ParkingLotItem).filter_by(
        meeting_id=meeting.id, text="Summer school options")).scalar_one().raised_by == "Denise"


def test_advocate_uploads_adds_an_event_and_builds_a_packet(page, live_server, demo_data, app,
                                                            tmp_path):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True
    page.set_viewport_size({"width": 1024, "height": 768})
    kb = Keyboard(page, live_server.url)
    kb.sign_in("advocate@familyvoices.example", demo.DEMO_PASSWORD)
    kb.follow(page.get_by_role("link", name="Records", exact=True))
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="Theo Lindqvist"))

    # Upload: the file chooser opens from the keyboard; the person picks a file in it.
    letter = tmp_path / "Letter to the district.txt"
    letter.write_text("We ask for an independent evaluation.\n", encoding="utf-8")
    kb.tab_to(page.get_by_label("Files"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(letter))
    kb.choose(page.get_by_label("Type of record"), "Correspondence")
    kb.type_into(page.get_by_label("Author or source"), "Parent")
    kb.follow(page.get_by_role("button", name="Add documents"))
    expect(page.get_by_text("Added 1 document.")).to_be_visible()

    # A timeline event, dated by typing into the date field.
    kb.follow(page.get_by_role("link", name="Timeline", exact=True))
    kb.type_into(page.get_by_label("Date", exact=True), "03042026")
    kb.choose(page.get_by_label("What happened"), "Request made")
    kb.type_into(page.get_by_label("Description"), "Asked in writing for an independent "
                 "educational evaluation.")
    kb.follow(page.get_by_role("button", name="Add to the timeline"))
    expect(page.get_by_text("Asked in writing for an independent educational evaluation."
                            ).first).to_be_visible()

    # A new packet, built; the page follows the build until the files can be downloaded.
    kb.follow(page.get_by_role("link", name="Packets", exact=True))
    kb.type_into(page.get_by_label("Packet title"), "Records for the complaint")
    kb.follow(page.get_by_role("button", name="Start the packet"))
    expect(page.get_by_role("heading", name="Records for the complaint")).to_be_visible()
    kb.follow(page.get_by_role("button", name="Build the packet"))
    pdf = page.get_by_role("link", name="Combined PDF")
    pdf.wait_for()
    kb.arrived()
    kb.tab_to(pdf, back=True)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes()[:5] == b"%PDF-"


def test_admin_adds_a_user_changes_the_role_and_deactivates(page, live_server, demo_data):
    email = "alexandra.featherstonehaugh-montgomery@riverside-unified-school-district.example"
    page.set_viewport_size({"width": 1024, "height": 768})
    kb = Keyboard(page, live_server.url)
    kb.sign_in("admin@riverside.example", demo.DEMO_PASSWORD)
    kb.follow(page.get_by_role("link", name="Users", exact=True))
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="Add a user"))
    kb.type_into(page.get_by_label("Email"), email)
    kb.type_into(page.get_by_label("Full name"), "Alexandra Montgomery")
    kb.choose(page.get_by_label("Role"), "Advocate — keeps family records and packets")
    kb.type_into(page.get_by_label("Starting password"), "maple river lantern 42")
    kb.follow(page.get_by_role("button", name="Add user"))
    expect(page.get_by_role("cell", name=email, exact=True)).to_be_visible()

    def edit() -> None:
        kb.skip_to_main()
        kb.follow(page.get_by_role("link", name=f"Edit {email}"))

    edit()
    kb.choose(page.get_by_label("Role"),
              "Facilitator — prepares and runs meetings, records cases")
    kb.follow(page.get_by_role("button", name="Save changes"))
    row = page.get_by_role("row").filter(has_text=email)
    expect(row).to_contain_text("Facilitator")

    edit()
    active = page.get_by_label("Active (may sign in)")
    kb.tab_to(active)
    expect(active).to_have_accessible_description("Deactivating signs the person out at once.")
    page.keyboard.press("Space")
    expect(active).not_to_be_checked()
    kb.follow(page.get_by_role("button", name="Save changes"))
    expect(page.get_by_role("row").filter(has_text=email)).to_contain_text("Deactivated")

    # A long address in the heading wraps on a phone instead of pushing the page sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    edit()
    assert page.evaluate(OVERFLOW_JS) is None


CASES_CSV = """case_ref,process,received_on,status,held_on,agreement
KB-1,mediation,2019-10-01,held,2019-10-20,yes
KB-2,mediation,2019-11-05,pending,,
KB-3,due_process,2019-12-02,pending,,
KB-4,state_complaint,2020-01-15,pending,,
"""


def test_coordinator_imports_cases_and_analyst_downloads_the_618_table(page, live_server,
                                                                       demo_data, tmp_path):
    # Importing changes cases, which the analyst role may not do (it reads reports only):
    # the district's coordinator (facilitator role) imports, the analyst reports.
    page.set_viewport_size({"width": 1024, "height": 768})
    kb = Keyboard(page, live_server.url)
    kb.sign_in("facilitator@riverside.example", demo.DEMO_PASSWORD)
    kb.follow(page.get_by_role("link", name="Dispute resolution"))
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="Import CSV"))
    cases = tmp_path / "cases-2019.csv"
    cases.write_text(CASES_CSV, encoding="utf-8")
    kb.tab_to(page.get_by_label("CSV file"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(cases))
    kb.follow(page.get_by_role("button", name="Import", exact=True))
    expect(page.locator(".flash--success")).to_contain_text("4")
    kb.follow(page.get_by_role("button", name="Sign out"))

    kb.sign_in("analyst@riverside.example", demo.DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Import CSV")).to_have_count(0)
    kb.follow(page.get_by_role("link", name="Dispute resolution"))
    kb.skip_to_main()
    kb.follow(page.get_by_role("link", name="618 table"))
    kb.choose(page.get_by_label("School year", exact=True), "2019-20")
    kb.follow(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2019-20")
    kb.skip_to_main()
    kb.tab_to(page.get_by_role("link", name="Download CSV"))
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    rows = {r.split(",")[0]: r.rsplit(",", 1)[-1] for r in download.value.path().read_text(
        encoding="utf-8-sig").splitlines()}
    assert (rows["1"], rows["2"], rows["2.1"], rows["3"]) == ("1", "2", "1", "1")
