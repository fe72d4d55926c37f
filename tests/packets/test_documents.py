"""Uploading, downloading and deleting a family's documents, through the routes."""

from __future__ import annotations

import io

import pytest
from helpers import csrf_token, post_form
from helpers import upload_files as _upload

from facilitator.extensions import db
from facilitator.packets import services, storage
from facilitator.packets.models import Document, DocumentDownload


def _docs(family):
    return db.session.execute(db.select(Document).where(Document.family_id == family.id)
                              .order_by(Document.id)).scalars().all()


@pytest.fixture()
def advocate(signed_in, make_org):
    org = make_org("family-voices", kind="advocacy")
    return signed_in("advocate", org=org)


def test_upload_each_type_at_once(client, advocate, make_family, app,
        sample):
    fam = make_family(advocate.organization)
    files = [("eval.pdf", sample.pdf(3)), ("letter.docx", sample.docx()),
             ("photo.png", sample.png()), ("scan.jpg", sample.jpeg()),
             ("notes.txt", b"Teacher said he reads at a 2nd grade level.\n")]
    resp = _upload(client, fam, files)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    docs = _docs(fam)
    assert [d.file_type for d in docs] == ["pdf", "docx", "png", "jpeg", "text"]
    assert docs[0].page_count == 3 and docs[2].page_count == 1
    assert docs[0].tags == "reading, behavior"
    assert docs[0].title == "eval" and docs[0].doc_type == "evaluation"
    root = storage.root().resolve()
    for d in docs:
        path = storage.path_for(d.storage_key)
        assert path.exists() and root in path.parents
        assert "static" not in path.parts
        assert d.original_name not in str(path)
    assert not list(root.rglob("*.part"))
    page = client.get(f"/records/families/{fam.id}/documents").get_data(as_text=True)
    assert "eval" in page and "Evaluation" in page


def test_type_comes_from_bytes_not_name(client, advocate, make_family,
        sample):
    fam = make_family(advocate.organization)
    resp = _upload(client, fam, [("really-a-pdf.txt", sample.pdf())])
    assert resp.status_code == 302
    assert _docs(fam)[0].file_type == "pdf"


@pytest.mark.parametrize("content,expected", [
    (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "is a program"),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "is a program"),
    ("zip", "not a Word document"),
    (b"\x00\x01\x02binary junk", "cannot be added"),
])
def test_refused_files_leave_nothing(client, advocate, make_family, sample, content,
                                     expected):
    if content == "zip":
        content = sample.zip()
    fam = make_family(advocate.organization)
    resp = _upload(client, fam, [("good.pdf", sample.pdf()), ("invoice.pdf", content)])
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert expected in html and "Nothing was added" in html
    assert _docs(fam) == []
    assert not [p for p in storage.root().rglob("*") if p.is_file()]


def test_one_byte_over_the_limit_is_413_with_the_limit(client, advocate, make_family, app,
        sample):
    fam = make_family(advocate.organization)
    limit = 25 * 1024 * 1024
    assert _upload(client, fam, [("big.txt", b"a" * limit)]).status_code == 302
    resp = _upload(client, fam, [("bigger.txt", b"a" * (limit + 1))])
    assert resp.status_code == 413
    html = resp.get_data(as_text=True)
    assert "25 MB" in html and "bigger.txt" in html
    assert len(_docs(fam)) == 1
    assert not list(storage.root().rglob("*.part"))


def test_several_files_under_the_limit_fit_in_one_request(client, advocate, make_family, app,
        sample):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    fam = make_family(advocate.organization)
    files = [(f"n{i}.txt", b"x" * 1000) for i in range(5)]  # 5000 bytes in one request
    assert _upload(client, fam, files).status_code == 302
    assert len(_docs(fam)) == 5
    resp = _upload(client, fam, [("ok.txt", b"x" * 10), ("big.txt", b"x" * 1001)])
    assert resp.status_code == 413 and "1000 bytes" in resp.get_data(as_text=True)
    assert len(_docs(fam)) == 5


def test_whole_request_too_large_says_the_per_file_limit(client, advocate, make_family, app,
        sample):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    app.config["MAX_UPLOAD_FILES"] = 2
    fam = make_family(advocate.organization)
    resp = _upload(client, fam, [("a.txt", b"x" * 1000)] * 2 + [("c.txt", b"x" * 1_100_000)])
    assert resp.status_code == 413
    assert "at most 1000 bytes" in resp.get_data(as_text=True)


@pytest.mark.parametrize("name,shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows.pdf", "windows.pdf"),
    ("Évaluation de María — Мария 陳.pdf", "Évaluation de María — Мария 陳.pdf"),
    # Browsers send quotes and line breaks in a file name percent-encoded.
    ("report %22final%22%0A.pdf", "report _final_%0A.pdf"),
])
def test_awkward_upload_names_are_made_safe(client, advocate, make_family, name, shown,
                                            sample):
    fam = make_family(advocate.organization)
    assert _upload(client, fam, [(name, sample.pdf())]).status_code == 302
    doc = _docs(fam)[0]
    assert doc.original_name == shown
    resp = client.get(f"/records/families/{fam.id}/documents/{doc.id}/download")
    assert resp.status_code == 200
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("attachment;")
    assert ".." not in cd and "/" not in cd.split("filename*")[0]
    resp.close()
    page = client.get(f"/records/families/{fam.id}/documents").get_data(as_text=True)
    assert "../" not in page


@pytest.mark.parametrize("raw,safe", [
    ('report "final".pdf', "report _final_.pdf"),
    ("line1\nline2\r\n.pdf", "line1 line2 .pdf"),
    ("../../etc/passwd", "passwd"),
    ("...", "document"),
    ("Мария\t陳 O'Brien.docx", "Мария 陳 O’Brien.docx"),
    ("a" * 300 + ".pdf", "a" * 146 + ".pdf"),
])
def test_safe_filename(raw, safe):
    assert services.safe_filename(raw) == safe


def test_download_name_from_a_title_with_quotes_and_newlines(client, advocate, make_family,
                                                              sample):
    fam = make_family(advocate.organization)
    _upload(client, fam, [("eval.pdf", sample.pdf())])
    doc = _docs(fam)[0]
    url = f"/records/families/{fam.id}/documents/{doc.id}"
    resp = post_form(client, url, {"title": 'Report "final"\r\nX-Evil: 1 ../../Мария',
                                   "doc_type": "iep", "tags": ""}, token_from=url)
    assert resp.status_code == 400  # a one-line field refuses line breaks, with a message
    assert "Keep this on one line" in resp.get_data(as_text=True)
    resp = post_form(client, url, {"title": 'Report "final" X-Evil: 1 ../../Мария',
                                   "doc_type": "iep", "tags": ""}, token_from=url)
    assert resp.status_code == 302
    # A title stored before the form check existed still makes a safe header.
    doc.title = 'Report "final"\r\nX-Evil: 1 ../../Мария'
    db.session.commit()
    resp = client.get(f"{url}/download")
    cd = resp.headers["Content-Disposition"]
    assert "\n" not in cd and "\r" not in cd and "X-Evil" not in resp.headers
    assert "/" not in cd.split("filename*")[0] and '"final"' not in cd
    assert "filename*=UTF-8''" in cd and "%D0%9C" in cd  # the Cyrillic M survives
    resp.close()


def test_download_is_attachment_nosniff_no_store_and_recorded(client, advocate, make_family,
        sample):
    fam = make_family(advocate.organization)
    _upload(client, fam, [("eval.pdf", sample.pdf())])
    doc = _docs(fam)[0]
    resp = client.get(f"/records/families/{fam.id}/documents/{doc.id}/download")
    assert resp.status_code == 200
    assert resp.data.startswith(b"%PDF-")
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cache-Control"] == "no-store"
    resp.close()
    assert 'filename=eval.pdf' in resp.headers["Content-Disposition"]
    rows = db.session.execute(db.select(DocumentDownload)).scalars().all()
    assert [(r.document_id, r.user_id) for r in rows] == [(doc.id, advocate.id)]
    page = client.get(f"/records/families/{fam.id}/documents/{doc.id}").get_data(as_text=True)
    assert advocate.display_name in page


def test_edit_and_delete_a_document(client, advocate, make_family,
        sample):
    fam = make_family(advocate.organization)
    _upload(client, fam, [("eval.pdf", sample.pdf())])
    doc = _docs(fam)[0]
    path = storage.path_for(doc.storage_key)
    url = f"/records/families/{fam.id}/documents/{doc.id}"
    page = client.get(url).get_data(as_text=True)
    assert "data-confirm=" in page  # deleting asks first
    resp = post_form(client, url, {"title": "Psychoeducational evaluation", "doc_type": "iep",
                                   "doc_date": "2025-01-02", "source": "", "description": "",
                                   "tags": "Math"}, token_from=url)
    assert resp.status_code == 302
    db.session.refresh(doc)
    assert (doc.title, doc.doc_type, doc.tags) == ("Psychoeducational evaluation", "iep", "math")
    resp = post_form(client, f"{url}/delete", token_from=url)
    assert resp.status_code == 302
    assert _docs(fam) == [] and not path.exists()


def test_readers_of_the_org_read_but_cannot_upload(client, signed_in, make_org, make_family,
        sample):
    org = make_org(kind="advocacy")
    admin_org_family = make_family(org)
    signed_in("analyst", org=org)
    assert client.get(f"/records/families/{admin_org_family.id}/documents").status_code == 200
    token = csrf_token(client, f"/records/families/{admin_org_family.id}/documents")
    resp = client.post(f"/records/families/{admin_org_family.id}/documents",
                       data={"csrf_token": token, "doc_type": "other",
                             "files": [(io.BytesIO(sample.pdf()), "a.pdf")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 403


def test_long_document_list_is_paged(client, advocate, make_family, app):
    app.config["PAGE_SIZE"] = 3
    fam = make_family(advocate.organization)
    files = [(f"note-{i}.txt", f"Note number {i}\n".encode()) for i in range(5)]
    assert _upload(client, fam, files).status_code == 302
    first = client.get(f"/records/families/{fam.id}/documents").get_data(as_text=True)
    second = client.get(f"/records/families/{fam.id}/documents?page=2").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    shown = [f"note-{i}" for i in range(5)]
    on_first = {t for t in shown if f">{t}</a>" in first}
    on_second = {t for t in shown if f">{t}</a>" in second}
    assert len(on_first) == 3 and len(on_second) == 2 and not on_first & on_second
