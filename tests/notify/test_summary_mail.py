"""The family's summary and action plan sent to the guardians when the facilitator chooses."""

from __future__ import annotations

import io
import re

from docx import Document as Docx
from helpers import post_form
from mailtest import attachment_of, family_with_guardian, plan

from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage


def _form(client, meeting) -> dict:
    html = client.get(f"/meetings/{meeting.id}/after").get_data(as_text=True)
    nonce = re.search(r'name="nonce" value="([^"]+)"', html).group(1)
    selected = re.search(r'<option value="(\w+)" selected', html).group(1)
    return {"nonce": nonce, "language": selected}


def test_the_summary_goes_to_the_guardians_once_per_click(client, signed_in, smtp):
    user = signed_in("facilitator")
    family = family_with_guardian(user.organization, primary="Spanish")
    meeting = plan(family, user, days=-1)
    form = _form(client, meeting)
    assert form["language"] == "es"  # the family's language is chosen first
    path = f"/meetings/{meeting.id}/summary/send"
    r = post_form(client, path, form, token_from=f"/meetings/{meeting.id}/after",
                  follow_redirects=True)
    assert "on its way to 1 guardian" in r.get_data(as_text=True)
    mails = smtp.inbox.to("rosa@example.org")
    # Sent in Spanish, the family's language: the subject is Spanish too.
    summary = [m for m in mails if m["Subject"].startswith("Resumen de la reunión")]
    assert len(summary) == 1 and "Maya" not in summary[0]["Subject"]
    name = next(summary[0].iter_attachments()).get_filename()
    assert name.endswith(".docx")
    document = Docx(io.BytesIO(attachment_of(summary[0], name)))
    assert any("Agree on speech services" in p.text for p in document.paragraphs)
    message = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "summary")).scalar_one()
    assert message.language == "es" and message.meeting_id == meeting.id
    # The same form posted again (a double click, a reload) sends nothing new.
    r = post_form(client, path, form, token_from=f"/meetings/{meeting.id}/after",
                  follow_redirects=True)
    assert "already sent" in r.get_data(as_text=True)
    assert len([m for m in smtp.inbox.messages if m["Subject"].startswith("Resumen")]) == 1
    # Without the CSRF token: refused.
    assert client.post(path, data=form).status_code == 400


def test_only_meeting_editors_send_the_summary(client, signed_in, make_user, smtp):
    user = signed_in("analyst")
    meeting = plan(family_with_guardian(user.organization), days=-1)
    r = post_form(client, f"/meetings/{meeting.id}/summary/send",
                  {"nonce": "x", "language": "en"})
    assert r.status_code == 403
