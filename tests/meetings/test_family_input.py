"""The family's voice before the meeting: the guardian's link in their language, a review
step, sharing, changing until the meeting starts, and the facilitator's Prepare page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from helpers import post_form

from facilitator.audit.models import AccessEntry
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact
from facilitator.meetings.live_models import Concern
from facilitator.meetings.mail import sync_invitations
from facilitator.meetings.models import Meeting
from facilitator.notify.models import OutboxMessage
from facilitator.voice.models import FamilyInput

LINK = re.compile(r"https?://\S+/family-input/([A-Za-z0-9_\-]+)")


@pytest.fixture()
def spanish_meeting(make_family, make_meeting):
    def factory(org):
        family = make_family(org, name="Mateo Alvarez", primary_language="Spanish")
        db.session.add(Contact(organization_id=org.id, family=family, name="Lucía Alvarez",
                               email="lucia@example.org", preferred_language="Spanish"))
        db.session.commit()
        return make_meeting(org, family=family)

    return factory


def _send(client, meeting, how="now"):
    guardian = next(p for p in meeting.participants if p.role == "parent")
    return post_form(client, f"/meetings/{meeting.id}/family-input/send",
                     {"participant_id": guardian.id, "how": how},
                     token_from=f"/meetings/{meeting.id}/prepare")


def _token(meeting_id, kind="family_input"):
    db.session.rollback()
    body = db.session.execute(db.select(OutboxMessage.body).where(
        OutboxMessage.meeting_id == meeting_id, OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc())).scalars().first()
    return LINK.search(body).group(1)


ANSWERS = {"strengths": "Le encanta dibujar trenes.", "working": "La maestra de lectura.",
           "concern_1": "Las horas de terapia del habla bajaron de 4 a 2.",
           "concern_2": "No recibe los apuntes a tiempo.", "priorities": "Volver a 4 horas.",
           "questions": "¿Quién decide las horas?", "bringing": "Mi hermana",
           "need_interpreter": "y", "needs_note": "Después de las 3."}


def test_guardian_writes_reviews_shares_and_changes_it_in_spanish(app, client, signed_in,
                                                                  spanish_meeting):
    user = signed_in("facilitator")
    meeting = spanish_meeting(user.organization)
    assert _send(client, meeting).status_code == 302
    message = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "family_input")).scalar_one()
    assert message.language == "es" and message.recipient == "lucia@example.org"
    assert "Antes de la reunión" in message.subject and "Lucía" in message.body
    token = _token(meeting.id)
    family = app.test_client()
    page = family.get(f"/family-input/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="es"' in html
    assert "Las fortalezas e intereses de su hijo o hija" in html
    assert "Revisar lo que escribí" in html
    # Nothing written: the review step says what to do.
    r = post_form(family, f"/family-input/{token}", {"step": "review"},
                  token_from=f"/family-input/{token}")
    assert r.status_code == 400 and "Todavía no ha escrito nada" in r.get_data(as_text=True)
    # Too long: the field says so, in Spanish.
    r = post_form(family, f"/family-input/{token}", {"step": "review", "strengths": "x" * 2001},
                  token_from=f"/family-input/{token}")
    assert r.status_code == 400 and "2000 caracteres o menos" in r.get_data(as_text=True)
    # The review step shows it all and shares nothing yet.
    r = post_form(family, f"/family-input/{token}", {"step": "review", **ANSWERS},
                  token_from=f"/family-input/{token}")
    review = r.get_data(as_text=True)
    assert r.status_code == 200 and "Compartir con el equipo" in review
    assert ANSWERS["concern_1"] in review and "Un intérprete" in review
    db.session.rollback()
    item = db.session.execute(db.select(FamilyInput)).scalar_one()
    assert item.status == "waiting" and item.strengths == ""
    r = post_form(family, f"/family-input/{token}", {"step": "share", "action": "share",
                                                      **ANSWERS},
                  token_from=f"/family-input/{token}")
    assert r.status_code == 200 and "Gracias" in r.get_data(as_text=True)
    db.session.rollback()
    item = db.session.execute(db.select(FamilyInput)).scalar_one()
    assert item.status == "shared" and item.need_interpreter and not item.need_childcare
    assert [c.text for c in item.concerns] == [ANSWERS["concern_1"], ANSWERS["concern_2"]]
    # Every use of the link is in the record of access.
    uses = db.session.execute(db.select(AccessEntry.action).where(
        AccessEntry.record_kind == "external_link")).scalars().all()
    assert "submitted" in uses and "viewed" in uses
    # Afterwards the link shows what was shared, and can change it until the meeting starts.
    html = family.get(f"/family-input/{token}").get_data(as_text=True)
    assert "Lo que compartió con el equipo" in html and "Cambiar mis respuestas" in html
    html = family.get(f"/family-input/{token}?change=1").get_data(as_text=True)
    assert "No recibe los apuntes a tiempo." in html and "<textarea" in html

    # The facilitator reads it on the Prepare page (recorded) and puts a concern on the board.
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Le encanta dibujar trenes." in html and "an interpreter" in html
    assert db.session.execute(db.select(AccessEntry).where(
        AccessEntry.record_kind == "family_input")).scalars().first() is not None
    concern = item.concerns[0]
    path = f"/meetings/{meeting.id}/family-input/concerns/{concern.id}/board"
    assert post_form(client, path, {}).status_code == 302
    assert post_form(client, path, {}).status_code == 302  # twice: still one on the board
    db.session.rollback()
    board = db.session.execute(db.select(Concern)).scalars().all()
    assert len(board) == 1 and board[0].title == ANSWERS["concern_1"]
    assert ANSWERS["concern_1"] in board[0].positions

    # Sending again makes a new link; the old one stops working.
    _send(client, meeting)
    assert family.get(f"/family-input/{token}").status_code == 404
    new = _token(meeting.id)
    assert family.get(f"/family-input/{new}").status_code == 200
    # Once the meeting has started, the form is read-only.
    db.session.rollback()
    m = db.session.get(Meeting, meeting.id)
    m.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    r = post_form(family, f"/family-input/{new}", {"step": "share", "action": "share",
                                                    "strengths": "Changed"},
                  token_from="/login")
    assert "ya no se puede cambiar" in r.get_data(as_text=True)
    db.session.rollback()
    assert db.session.execute(db.select(FamilyInput)).scalar_one().strengths == ANSWERS["strengths"]


def test_the_link_can_go_in_the_invitation(client, signed_in, spanish_meeting, make_org):
    user = signed_in("facilitator")
    meeting = spanish_meeting(user.organization)
    assert _send(client, meeting, how="invitation").status_code == 302
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting.id)
    sync_invitations(meeting)
    db.session.commit()
    token = _token(meeting.id, kind="invitation")
    invitation = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "invitation", OutboxMessage.language == "es")).scalar_one()
    assert "sin una cuenta" in invitation.body
    assert client.get(f"/family-input/{token}").status_code == 200
    # Another organization's meeting, or a guardian of another meeting: 404, nothing sent.
    other = spanish_meeting(make_org())
    guardian = other.participants[0]
    r = post_form(client, f"/meetings/{other.id}/family-input/send",
                  {"participant_id": guardian.id, "how": "now"})
    assert r.status_code == 404
    r = post_form(client, f"/meetings/{meeting.id}/family-input/send",
                  {"participant_id": guardian.id, "how": "now"})
    assert r.status_code == 302
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id)).where(
        OutboxMessage.kind == "family_input")).scalar_one() == 0


def test_an_unknown_link_says_so_in_plain_words(client):
    r = client.get("/family-input/not-a-real-token?lang=es")
    assert r.status_code == 404 and "Este enlace no se puede usar" in r.get_data(as_text=True)
