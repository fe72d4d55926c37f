"""The owner's link and the family's link: no account, in the reader's language, every use
recorded; an expired or withdrawn link says so and changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta

from helpers import post_form

from facilitator.audit.models import AccessEntry
from facilitator.commitments import services
from facilitator.commitments.models import Commitment, CommitmentUpdate
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.links.models import ExternalLink
from facilitator.notify.models import OutboxMessage

LINK_RE = re.compile(r"https?://[^\s]+/(c|f)/([A-Za-z0-9_\-]+)")


def _commitment(meeting, owner: str, task="Send the progress data", days=10) -> Commitment:
    p = next(x for x in meeting.participants if x.name == owner)
    c = services.create_commitment(
        family_id=meeting.family_id, org_id=meeting.organization_id, task=task,
        owner=services.resolve_owner(meeting.organization_id, meeting, f"participant-{p.id}"),
        due_on=services.today() + timedelta(days=days), meeting=meeting)
    db.session.commit()
    return c


def _csrf(client, path):
    from helpers import CSRF_RE

    return CSRF_RE.search(client.get(path).get_data(as_text=True)).group(1)


def test_the_owner_gets_a_link_in_their_language_and_reports_progress(
        client, signed_in, held_meeting, app):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    c = _commitment(meeting, "Lucía Alvarez", task="Llevar el informe del médico")
    assert c.owner_language == "es"
    r = post_form(client, f"/commitments/{c.id}/link")
    assert r.status_code == 302
    message = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "commitment_link")).scalar_one()
    assert message.language == "es" and message.recipient == "lucia@example.org"
    assert "Llevar el informe del médico" in message.body and "Fecha límite" in message.body
    url = LINK_RE.search(message.body).group(0)
    assert url.startswith(app.config["PUBLIC_BASE_URL"].rstrip("/"))
    path = "/c/" + url.rsplit("/c/", 1)[1]

    post_form(client, "/logout")
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Su compromiso" in text and "Llevar el informe del médico" in text
    english = client.get(path + "?lang=en").get_data(as_text=True)
    assert "Your commitment" in english
    r = client.post(path, data={"csrf_token": _csrf(client, path), "status": "done",
                                "note": "Lo entregué el lunes"})
    assert r.status_code == 302
    db.session.expire_all()
    c = db.session.get(Commitment, c.id)
    assert c.status == "done" and c.done_on == services.today()
    last = c.updates[0]
    assert (last.via, last.by_name, last.note, last.status_from) == (
        "owner_link", "Lucía Alvarez", "Lo entregué el lunes", "not_started")
    assert "Gracias. Su actualización quedó guardada." in client.get(
        r.headers["Location"]).get_data(as_text=True)
    uses = db.session.execute(db.select(AccessEntry).where(
        AccessEntry.record_kind == "external_link")).scalars().all()
    assert len(uses) >= 2 and all(u.reference == "commitment_update" for u in uses)


def test_an_expired_or_withdrawn_owner_link_says_so_and_changes_nothing(
        client, signed_in, held_meeting):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    c = _commitment(meeting, "Omar Haddad")
    post_form(client, f"/commitments/{c.id}/link")
    body = db.session.execute(db.select(OutboxMessage.body)).scalar_one()
    path = "/c/" + LINK_RE.search(body).group(2)
    token = LINK_RE.search(body).group(2)
    csrf = _csrf(client, path)
    link = db.session.execute(db.select(ExternalLink)).scalar_one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    before = db.session.execute(db.select(db.func.count(CommitmentUpdate.id))).scalar()
    r = client.post(path, data={"csrf_token": csrf, "status": "done", "note": "late"})
    assert r.status_code == 410 and "This link has expired. Nothing was changed." in \
        r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).status == "not_started"
    assert db.session.execute(db.select(db.func.count(CommitmentUpdate.id))).scalar() == before
    # A new owner: the old owner's links are withdrawn.
    link.expires_at = utcnow() + timedelta(days=3)
    db.session.commit()
    assert client.get(path).status_code == 200
    post_form(client, f"/commitments/{c.id}/owner", {"owner_name": "Someone else"})
    assert client.get(path).status_code == 410
    assert client.get("/c/" + token[::-1]).status_code == 404


def test_the_family_sees_the_commitments_and_says_one_has_not_happened(
        client, signed_in, held_meeting):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    c = _commitment(meeting, "Omar Haddad", task="Observación en el salón")
    r = post_form(client, f"/commitments/meetings/{meeting.id}/family-link", {"language": "es"})
    assert r.status_code == 200
    path = "/f/" + LINK_RE.search(r.get_data(as_text=True)).group(2)
    post_form(client, "/logout")
    page = client.get(path).get_data(as_text=True)
    assert "Lo que se acordó" in page and "Observación en el salón" in page
    assert "Sin empezar" in page and "Not started" not in page
    r = client.post(f"{path}/{c.id}", data={"csrf_token": _csrf(client, path), "note": ""})
    assert r.status_code == 400 and "Díganos en pocas palabras" in r.get_data(as_text=True)
    r = client.post(f"{path}/{c.id}", data={"csrf_token": _csrf(client, path),
                                            "note": "Nadie ha venido al salón"})
    assert r.status_code == 302
    db.session.expire_all()
    c = db.session.get(Commitment, c.id)
    assert c.family_reported_at is not None and c.status == "not_started"
    assert (c.updates[0].kind, c.updates[0].via, c.updates[0].note) == (
        "family_not_happened", "family_link", "Nadie ha venido al salón")
    entries = db.session.execute(db.select(AccessEntry).where(
        AccessEntry.family_id == meeting.family_id,
        AccessEntry.record_kind == "external_link")).scalars().all()
    assert entries and entries[-1].reference == "family_commitments"
    # The facilitator and the district see it.
    from helpers import sign_in

    sign_in(client, user.email)
    assert "Nadie ha venido al salón" in client.get(f"/commitments/{c.id}").get_data(
        as_text=True)
    assert "Observación en el salón" in client.get("/commitments/?view=reported").get_data(
        as_text=True)
    assert "Families say these have not happened" in client.get("/").get_data(as_text=True)
