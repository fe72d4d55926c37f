"""A packet from start to files, through the pages an advocate uses: choose,
order, write the narrative, build in the background, download."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx import Document as Docx
from helpers import post_form
from pypdf import PdfReader

from facilitator.extensions import db
from facilitator.packets import build, services, storage
from facilitator.packets.models import Packet


@pytest.fixture()
def setup(signed_in, make_org, make_family, sample, app):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True  # fast and the same everywhere
    org = make_org("family-voices", kind="advocacy")
    user = signed_in("advocate", org=org)
    fam = make_family(org, "Jordan Alvarez")
    docs = [
        services.add_document_bytes(fam, "iep.pdf", sample.pdf(2), doc_type="iep",
                                    doc_date=date(2024, 9, 10), tags="reading"),
        services.add_document_bytes(fam, "eval.pdf", sample.pdf(3), doc_type="evaluation",
                                    doc_date=date(2025, 1, 15), tags="reading, speech"),
        services.add_document_bytes(fam, "call.txt", b"Phone call notes\n",
                                    doc_type="correspondence", doc_date=date(2025, 2, 1)),
        services.add_document_bytes(fam, "card.pdf", sample.pdf(1), doc_type="report_card",
                                    doc_date=date(2023, 6, 1)),
    ]
    concern = services.add_event(fam, event_date=date(2025, 1, 2), kind="concern",
                                 description="Parent asked about reading")
    services.add_event(fam, event_date=date(2025, 1, 30), kind="district_response",
                       description="Evaluation agreed", responds_to=concern)
    services.add_decision(fam, decided_on=date(2025, 2, 10), what="Start reading support",
                          approved_by="IEP team", why="Evaluation")
    db.session.commit()
    return user, fam, docs


def _wait(packet: Packet) -> None:
    """Wait for the background build, then end the test's read so it sees the result."""
    pid = packet.id
    build.wait(pid)
    db.session.commit()
    db.session.expire_all()


def _packet_url(fam, packet_id=None):
    base = f"/records/families/{fam.id}/packets"
    return f"{base}/{packet_id}" if packet_id else base


def test_choose_order_build_and_download(client, setup):
    user, fam, docs = setup
    url = _packet_url(fam)
    resp = post_form(client, url, {"title": "Mediation packet", "prepared_for": "Mediator",
                                   "types": ["iep", "evaluation", "correspondence"],
                                   "date_from": "2024-01-01", "date_to": "2025-12-31",
                                   "tags": ""}, token_from=url)
    assert resp.status_code == 302
    packet = db.session.execute(db.select(Packet)).scalar_one()
    assert [i.document.title for i in packet.items] == ["iep", "eval", "call"]
    purl = _packet_url(fam, packet.id)

    # Reorder (call first), drop the IEP, add the report card last; write the narrative.
    resp = post_form(client, purl, {
        "title": "Mediation packet", "prepared_for": "Mediator",
        "needs": "Reads below grade level.", "goals": "Grade-level reading.",
        "services": "Daily reading intervention.",
        "include": [str(docs[1].id), str(docs[2].id), str(docs[3].id)],
        f"order-{docs[1].id}": "2", f"order-{docs[2].id}": "1", f"order-{docs[3].id}": "3",
    }, token_from=purl)
    assert resp.status_code == 302
    db.session.refresh(packet)
    assert [i.document.title for i in packet.items] == ["call", "eval", "card"]

    resp = post_form(client, f"{purl}/build", token_from=purl)
    assert resp.status_code == 302
    _wait(packet)
    status = client.get(f"{purl}/status").get_json()
    assert status["status"] == "done" and status["percent"] == 100 and status["files"]
    page = client.get(purl).get_data(as_text=True)
    assert "Combined PDF" in page

    pdf = client.get(f"{purl}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "no-store"
    assert pdf.headers["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(pdf.data))
    assert len(reader.pages) == 1 + 1 + 3 + 1
    assert [o.title for o in reader.outline][1:] == [
        "Exhibit 001 — call (2025-02-01)", "Exhibit 002 — eval (2025-01-15)",
        "Exhibit 003 — card (2023-06-01)"]
    assert "Exhibit 002 — page 5" in reader.pages[4].extract_text()
    assert "Exhibit 003 — page 6" in reader.pages[5].extract_text()

    word = client.get(f"{purl}/docx")
    doc = Docx(io.BytesIO(word.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Reads below grade level." in text and "Mediator" in text
    timeline = doc.tables[0]
    assert "28 days later" in timeline.rows[1].cells[3].text
    assert doc.tables[1].rows[1].cells[1].text == "Start reading support"
    assert [r.cells[2].text for r in doc.tables[2].rows[1:]] == ["call", "eval", "card"]

    archive = client.get(f"{purl}/zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        assert zf.namelist() == ["Mediation packet.docx",
                                 "Exhibit 001 - 2025-02-01 - call.txt",
                                 "Exhibit 002 - 2025-01-15 - eval.pdf",
                                 "Exhibit 003 - 2023-06-01 - card.pdf"]
    for r in (pdf, word, archive):
        r.close()

    db.session.refresh(packet)
    assert packet.manifest["document_ids"] == [docs[2].id, docs[1].id, docs[3].id]
    assert [e["first_page"] for e in packet.manifest["exhibits"]] == [2, 3, 6]
    assert not list((storage.root() / "tmp").iterdir())

    # Building again replaces the files; the old ones are gone.
    old = storage.path_for(packet.pdf_key)
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    assert packet.status == "done" and not old.exists()
    assert storage.path_for(packet.pdf_key).exists()


def test_tag_filter(client, setup):
    _, fam, _ = setup
    url = _packet_url(fam)
    post_form(client, url, {"title": "Speech", "tags": "Speech"}, token_from=url)
    packet = db.session.execute(db.select(Packet)).scalar_one()
    assert [i.document.title for i in packet.items] == ["eval"]
    resp = post_form(client, url, {"title": "Bad dates", "date_from": "2025-02-01",
                                   "date_to": "2025-01-01"}, token_from=url)
    assert resp.status_code == 400 and "before the start date" in resp.get_data(as_text=True)


def test_failed_build_leaves_no_file_behind(client, setup, app):
    _, fam, _ = setup
    url = _packet_url(fam)
    post_form(client, url, {"title": "Doomed"}, token_from=url)
    packet = db.session.execute(db.select(Packet)).scalar_one()
    purl = _packet_url(fam, packet.id)
    app.config["PACKETS_FAIL_AFTER_FILES"] = True
    before = {p for p in storage.root().rglob("*") if p.is_file()}
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    status = client.get(f"{purl}/status").get_json()
    assert status["status"] == "failed" and "stopped on purpose" in status["message"]
    after = {p for p in storage.root().rglob("*") if p.is_file()}
    assert after == before
    db.session.refresh(packet)
    assert packet.pdf_key is None and packet.zip_key is None
    assert client.get(f"{purl}/pdf").status_code == 404
    page = client.get(purl).get_data(as_text=True)
    assert "The build failed" in page


def test_stalled_build_can_be_restarted(client, setup):
    _, fam, _ = setup
    packet = services.create_packet(fam, title="Old")
    packet.status = "building"
    db.session.commit()
    packet.updated_at = packet.updated_at.replace(year=2020)
    db.session.commit()
    purl = _packet_url(fam, packet.id)
    assert client.get(f"{purl}/status").get_json()["status"] == "stalled"
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    assert packet.status == "done"


def test_delete_packet(client, setup):
    _, fam, _ = setup
    packet = services.create_packet(fam, title="To delete")
    db.session.commit()
    purl = _packet_url(fam, packet.id)
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    key, pid = packet.zip_key, packet.id
    assert 'data-confirm="Delete this packet' in client.get(purl).get_data(as_text=True)
    assert post_form(client, f"{purl}/delete", token_from=purl).status_code == 302
    db.session.expunge_all()
    assert db.session.get(Packet, pid) is None
    assert not storage.path_for(key).exists()


def test_readers_see_the_packet_but_cannot_build(app, setup, make_user):
    from helpers import sign_in

    _, fam, _ = setup
    packet = services.create_packet(fam, title="For reading", prepared_for="Mediator")
    packet.needs = "Needs stated here."
    db.session.commit()
    reader = make_user("analyst", org=fam_org(fam))
    client = app.test_client()
    sign_in(client, reader.email)
    purl = _packet_url(fam, packet.id)
    page = client.get(purl).get_data(as_text=True)
    assert "Needs stated here." in page and "Build the packet" not in page
    assert post_form(client, f"{purl}/build", token_from=purl).status_code == 403


def fam_org(fam):
    from facilitator.auth.models import Organization

    return db.session.get(Organization, fam.organization_id)


def test_failed_rebuild_keeps_the_last_complete_files(client, setup, app):
    _, fam, docs = setup
    packet = services.create_packet(fam, title="Keep")
    db.session.commit()
    purl = _packet_url(fam, packet.id)
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    good = packet.pdf_key
    app.config["PACKETS_FAIL_AFTER_FILES"] = True
    post_form(client, f"{purl}/build", token_from=purl)
    _wait(packet)
    assert packet.status == "failed" and packet.pdf_key == good
    page = client.get(purl).get_data(as_text=True)
    assert "last complete build" in page
    resp = client.get(f"{purl}/pdf")
    assert resp.status_code == 200
    resp.close()


def test_deleting_a_document_takes_it_out_of_packets(client, setup):
    _, fam, docs = setup
    packet = services.create_packet(fam, title="All")
    db.session.commit()
    assert len(packet.items) == 4
    url = f"/records/families/{fam.id}/documents/{docs[0].id}"
    assert post_form(client, f"{url}/delete", token_from=url).status_code == 302
    db.session.expire_all()
    assert sorted(i.document_id for i in packet.items) == sorted(d.id for d in docs[1:])
