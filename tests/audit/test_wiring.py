"""Each access to a family's records leaves one entry, in the same transaction; the pages
and CSV exports of the record of access and the staff access list."""

from __future__ import annotations

import csv
import io

from helpers import post_form

from facilitator.audit.models import AccessEntry
from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from facilitator.packets.models import Document


def _get(client, url: str, status: int = 200):
    response = client.get(url)
    response.get_data()
    response.close()  # a file download keeps its file open until closed
    assert response.status_code == status, url
    return response


def _entries(org_id):
    db.session.commit()
    return [(e.action, e.record_kind, e.record_id, e.family_id) for e in db.session.execute(
        db.select(AccessEntry).where(AccessEntry.organization_id == org_id)
        .order_by(AccessEntry.seq)).scalars()]


def test_every_access_is_recorded(client, signed_in, full_family):
    user = signed_in("admin")
    org = user.organization
    family = full_family(org, user)
    fid = family.id
    doc = db.session.execute(db.select(Document).where(Document.family_id == fid)).scalars().first()
    meeting = db.session.execute(db.select(Meeting).where(Meeting.family_id == fid)
                                 .order_by(Meeting.id)).scalars().first()  # the first of its two
    doc_id, meeting_id = doc.id, meeting.id
    _get(client, f"/families/{fid}")
    _get(client, f"/records/families/{fid}/documents/{doc_id}/download")
    _get(client, f"/meetings/{meeting_id}/live")
    _get(client, f"/meetings/{meeting_id}/notes/versions")
    _get(client, f"/meetings/{meeting_id}/notes/versions/1")
    _get(client, f"/meetings/{meeting_id}/summary.docx")
    _get(client, "/adr/cases/export.csv")
    assert _entries(org.id) == [
        ("viewed", "family", fid, fid),
        ("downloaded", "document", doc_id, fid),
        ("viewed", "meeting_notes", meeting_id, fid),
        ("viewed", "meeting_notes", meeting_id, fid),
        ("viewed", "meeting_notes", meeting_id, fid),
        ("downloaded", "meeting_summary", meeting_id, fid),
        ("exported", "cases_export", None, None),
    ]
    page = client.get(f"/families/{fid}").get_data(as_text=True)
    assert "Record of access" in page and "Downloaded" in page and "Meeting summary" in page


def test_another_organizations_family_is_404_and_not_recorded(client, signed_in, make_user,
                                                             full_family):
    other = make_user("admin")
    family = full_family(other.organization, other)
    user = signed_in("admin")
    assert client.get(f"/families/{family.id}").status_code == 404
    assert client.get(f"/families/{family.id}/record-of-access").status_code == 404
    assert _entries(user.organization_id) == [] and _entries(other.organization_id) == []


def test_family_record_of_access_is_paged_newest_first(app, client, signed_in, full_family):
    app.config["PAGE_SIZE"] = 2
    user = signed_in("facilitator")
    family = full_family(user.organization, user)
    for _ in range(3):
        client.get(f"/families/{family.id}")
    client.get(f"/meetings/{family.meetings[0].id}/live")
    html = client.get(f"/families/{family.id}/record-of-access").get_data(as_text=True)
    assert "Page 1 of 2" in html and "Meeting notes" in html
    assert html.count("<tr><td>") == 2
    _get(client, f"/families/{family.id}/record-of-access?page=2")


def test_admin_exports_the_record_of_access_formula_safe(client, signed_in, make_user):
    from facilitator import audit

    admin = signed_in("admin", name="=cmd|' /C calc'!A0")
    audit.record(audit.Action.DISCLOSED, audit.RecordKind.PACKET, 7, family_id=3,
                 recipient="=HYPERLINK(\"http://x\")", purpose="+mediation", user=admin)
    db.session.commit()
    response = _get(client, "/admin/record-of-access.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["seq", "at_utc", "user_id"]
    assert rows[1][5:11] == ["disclosed", "packet", "7", "3", "'=HYPERLINK(\"http://x\")",
                             "'+mediation"]
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
    assert _entries(admin.organization_id)[-1] == ("exported", "access_record_export", None, None)
    facilitator = make_user("facilitator", org=admin.organization)
    client.post("/logout", data={"csrf_token": _token(client)})
    from helpers import sign_in

    sign_in(client, facilitator.email)
    assert client.get("/admin/record-of-access.csv").status_code == 403
    assert client.get("/admin/staff-access").status_code == 403


def _token(client):
    from helpers import csrf_token

    return csrf_token(client, "/account")


def test_staff_access_list_follows_live_permissions(client, signed_in, make_user):
    admin = signed_in("admin", name="Dana Okafor")
    org = admin.organization
    psych = make_user("facilitator", org=org, name="Luis Moreno")
    make_user("analyst", org=org, name="Priya Raman")
    gone = make_user("advocate", org=org, name="Former Person")
    make_user("advocate", name="Other Org Person")
    response = post_form(client, f"/admin/users/{psych.id}", {
        "name": "Luis Moreno", "position": "School psychologist", "role": "facilitator",
        "active": "y"})
    assert response.status_code == 302
    post_form(client, f"/admin/users/{gone.id}", {"name": "Former Person", "role": "advocate"})
    html = client.get("/admin/staff-access").get_data(as_text=True)
    assert "School psychologist" in html and "Priya Raman" in html and "Dana Okafor" in html
    assert "Former Person" not in html and "Other Org Person" not in html
    body = _get(client, "/admin/staff-access.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["name", "position", "role", "email", "what they can do"]
    assert [r[0] for r in rows[1:]] == ["Dana Okafor", "Luis Moreno", "Priya Raman"]
    assert rows[2][1:3] == ["School psychologist", "Facilitator"]
    assert "prepares and runs meetings" in rows[2][4] and "edits" not in rows[3][4]
