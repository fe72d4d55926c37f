"""The read-back, step by step, and the summary from draft to final, then corrected: the
family's Word copy says which version it is and what a correction changed (English, Spanish)."""

from __future__ import annotations

import io
import json
import re
import zipfile

import docx
from helpers import post_form
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.room.models import ReadBackMark, SummaryVersion


def _docx_text(response) -> str:
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.get_data()))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _read_back_everything(client, meeting):
    base = f"/meetings/{meeting.id}/readback"
    assert "Start the read-back" in client.get(base).get_data(as_text=True)
    assert client.get(f"{base}/1").status_code == 200
    shown = client.get(f"/meetings/{meeting.id}/display/state.json").json["readback"]
    assert shown == {"step": 1, "total": 3, "kind": "agreement", "owner": "", "due": "",
                     "text": "Two 30-minute sessions a week"}
    first = post_form(client, f"{base}/1", {"text": "Two 30-minute sessions a week",
                                            "result": "confirmed", "placement": "iep"})
    assert first.status_code == 302 and first.location.endswith(f"{base}/2")
    assert client.get(f"/meetings/{meeting.id}/display/state.json").json["readback"]["step"] == 2
    second = post_form(client, f"{base}/2", {"text": "Start speech services on 8 March",
                                             "result": "confirmed", "placement": "iep"})
    assert second.status_code == 302
    no_owner = post_form(client, f"{base}/3", {"text": "Send the speech schedule", "owner": "",
                                               "due_date": "2027-03-01", "result": "confirmed",
                                               "placement": "side"})
    assert no_owner.status_code == 400
    assert "Name who will do this" in no_owner.get_data(as_text=True)
    no_place = post_form(client, f"{base}/3", {"text": "Send the speech schedule",
                                               "owner": "Ms. Chen", "due_date": "2027-03-01",
                                               "result": "confirmed"})
    assert "Say whether it belongs in the IEP" in no_place.get_data(as_text=True)
    last = post_form(client, f"{base}/3", {"text": "Send the speech schedule",
                                           "owner": "Ms. Chen (SLP)", "due_date": "2027-03-05",
                                           "result": "confirmed", "placement": "side"})
    assert last.status_code == 302 and last.location.endswith(f"{base}#final")
    assert client.get(f"/meetings/{meeting.id}/display/state.json").json["readback"] is None


def test_read_back_then_final_then_a_correction(client, signed_in, room_meeting):
    user, meeting = room_meeting(signed_in())
    early = post_form(client, f"/meetings/{meeting.id}/summary/final", {}, follow_redirects=True)
    assert "not read back yet" in early.get_data(as_text=True)
    _read_back_everything(client, meeting)
    db.session.rollback()
    marks = {(m.kind, m.result, m.placement) for m in db.session.execute(
        select(ReadBackMark)).scalars()}
    assert marks == {("agreement", "confirmed", "iep"), ("decision", "changed", "iep"),
                     ("action", "confirmed", "side")}
    draft = _docx_text(client.get(f"/meetings/{meeting.id}/summary.docx?lang=en"))
    assert "Final summary" not in draft and "This goes in the IEP." in draft
    assert "Ms. Chen (SLP)" in draft and "Start speech services on 8 March" in draft

    final = post_form(client, f"/meetings/{meeting.id}/summary/final", {},
                      follow_redirects=True)
    assert "Final, version 1" in final.get_data(as_text=True)
    one = _docx_text(client.get(f"/meetings/{meeting.id}/summary.docx?lang=en"))
    assert "Final summary, version 1" in one and "Side agreement: not part of the IEP." in one

    # The records change after the meeting: the family's copy stays locked to version 1.
    decision = meeting.decisions[0]
    post_form(client, f"/meetings/{meeting.id}/decisions/{decision.id}?next=live",
              {"text": "Start speech services on 15 March", "agreed_by": "Team"})
    still = _docx_text(client.get(f"/meetings/{meeting.id}/summary.docx?lang=en"))
    assert "8 March" in still and "15 March" not in still
    page = client.get(f"/meetings/{meeting.id}/readback").get_data(as_text=True)
    assert "The records changed since version 1" in page and "15 March" in page

    no_reason = post_form(client, f"/meetings/{meeting.id}/summary/correct", {"reason": ""})
    assert no_reason.status_code == 400
    assert "Say in a few words what the correction is for." in no_reason.get_data(as_text=True)
    made = post_form(client, f"/meetings/{meeting.id}/summary/correct",
                     {"reason": "The start date was wrong"})
    assert made.status_code == 302
    two = _docx_text(client.get(f"/meetings/{meeting.id}/summary.docx?lang=en"))
    assert "This summary was corrected" in two and "version 2" in two
    assert "It replaces version 1" in two
    assert "Start speech services on 8 March" in two and "Start speech services on 15 March" in two
    spanish = _docx_text(client.get(f"/meetings/{meeting.id}/summary.docx?lang=es"))
    assert "Este resumen fue corregido" in spanish and "versión 2" in spanish
    again = post_form(client, f"/meetings/{meeting.id}/summary/correct", {"reason": "Again"})
    assert again.status_code == 400 and "Nothing in the summary changed" in again.get_data(
        as_text=True)
    db.session.rollback()
    numbers = [v.number for v in db.session.execute(select(SummaryVersion)).scalars()]
    assert sorted(numbers) == [1, 2]


def test_the_family_export_holds_the_snapshot_and_the_versions(client, signed_in,
                                                               room_meeting):
    user, meeting = room_meeting(signed_in("admin"))
    _read_back_everything(client, meeting)
    post_form(client, f"/meetings/{meeting.id}/summary/final", {})
    post_form(client, f"/meetings/{meeting.id}/display/clear", {})
    asked = post_form(client, f"/families/{meeting.family_id}/export", {},
                      token_from="/account")
    assert asked.status_code == 302  # the export is built by a queue task (run at once here)
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]+/download)"', page)
    assert link, page[:2000]
    response = client.get(link.group(1))
    zf = zipfile.ZipFile(io.BytesIO(response.get_data()))
    response.close()
    name = next(n for n in zf.namelist() if n.endswith("/meeting.json"))
    data = json.loads(zf.read(name))
    assert data["room_display"]["snapshot"]["decisions"][0]["text"] == \
        "Start speech services on 8 March"
    assert [v["number"] for v in data["summary_versions"]] == [1]
    assert len(data["readback_marks"]) == 3
    docx_name = next(n for n in zf.namelist() if n.endswith(".docx"))
    assert b"word/document.xml" in zf.read(docx_name)[:2000] or zf.read(docx_name)
