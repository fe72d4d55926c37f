"""Parents' rights: everything about a family in one ZIP, and destruction on request."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from helpers import post_form
from sqlalchemy import text

from facilitator.adr import report
from facilitator.adr.models import AdrCase
from facilitator.audit.models import AccessEntry
from facilitator.audit.services import verify_chain
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.packets.models import Document
from facilitator.rights.models import DestructionCertificate


def export_zip(client, family_id: int, data: dict | None = None):
    """Ask for the export as a person does, follow to its page, and download the ZIP."""
    asked = post_form(client, f"/families/{family_id}/export", data or {},
                      token_from="/account")
    assert asked.status_code == 302, asked.get_data(as_text=True)[:500]
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="([^"]+/download)"', page)
    assert link, page
    return client.get(link.group(1))


def _audit(org_id):
    db.session.commit()
    return db.session.execute(db.select(AccessEntry).where(
        AccessEntry.organization_id == org_id).order_by(AccessEntry.seq)).scalars().all()


def test_the_export_holds_everything_with_a_manifest(client, signed_in, full_family):
    user = signed_in("advocate")
    family = full_family(user.organization, user, canary="export-check")
    docs = db.session.execute(db.select(Document).where(Document.family_id == family.id)
                              .order_by(Document.id)).scalars().all()
    stored = [(Path(client.application.config["STORAGE_DIR"]) / d.storage_key).read_bytes()
              for d in docs]
    response = export_zip(client, family.id)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Cache-Control"] == "no-store"
    data = response.get_data()
    response.close()
    zf = zipfile.ZipFile(io.BytesIO(data))
    names = set(zf.namelist())
    manifest = json.loads(zf.read("manifest.json"))["files"]
    assert set(manifest) == names - {"manifest.json"}
    for name, info in manifest.items():
        assert hashlib.sha256(zf.read(name)).hexdigest() == info["sha256"], name
    doc_files = sorted(n for n in names if n.startswith("documents/0"))
    assert [zf.read(n) for n in doc_files] == stored
    # The meeting with notes (its continued follow-on has none yet).
    folder = next(n.split("/notes-versions/")[0] for n in names if "/notes-versions/" in n)
    versions = sorted(n for n in names if n.startswith(f"{folder}/notes-versions/"))
    assert len(versions) == 3
    assert zf.read(versions[0]).decode().startswith("notes version 0 export-check")
    assert zf.read(f"{folder}/notes.txt").decode().startswith("notes version 2")
    assert any(n.startswith(folder) and n.endswith(".docx") for n in names)
    meeting_json = json.loads(zf.read(f"{folder}/meeting.json"))
    assert meeting_json["family_input"][0]["strengths"] == "Strengths export-check"
    assert meeting_json["family_input"][0]["concerns"][0]["text"] == "Family concern export-check"
    index = zf.read("index.html").decode()
    for expected in ("Student export-check", "Parent export-check", "Loves trains export-check",
                     "Concern raised export-check", "Decided export-check"):
        assert expected in index
    assert "Concern raised export-check" in zf.read("timeline.csv").decode()
    assert "Decided export-check" in zf.read("decision-log.csv").decode()
    assert f"C-{family.id}" in zf.read("dispute-resolution-cases.csv").decode()
    commitments = json.loads(zf.read("commitments.json"))
    assert commitments["commitments"][0]["task"] == "Send the report export-check"
    assert "Not yet export-check" in [h["note"] for h in commitments["commitments"][0]["history"]]
    assert len(commitments["reviews"]) == 1
    entries = _audit(user.organization_id)
    assert [(e.action, e.record_kind, e.family_id) for e in entries][-2:] == [
        ("exported", "family_export", family.id), ("downloaded", "family_export", family.id)]


def test_an_export_given_outside_needs_recipient_and_purpose(client, signed_in, full_family):
    user = signed_in("advocate")
    family = full_family(user.organization, user)
    url = f"/families/{family.id}/export"
    before = len(_audit(user.organization_id))
    refused = post_form(client, url, {"recipient": "Mrs. Lopez"}, token_from="/account")
    assert refused.status_code == 400 and "Say why" in refused.get_data(as_text=True)
    assert len(_audit(user.organization_id)) == before
    given = post_form(client, url, {"recipient": "Mrs. Lopez (parent)",
                                    "purpose": "Parent's request to inspect"},
                      token_from="/account")
    assert given.status_code == 302
    last = _audit(user.organization_id)[-2:]
    assert [e.action for e in last] == ["exported", "disclosed"]
    assert (last[1].recipient, last[1].purpose) == ("Mrs. Lopez (parent)",
                                                    "Parent's request to inspect")


def _raw_files(app) -> list[Path]:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    files = []
    if url.startswith("sqlite:///"):
        dbfile = Path(url.removeprefix("sqlite:///"))
        files += [p for p in (dbfile, Path(f"{dbfile}-wal")) if p.exists()]
    files += [p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file()]
    return files


def test_destruction_leaves_a_certificate_and_no_trace(app, client, signed_in, make_user,
                                                      full_family):
    admin = signed_in("admin")
    org_id = admin.organization_id
    canary = "CANARY" + uuid.uuid4().hex
    family = full_family(admin.organization, admin, canary=canary)
    keep = full_family(admin.organization, admin, canary="kept-family")
    fid, name = family.id, family.student_name
    client.get(f"/families/{fid}").close()  # an entry that must survive the destruction
    year = db.session.execute(db.select(AdrCase.school_year)).scalars().first()
    before_618 = report.report(org_id, year)
    assert any(canary.encode() in p.read_bytes() for p in _raw_files(app))  # planted
    url = f"/families/{fid}/destroy"
    relfile = "SELECT pg_relation_filenode('families')"
    postgres = db.engine.dialect.name == "postgresql"
    file_before = db.session.execute(text(relfile)).scalar() if postgres else None

    facilitator = make_user("facilitator", org=admin.organization)
    assert facilitator  # a non-admin cannot (checked below, after this admin is done)
    wrong = post_form(client, url, {"student_name": "Someone Else"}, token_from=url)
    assert wrong.status_code == 400 and "That is not the student" in wrong.get_data(as_text=True)
    assert db.session.get(Family, fid) is not None

    done = post_form(client, url, {"student_name": f"  {name.lower()} "}, token_from=url)
    assert done.status_code == 302
    reference = done.headers["Location"].rsplit("/", 1)[1]
    db.session.commit()
    for path in _raw_files(app):
        assert canary.encode() not in path.read_bytes(), path
    assert db.session.get(Family, fid) is None
    assert db.session.get(Family, keep.id) is not None
    assert db.session.execute(db.select(Document).where(Document.family_id == fid)).first() is None
    case = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == f"C-{fid}")).scalar_one()
    assert (case.family_id, case.meeting_id, case.notes) == (None, None, "")
    assert case.student_ref.startswith("anon-")
    assert report.report(org_id, year) == before_618  # the 618 counts do not change

    cert = db.session.execute(db.select(DestructionCertificate).where(
        DestructionCertificate.reference == reference)).scalar_one()
    counts = dict(cert.counts)
    assert counts["Family record (student)"] == 1 and counts["Documents"] == 2
    # The meeting and its follow-on (continued), with the family's input before it.
    assert counts["Meetings"] == 2 and counts["Meeting notes versions"] == 3
    assert counts["Links between continued meetings"] == 1
    assert counts["The family's input before meetings"] == 1
    assert counts["Concerns the family wrote before meetings"] == 1
    assert counts["Guardians and contacts"] == 1 and counts["Timeline events"] == 1
    assert cert.files_removed == 2 and cert.cases_anonymized == 1
    assert canary not in json.dumps(cert.counts)
    page = client.get(f"/admin/destruction-certificates/{reference}").get_data(as_text=True)
    assert reference in page and "Meeting notes versions" in page and canary not in page

    entries = _audit(org_id)
    assert ("viewed", "family", fid) in [(e.action, e.record_kind, e.family_id) for e in entries]
    last = entries[-1]
    assert (last.action, last.record_id, last.reference) == ("destroyed", fid, reference)
    assert verify_chain(org_id)[1] is None

    if db.engine.dialect.name == "postgresql":
        # VACUUM (FULL) rewrote the table into a new file: the old pages are gone.
        assert db.session.execute(text(relfile)).scalar() != file_before


def test_only_an_admin_who_signed_in_again_can_destroy(client, signed_in, make_user, full_family):
    import time

    user = signed_in("facilitator")
    family = full_family(user.organization, user)
    assert client.get(f"/families/{family.id}/destroy").status_code == 403
    admin = make_user("admin", org=user.organization)
    client.post("/logout", data={"csrf_token": _token(client)})
    from helpers import sign_in

    sign_in(client, admin.email)
    with client.session_transaction() as sess:
        sess["fresh"] = int(time.time()) - 600
    response = post_form(client, f"/families/{family.id}/destroy",
                         {"student_name": family.student_name}, token_from="/account")
    assert response.status_code == 302 and "/reauth" in response.headers["Location"]
    assert db.session.get(Family, family.id) is not None


def _token(client):
    from helpers import csrf_token

    return csrf_token(client, "/account")


@pytest.mark.parametrize("building", [True])
def test_no_destruction_while_a_packet_builds(client, signed_in, full_family, building):
    from facilitator.db import utcnow
    from facilitator.packets.services import create_packet

    admin = signed_in("admin")
    family = full_family(admin.organization, admin)
    pkt = create_packet(family, title="Packet")
    pkt.status, pkt.updated_at = "building", utcnow()
    db.session.commit()
    url = f"/families/{family.id}/destroy"
    response = post_form(client, url, {"student_name": family.student_name}, token_from=url)
    assert response.status_code == 400 and "being built" in response.get_data(as_text=True)
    assert db.session.get(Family, family.id) is not None
