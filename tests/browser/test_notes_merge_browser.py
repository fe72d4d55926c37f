"""Two note-takers typing in different paragraphs in real Chromium: no conflict, both kept."""

from __future__ import annotations

from datetime import timedelta

from helpers import PASSWORD
from playwright.sync_api import expect

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.live_models import MeetingNote
from facilitator.meetings.notes import save_note
from facilitator.meetings.services import create_meeting

START = "Reading\n\nMath\n\nTransport"


def _sign_in(page, base, email):
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def _caret_after(page, text):
    page.get_by_label("Meeting notes").click()
    page.evaluate("(t) => { const a = document.getElementById('notes-body');"
                  " const i = a.value.indexOf(t) + t.length; a.setSelectionRange(i, i); }", text)


def test_two_editors_in_different_paragraphs_get_no_conflict(browser, live_server, make_user):
    ana = make_user(role="facilitator", name="Ana Ruiz")
    ben = make_user(role="admin", org=ana.organization, name="Ben Cole")
    family = Family(organization_id=ana.organization_id, student_name="Maya Lopez")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep", "facilitator_id": ana.id,
                                      "starts_at": utcnow() + timedelta(hours=1)})
    save_note(meeting, START, 0, ana.id)
    db.session.commit()
    base, url = live_server.url, f"{live_server.url}/meetings/{meeting.id}/live"
    pages = []
    for user in (ana, ben):
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, base, user.email)
        page.goto(url)
        pages.append(page)
    a, b = pages
    # Both opened version 1. Ana writes in the first paragraph and saves.
    _caret_after(a, "Reading")
    a.keyboard.type(": fluency is up")
    a.get_by_role("button", name="Save now").click()
    expect(a.locator("#notes-status")).to_contain_text("version 2")
    # Ben, still on version 1, writes in the last paragraph.
    _caret_after(b, "Transport")
    b.keyboard.type(": bus at 7:40")  # autosaved once typing stops; the focus stays here
    expect(b.locator("#notes-status")).to_contain_text("merged")
    both = "Reading: fluency is up\n\nMath\n\nTransport: bus at 7:40"
    expect(b.get_by_label("Meeting notes")).to_have_value(both)
    expect(b.locator("#notes-conflict")).to_be_hidden()
    # Ben carries on typing where he was: the caret stayed at the end of his words.
    b.keyboard.type(", seat 3")
    # Version 3 keeps Ben's save as he sent it, 4 the merge, 5 this one.
    expect(b.locator("#notes-status")).to_contain_text("(version 5)")
    db.session.rollback()
    note = db.session.execute(db.select(MeetingNote).where(
        MeetingNote.meeting_id == meeting.id)).scalar_one()
    assert note.body == both + ", seat 3"
    b.screenshot(path="docs/screenshots/notes-merged.png")
    for page in pages:
        page.context.close()
