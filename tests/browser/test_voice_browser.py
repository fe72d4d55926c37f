"""In real Chromium: a guardian fills in the family form in Spanish with the keyboard
alone (axe at 0 on every step), and a facilitator continues a meeting that ran out of time."""

from __future__ import annotations

from datetime import timedelta

from helpers import PASSWORD
from keyboard import Keyboard
from playwright.sync_api import expect

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family
from facilitator.meetings import continuation
from facilitator.meetings.live_models import Concern, ParkingLotItem
from facilitator.meetings.models import Meeting
from facilitator.meetings.services import create_meeting
from facilitator.voice import services as voice
from facilitator.voice.models import FamilyInput

SHOTS = "docs/screenshots"


def _meeting(user, when):
    org = user.organization
    family = Family(organization_id=org.id, student_name="Mateo Alvarez",
                    primary_language="Spanish", school="Cedar Grove Elementary")
    db.session.add(family)
    family.contacts.append(Contact(organization_id=org.id, name="Lucía Alvarez",
                                   email="lucia@example.org", preferred_language="Spanish"))
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep", "starts_at": when,
                                      "duration_minutes": 90, "location": "Room B",
                                      "facilitator_id": user.id})
    db.session.commit()
    return meeting


def test_the_family_form_in_spanish_by_keyboard(page, live_server, make_user, app):
    user = make_user(role="facilitator", name="Luis Moreno")
    meeting = _meeting(user, utcnow() + timedelta(days=5))
    app.config["PUBLIC_BASE_URL"] = live_server.url
    guardian = voice.guardians(meeting)[0]
    url = voice.issue_link(voice.input_for(meeting, guardian), meeting, user)
    db.session.commit()
    page.set_viewport_size({"width": 800, "height": 1100})
    kb = Keyboard(page, live_server.url)
    page.goto(url)
    kb.arrived()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    kb.type_into(page.get_by_label("Las fortalezas e intereses de su hijo o hija"),
                 "Le encanta dibujar trenes.")
    kb.type_into(page.get_by_label("Una inquietud"),
                 "Las horas de terapia del habla bajaron de 4 a 2.")
    kb.type_into(page.get_by_label("Otra inquietud").first, "No recibe los apuntes a tiempo.")
    kb.type_into(page.get_by_label("Lo que más le importa en esta reunión"), "Volver a 4 horas.")
    kb.press(page.get_by_label("Un intérprete"), " ")
    expect(page.get_by_label("Un intérprete")).to_be_checked()
    page.screenshot(path=f"{SHOTS}/family-input-es.png", full_page=True)
    kb.follow(page.get_by_role("button", name="Revisar lo que escribí"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revise lo que escribió")
    expect(page.locator("main")).to_contain_text("Las horas de terapia del habla bajaron de 4 a 2.")
    page.screenshot(path=f"{SHOTS}/family-input-review-es.png", full_page=True)
    kb.follow(page.get_by_role("button", name="Compartir con el equipo"))
    expect(page.locator("main")).to_contain_text("Gracias")
    db.session.rollback()
    item = db.session.execute(db.select(FamilyInput)).scalar_one()
    assert item.status == "shared" and item.need_interpreter
    assert [c.text for c in item.concerns][1] == "No recibe los apuntes a tiempo."
    # The facilitator reads it on the Prepare page and puts a concern on the board.
    page.context.clear_cookies()
    kb.sign_in(user.email, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.id}/prepare#family-input")
    kb.arrived()
    panel = page.locator("#family-input-panel")
    expect(panel).to_contain_text("Le encanta dibujar trenes.")
    panel.get_by_role("button", name="Put on the concerns board").first.click()
    expect(panel).to_contain_text("On the board")
    panel.screenshot(path=f"{SHOTS}/family-input-prepare.png")
    page.goto(f"{live_server.url}/meetings/{meeting.id}/live")
    expect(page.locator("#concerns-board")).to_contain_text(
        "Las horas de terapia del habla bajaron de 4 a 2.")


def test_a_continued_meeting_is_carried_over(page, live_server, browser_sign_in, make_user):
    user = make_user(role="facilitator", name="Luis Moreno")
    meeting = _meeting(user, utcnow() - timedelta(hours=2))
    db.session.add_all([
        Concern(organization_id=meeting.organization_id, meeting_id=meeting.id,
                title="Speech hours", status="open"),
        ParkingLotItem(organization_id=meeting.organization_id, meeting_id=meeting.id,
                       text="Summer school")])
    db.session.commit()
    browser_sign_in(page, user.email, PASSWORD)
    page.goto(f"{live_server.url}/meetings/{meeting.id}#continue")
    page.get_by_text("Ran out of time? Schedule a follow-on meeting").click()
    when = (utcnow() + timedelta(days=7)).astimezone().strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("The follow-on meeting starts").fill(when)
    page.get_by_label("Welcome and introductions").uncheck()
    page.get_by_role("button", name="Mark continued and schedule the follow-on").click()
    expect(page.locator(".flash--success")).to_contain_text("invitation")
    expect(page.locator("#continue")).to_contain_text("carries on from")
    page.screenshot(path="test-artifacts/continued-meeting.png", full_page=True)
    db.session.rollback()
    follow = continuation.follow_on_of(db.session.get(Meeting, meeting.id))
    assert page.url.endswith(f"/meetings/{follow.id}")
    assert [c.title for c in follow.concerns] == ["Speech hours"]
    assert "Welcome and introductions" not in [a.title for a in follow.agenda_items]
    page.goto(f"{live_server.url}/meetings/{follow.id}/live")
    expect(page.locator("#concerns-board")).to_contain_text("Speech hours")
    expect(page.locator("#parking-board")).to_contain_text("Summer school")
