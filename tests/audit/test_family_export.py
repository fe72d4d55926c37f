"""The family export (34 CFR 300.613) as a queue task: progress, download, mail, expiry."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from helpers import post_form
from mailtest import plan

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.rights.models import FamilyExport
from facilitator.tasks import run_due_work


def _ask(client, family_id: int) -> str:
    asked = post_form(client, f"/families/{family_id}/export", {}, token_from="/account")
    assert asked.status_code == 302, asked.get_data(as_text=True)[:500]
    return asked.headers["Location"]


def _download_link(html: str) -> str | None:
    match = re.search(r'href="([^"]+/download)"', html)
    return match.group(1) if match else None


def test_the_export_is_built_by_the_worker_with_a_page_that_shows_progress(
        app, client, signed_in, full_family, real_queue):
    user = signed_in("advocate")
    family = full_family(user.organization, user)
    page_url = _ask(client, family.id)  # the request only asks: nothing is built in it
    page = client.get(page_url).get_data(as_text=True)
    assert "<progress" in page and "packets.js" in page and _download_link(page) is None
    status = client.get(f"{page_url}/status").get_json()
    assert status["building"] and not status["ready"] and status["total"] >= 4
    storage = Path(app.config["STORAGE_DIR"])
    assert not list(storage.glob("exports/**/*.zip"))

    assert real_queue() == 1  # the worker's task
    status = client.get(f"{page_url}/status").get_json()
    assert status["ready"] and status["percent"] == 100 and not status["building"]
    page = client.get(page_url).get_data(as_text=True)
    link = _download_link(page)
    assert link and "Ready" in page
    zips = list(storage.glob("exports/**/*.zip"))
    assert len(zips) == 1
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.get_data() == zips[0].read_bytes()
    response.close()
    assert real_queue() == 0  # safe twice: nothing left, and a rerun would be a no-op


def test_an_export_expires_and_its_file_is_deleted(app, client, signed_in, full_family):
    user = signed_in("advocate")
    family = full_family(user.organization, user)
    page_url = _ask(client, family.id)
    link = _download_link(client.get(page_url).get_data(as_text=True))
    assert link
    export = db.session.execute(db.select(FamilyExport)).scalar_one()
    path = Path(app.config["STORAGE_DIR"]) / export.storage_key
    assert path.exists()
    counts = run_due_work(utcnow() + timedelta(hours=app.config["FAMILY_EXPORT_HOURS"], minutes=1))
    assert counts["exports_expired"] == 1 and not path.exists()
    assert client.get(link).status_code == 410
    assert "has expired" in client.get(page_url).get_data(as_text=True)


def test_the_export_holds_every_message_about_the_family_with_its_attachments(
        client, signed_in, full_family):
    user = signed_in("facilitator")
    family = full_family(user.organization, user)
    meeting = plan(family, user, days=3)
    run_due_work()  # the worker's clock queues the invitation, with its calendar file
    sent = post_form(client, f"/meetings/{meeting.id}/summary/send",
                     {"language": "en", "nonce": "once"},
                     token_from=f"/meetings/{meeting.id}/after")
    assert sent.status_code == 302
    messages = db.session.execute(db.select(OutboxMessage).order_by(
        OutboxMessage.created_at, OutboxMessage.id)).scalars().all()
    assert {m.kind for m in messages} >= {"invitation", "summary"}
    assert all(m.family_id == family.id for m in messages)

    page_url = _ask(client, family.id)
    response = client.get(_download_link(client.get(page_url).get_data(as_text=True)))
    zf = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    listing = json.loads(zf.read("mail/messages.json"))
    assert [m["id"] for m in listing] == [m.id for m in messages]
    for m, entry in zip(messages, listing, strict=True):
        mail = message_from_bytes(zf.read(entry["file"]), policy=policy.default)
        assert mail["Subject"].strip() == m.subject and m.recipient in mail["To"]
        if m.attachment is not None:
            assert zf.read(entry["attachment_file"]) == m.attachment
            assert [a.get_filename() for a in mail.iter_attachments()] == [m.attachment_name]
    assert any(e["attachment_file"] and e["attachment_file"].endswith(".docx") for e in listing)
    index = zf.read("index.html").decode()
    assert "Mail about the family" in index and listing[0]["file"] in index


def test_the_destruction_certificates_are_in_the_admin_navigation(client, signed_in):
    signed_in("admin")
    home = client.get("/").get_data(as_text=True)
    users = re.search(r'<nav class="site-nav".*?href="([^"]+)"[^>]*>Users</a>', home, re.S)
    assert users
    page = client.get(users.group(1)).get_data(as_text=True)
    link = re.search(r'href="([^"]+)"[^>]*>Destruction certificates</a>', page)
    assert link and client.get(link.group(1)).status_code == 200


def test_a_message_about_a_meeting_must_name_its_family(app):
    import pytest

    from facilitator.notify.services import queue_message

    with pytest.raises(ValueError, match="names its family"):
        queue_message(organization_id=1, key="k", kind="invitation", recipient="a@example.org",
                      template="invitation", meeting_id=1)
