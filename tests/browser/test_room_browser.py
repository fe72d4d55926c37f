"""The room display in a real Chromium: a tablet and a paired display in two browser contexts,
the same computer's windows through BroadcastChannel, the network dropping, the read-back
from the first item to a final summary, axe on the display and pairing pages, screenshots."""

from __future__ import annotations

import os
import re

from helpers import assert_no_axe_violations
from playwright.sync_api import expect

# ROOM_SHOTS=docs/screenshots regenerates the pictures in the docs.
SHOTS = os.environ.get("ROOM_SHOTS", "test-artifacts")


def _tablet(browser, live_server, browser_sign_in, user):
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    browser_sign_in(page, user.email)
    return context, page


def _pair(tablet, live_server, meeting) -> str:
    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live#room")
    tablet.locator("#room-section summary").click()
    tablet.get_by_role("button", name="Pair a room device").click()
    return tablet.locator("#pair-code").inner_text()


def _add_decision(tablet, live_server, meeting, text):
    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live")
    tablet.locator("#decisions-board summary").click()
    tablet.locator("#new-decision-text").fill(text)
    tablet.get_by_role("button", name="Record decision").click()
    expect(tablet.locator("#decisions-board")).to_contain_text(text)


def test_a_change_on_the_tablet_appears_on_the_paired_display(browser, live_server,
                                                               browser_sign_in, room_meeting):
    user, meeting = room_meeting()
    tablet_context, tablet = _tablet(browser, live_server, browser_sign_in, user)
    code = _pair(tablet, live_server, meeting)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    room = browser.new_context(viewport={"width": 1920, "height": 1080})
    display = room.new_page()
    display.goto(f"{live_server.url}/room")
    assert_no_axe_violations(display)
    display.get_by_label("Display code").fill("WRONG-CODE")
    display.get_by_role("button", name="Show the meeting").click()
    expect(display.locator(".error-message")).to_contain_text("does not match any display")
    assert_no_axe_violations(display)
    display.get_by_label("Display code").fill(code)
    display.get_by_role("button", name="Show the meeting").click()
    display.wait_for_url(f"{live_server.url}/room/display")
    expect(display.locator("#room-decisions")).to_contain_text("Start speech services")
    expect(display.locator("#room-concerns")).to_contain_text("Two 30-minute sessions a week")
    assert_no_axe_violations(display)

    # A decision recorded on the tablet appears on the display (polling, other device).
    _add_decision(tablet, live_server, meeting, "Meet again in six weeks")
    expect(display.locator("#room-decisions")).to_contain_text("Meet again in six weeks")

    # The agenda timer started on the tablet: the display shows the current item and its clock.
    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live")
    tablet.get_by_role("button", name="Start timer for Welcome and introductions").click()
    expect(display.locator("#room-agenda li.is-current")).to_contain_text(
        "Welcome and introductions")
    expect(display.locator("#room-timer")).to_contain_text("/ 10:00")

    # Hidden from the display on the tablet: gone from the display.
    tablet.get_by_role("button", name=re.compile("Hide from display.*Bus route change")).click()
    expect(display.locator("#room-parking")).not_to_contain_text("Bus route change")

    # Projector preset, then the screenshots (projector 1920x1080; a tablet-sized screen).
    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live#room")
    tablet.locator("#room-section summary").click()
    tablet.get_by_label("Type size").select_option("projector")
    tablet.get_by_role("button", name="Save display settings").click()
    expect(display.locator("body")).to_have_class(re.compile("room--projector"))
    display.screenshot(path=f"{SHOTS}/room-display-projector-1920x1080.png")
    small = room.new_page()
    small.set_viewport_size({"width": 768, "height": 1024})
    small.goto(f"{live_server.url}/room/display")
    expect(small.locator("#room-decisions")).to_contain_text("Meet again in six weeks")
    small.screenshot(path=f"{SHOTS}/room-display-tablet-768x1024.png", full_page=True)
    tablet.screenshot(path=f"{SHOTS}/room-live-panel-tablet.png")
    assert_no_axe_violations(tablet)

    # The network drops: the last state stays, marked stale; back online, it is fresh again.
    room.set_offline(True)
    expect(display.locator("#room-status")).to_contain_text("Connection lost")
    expect(display.locator("#room-decisions")).to_contain_text("Meet again in six weeks")
    assert display.locator("#room-status").get_attribute("aria-live") == "assertive"
    display.screenshot(path=f"{SHOTS}/room-display-stale.png")
    _add_decision(tablet, live_server, meeting, "Share the data sheet weekly")
    room.set_offline(False)
    expect(display.locator("#room-decisions")).to_contain_text("Share the data sheet weekly")
    expect(display.locator("#room-status")).to_have_text("")

    # Snapshot and clear: the display goes blank, the code no longer opens it.
    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live#room")
    tablet.get_by_role("button", name="Snapshot and clear").click()
    expect(tablet.locator("main")).to_contain_text("Share the data sheet weekly")
    expect(display.locator("#room-blank")).to_be_visible()
    expect(display.locator("#room-record")).to_be_hidden()
    room.close()
    tablet_context.close()


def test_the_same_computer_follows_through_broadcastchannel(browser, live_server,
                                                             browser_sign_in, room_meeting):
    user, meeting = room_meeting()
    context, live = _tablet(browser, live_server, browser_sign_in, user)
    live.goto(f"{live_server.url}/meetings/{meeting.id}/live")
    with live.expect_popup() as opened:
        live.get_by_role("link", name="Open room display").click()
    display = opened.value
    expect(display.locator("#room-decisions")).to_contain_text("Start speech services")
    # From now on the display cannot reach the server: only the live page can tell it.
    display.route("**/display/state.json", lambda route: route.abort())
    _add_decision(live, live_server, meeting, "Decided through the channel")
    expect(display.locator("#room-decisions")).to_contain_text("Decided through the channel")
    live.get_by_role("button", name="Start timer for Purpose of the meeting").click()
    expect(display.locator("#room-agenda li.is-current")).to_contain_text(
        "Purpose of the meeting")
    context.close()


def test_a_read_back_from_the_first_item_to_a_final_summary(browser, live_server,
                                                             browser_sign_in, room_meeting):
    user, meeting = room_meeting(language="Spanish")
    context, tablet = _tablet(browser, live_server, browser_sign_in, user)
    code = _pair(tablet, live_server, meeting)
    room = browser.new_context(viewport={"width": 1920, "height": 1080})
    display = room.new_page()
    display.goto(f"{live_server.url}/room?lang=es")
    display.get_by_label("Código de la pantalla").fill(code)
    display.get_by_role("button", name="Mostrar la reunión").click()
    expect(display.locator("#room-decisions")).to_contain_text("Start speech services")
    assert display.evaluate("document.documentElement.lang") == "es"

    tablet.goto(f"{live_server.url}/meetings/{meeting.id}/live#room")
    tablet.get_by_role("link", name="Read back and make the summary final").click()
    tablet.get_by_role("link", name="Start the read-back").click()
    # Item 1: the agreement, on the display while it is read aloud (in Spanish).
    expect(display.locator("#room-readback-h")).to_have_text("Lectura final: punto 1 de 3")
    expect(display.locator("#room-readback-text")).to_have_text("Two 30-minute sessions a week")
    display.screenshot(path=f"{SHOTS}/room-display-readback-1920x1080.png")
    assert_no_axe_violations(display)
    tablet.get_by_label("Confirmed as read").check()
    tablet.get_by_label("Belongs in the IEP").check()
    tablet.get_by_role("button", name="Save and go to the next item").click()
    # Item 2: the decision, changed while reading it back.
    expect(display.locator("#room-readback-h")).to_have_text("Lectura final: punto 2 de 3")
    tablet.get_by_label("What was agreed, as read aloud").fill("Start speech services on 8 March")
    tablet.get_by_label("Confirmed as read").check()
    tablet.get_by_label("Belongs in the IEP").check()
    tablet.get_by_role("button", name="Save and go to the next item").click()
    # Item 3: the action item; the owner is confirmed, the date is missing at first.
    expect(display.locator("#room-readback-text")).to_have_text("Send the speech schedule")
    tablet.get_by_label("Who will do it (owner)").fill("Ms. Chen (SLP)")
    tablet.get_by_label("Due date").fill("")
    tablet.get_by_label("Confirmed as read").check()
    tablet.get_by_label("Side agreement (not part of the IEP)").check()
    tablet.get_by_role("button", name="Save: that was the last item").click()
    expect(tablet.locator(".error-message").first).to_contain_text(
        "Give the date this is due")
    assert_no_axe_violations(tablet)
    tablet.get_by_label("Due date").fill("2027-03-05")
    tablet.get_by_role("button", name="Save: that was the last item").click()
    expect(tablet.locator("main")).to_contain_text("Every item is read back")
    expect(display.locator("#room-readback")).to_be_hidden()
    expect(display.locator("#room-decisions")).to_contain_text("Start speech services on 8 March")
    tablet.get_by_role("button", name="Make the summary final").click()
    expect(tablet.locator("#final").locator("xpath=..")).to_contain_text("Final, version 1")
    assert_no_axe_violations(tablet)
    tablet.screenshot(path=f"{SHOTS}/room-readback-final-tablet.png", full_page=True)
    room.close()
    context.close()
