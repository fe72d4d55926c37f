"""Commitments in a real Chromium: the owner's link in Spanish and in English (no account),
the family's view, the staff pages and the funnel chart; no axe violations; screenshots
in test-artifacts/ to look at."""

from __future__ import annotations

import re
from datetime import timedelta

from helpers import assert_no_axe_violations

from facilitator.commitments import services
from facilitator.commitments.models import Commitment
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family
from facilitator.meetings.models import MeetingStatus, Participant
from facilitator.meetings.services import create_meeting
from facilitator.notify.models import OutboxMessage

SHOTS = "test-artifacts"
PATH_RE = re.compile(r"/(c|f)/[A-Za-z0-9_\-]+")


def _meeting(org, user):
    family = Family(organization_id=org.id, student_name="Mateo Alvarez", student_ref="R-1",
                    school="Cedar Grove Elementary", primary_language="Spanish")
    db.session.add(family)
    db.session.flush()
    db.session.add(Contact(organization_id=org.id, family_id=family.id, name="Lucía Alvarez",
                           role="parent", email="lucia@example.org",
                           preferred_language="Spanish"))
    meeting = create_meeting(family, {
        "kind": "facilitated_iep", "starts_at": utcnow() - timedelta(days=3),
        "duration_minutes": 60, "location": "Room 4", "facilitator_id": user.id})
    meeting.participants.append(Participant(organization_id=org.id, name="Omar Haddad",
                                            role="service_provider",
                                            email="omar@provider.example"))
    meeting.status = MeetingStatus.HELD
    db.session.flush()
    return meeting


def test_the_owner_reports_through_the_link_in_spanish_and_english(
        page, browser, live_server, browser_sign_in, make_user):
    user = make_user("facilitator")
    meeting = _meeting(user.organization, user)
    lucia = next(p for p in meeting.participants if p.name == "Lucía Alvarez")
    c = services.create_commitment(
        family_id=meeting.family_id, org_id=meeting.organization_id,
        task="Llevar el informe del médico a la escuela",
        owner=services.resolve_owner(meeting.organization_id, meeting,
                                     f"participant-{lucia.id}"),
        due_on=services.today() + timedelta(days=5), meeting=meeting)
    db.session.commit()

    browser_sign_in(page, user.email)
    page.goto(f"{live_server.url}/commitments/{c.id}")
    assert_no_axe_violations(page)
    page.screenshot(path=f"{SHOTS}/commitment-detail.png", full_page=True)
    page.get_by_role("button", name="Mail the owner a link").click()
    page.get_by_text("A link is on its way to lucia@example.org").wait_for()
    db.session.commit()
    body = db.session.execute(db.select(OutboxMessage.body).where(
        OutboxMessage.kind == "commitment_link")).scalar_one()
    path = PATH_RE.search(body).group(0)

    owner = browser.new_context(viewport={"width": 820, "height": 1100}).new_page()
    owner.goto(live_server.url + path)
    owner.get_by_role("heading", name="Su compromiso").wait_for()
    assert owner.locator("html").get_attribute("lang") == "es"
    assert_no_axe_violations(owner)
    owner.screenshot(path=f"{SHOTS}/commitment-owner-es.png", full_page=True)
    owner.get_by_label("¿Cómo va?").select_option("in_progress")
    owner.get_by_label("Una nota breve").fill("La cita con el médico es el jueves.")
    owner.get_by_role("button", name="Enviar mi actualización").click()
    owner.get_by_text("Gracias. Su actualización quedó guardada.").wait_for()

    owner.get_by_role("link", name="English").click()
    owner.get_by_role("heading", name="Your commitment").wait_for()
    assert_no_axe_violations(owner)
    owner.get_by_label("How is it going?").select_option("done")
    owner.get_by_label("A short note").fill("I brought the report today.")
    owner.get_by_role("button", name="Send my update").click()
    owner.get_by_text("Thank you. Your update is saved.").wait_for()
    owner.screenshot(path=f"{SHOTS}/commitment-owner-en.png", full_page=True)
    owner.context.close()

    db.session.commit()
    c = db.session.get(Commitment, c.id)
    assert c.status == "done"
    assert [u.note for u in c.updates[:2]] == ["I brought the report today.",
                                               "La cita con el médico es el jueves."]
    assert {u.via for u in c.updates[:2]} == {"owner_link"}
    page.goto(f"{live_server.url}/commitments/{c.id}")
    page.get_by_text("La cita con el médico es el jueves.").wait_for()


def test_the_family_view_and_the_staff_pages(page, browser, live_server, browser_sign_in,
                                             make_user):
    user = make_user("admin")
    meeting = _meeting(user.organization, user)
    for task, days, status in [("Observación en el salón", -2, "not_started"),
                               ("Hojas de práctica en español", 6, "in_progress")]:
        c = services.create_commitment(
            family_id=meeting.family_id, org_id=meeting.organization_id, task=task,
            owner=services.resolve_owner(meeting.organization_id, meeting, "",
                                         name="Omar Haddad"),
            due_on=services.today() + timedelta(days=days), meeting=meeting, check_due=False)
        c.status = status
    db.session.commit()
    browser_sign_in(page, user.email)
    for path, shot in [(f"/commitments/meetings/{meeting.id}", "meeting"),
                       ("/commitments/", "index"), ("/commitments/path", "path"),
                       ("/commitments/settings", "settings"), ("/", "home")]:
        page.goto(live_server.url + path)
        assert_no_axe_violations(page)
        page.screenshot(path=f"{SHOTS}/commitments-{shot}.png", full_page=True)
    page.goto(f"{live_server.url}/commitments/meetings/{meeting.id}")
    page.get_by_role("button", name="Make the family's link").click()
    link = page.get_by_label("Link").input_value()
    path = PATH_RE.search(link).group(0)

    family = browser.new_context(viewport={"width": 820, "height": 1100}).new_page()
    family.goto(live_server.url + path)
    family.get_by_role("heading", name="Lo que se acordó").wait_for()
    assert_no_axe_violations(family)
    card = family.locator("section", has_text="Observación en el salón")
    card.get_by_text("Esto no ha pasado").click()
    card.get_by_label("¿Qué no ha pasado?").fill("Nadie ha venido al salón.")
    card.get_by_role("button", name="Avisar al equipo").click()
    family.get_by_text("Gracias. Anotamos lo que nos dijo").wait_for()
    assert_no_axe_violations(family)
    family.screenshot(path=f"{SHOTS}/commitments-family-es.png", full_page=True)
    family.context.close()
    page.goto(f"{live_server.url}/commitments/?view=reported")
    page.get_by_text("Family says it has not happened").first.wait_for()
