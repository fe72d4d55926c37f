"""Unusual real-world PDFs (tests/pdf_corpus.py), uploaded through the form and built
into a packet through the queue task: every page renders like its source outside
the stamp strip (poppler, 30 dpi, grey), ``qpdf --check`` passes on the packet,
password-protected files are refused at upload with what to do, layers and form
values survive, and the stamp stays on the smallest pages."""

from __future__ import annotations

import math
import re
import shutil
import subprocess  # noqa: S404 - poppler and qpdf with fixed argument lists
from pathlib import Path

import pdf_corpus
import pikepdf
import pytest
from helpers import post_form, upload_files
from pdf_corpus import assert_qpdf_check

from facilitator.extensions import db
from facilitator.packets import storage
from facilitator.packets.models import Document, Packet
from facilitator.packets.pdfcombine import STAMP_H, stamp_scale

pytestmark = pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("qpdf")),
                                reason="poppler-utils and qpdf are needed (Debian packages)")

DPI = 30


@pytest.fixture()
def family(signed_in, make_org, make_family, app):
    app.config["PACKETS_DISABLE_LIBREOFFICE"] = True
    org = make_org("family-voices", kind="advocacy")
    signed_in("advocate", org=org)
    return make_family(org, "Jordan Alvarez")


def build_packet(client, fam, title="Hearing packet") -> Packet:
    """Make a packet of every document through the form, build it, return it built."""
    url = f"/records/families/{fam.id}/packets"
    assert post_form(client, url, {"title": title}, token_from=url).status_code == 302
    packet = db.session.execute(db.select(Packet).order_by(Packet.id.desc())).scalars().first()
    purl = f"{url}/{packet.id}"
    assert post_form(client, f"{purl}/build", token_from=purl).status_code == 302
    db.session.commit()
    db.session.expire_all()
    packet = db.session.get(Packet, packet.id)
    assert packet.status == "done", packet.progress_message
    return packet


def render(pdf: Path, first: int, last: int, folder: Path) -> list[tuple[int, int, bytes]]:
    """Pages ``first``..``last`` (1-based) as (width, height, grey bytes)."""
    prefix = folder / f"{pdf.stem}-{first}"
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f", str(first), "-l", str(last),  # noqa: S603, S607
                    str(pdf), str(prefix)], check=True, capture_output=True)
    pages = []
    for pgm in sorted(folder.glob(f"{prefix.name}-*.pgm"),
                      key=lambda p: int(p.stem.rsplit("-")[-1])):
        data = pgm.read_bytes()
        match = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", data)
        w, h = int(match.group(1)), int(match.group(2))
        pages.append((w, h, data[match.end():]))
        pgm.unlink()
    return pages


def differing(src, out, strip_rows: int) -> tuple[int, int]:
    """(pixels compared, pixels that differ by more than a shade) above the stamp strip."""
    (w, h, a), (w2, h2, b) = src, out
    assert (w, h) == (w2, h2), "the page changed size"
    rows = max(0, h - strip_rows)
    n = w * rows
    return n, sum(1 for x, y in zip(a[:n], b[:n], strict=True) if abs(x - y) > 16)


def test_every_page_renders_like_its_source_and_qpdf_check_passes(client, family, tmp_path):
    sources = pdf_corpus.readable(tmp_path)
    resp = upload_files(client, family, [(p.name, p.read_bytes()) for p in sources])
    assert resp.status_code == 302, resp.get_data(as_text=True)[:2000]
    packet = build_packet(client, family)
    out = storage.path_for(packet.pdf_key)
    assert_qpdf_check(out)

    compared = assert_renders_like_sources(sources, out, packet.manifest["exhibits"], tmp_path)
    assert compared == sum(e["pages"] for e in packet.manifest["exhibits"])
    print(f"\n{compared} pages compared with their sources; qpdf --check: exit 0")


def assert_renders_like_sources(sources: list[Path], out: Path, exhibits: list[dict],
                                folder: Path) -> int:
    """Each source's pages render like its pages in ``out``; returns the pages compared."""
    by_title = {e["title"]: e for e in exhibits}
    compared = 0
    for src in sources:
        ex = by_title[src.stem]
        assert ex["included"], (src.name, ex["reason"])
        pages = ex["pages"]
        before = render(src, 1, pages, folder)
        after = render(out, ex["first_page"], ex["first_page"] + pages - 1, folder)
        assert len(before) == len(after) == pages
        for n, (a, b) in enumerate(zip(before, after, strict=True), start=1):
            # The stamp's strip: 35 pt high, scaled down with the stamp on a small page.
            text = f"Exhibit {ex['number']:03d} — page {ex['first_page'] + n - 1}"
            scale = stamp_scale(text, a[0] * 72 / DPI, a[1] * 72 / DPI)
            strip = math.ceil(STAMP_H * scale * DPI / 72) + 1
            total, bad = differing(a, b, strip)
            assert bad <= total * 0.002, f"{src.name} page {n}: {bad} of {total} pixels differ"
            compared += 1
    return compared


def test_without_the_qpdf_command_pikepdf_combines_the_same_pages(app, tmp_path, monkeypatch):
    """A server without the qpdf program still builds (in memory, with a warning)."""
    from datetime import date

    from facilitator.packets.builders import Exhibit, PacketContent
    from facilitator.packets.packet_pdf import build_pdf

    sources = pdf_corpus.readable(tmp_path)
    content = PacketContent(title="Packet", student_name="Jordan", organization="Org",
                            exhibits=[Exhibit(number=i, title=p.stem, doc_date=date(2025, 1, 1),
                                              type_label="Other", file_type="pdf", path=p)
                                      for i, p in enumerate(sources, start=1)])
    out = tmp_path / "packet.pdf"
    with monkeypatch.context() as env:
        env.setenv("PATH", str(tmp_path))  # a PATH where no qpdf is found
        build_pdf(content, out, tmp_path)
    assert_qpdf_check(out)
    assert assert_renders_like_sources(sources, out, [e.to_json() for e in content.exhibits],
                                       tmp_path) == sum(e.page_count for e in content.exhibits)


def test_layers_keep_their_default_visibility(client, family, tmp_path):
    upload_files(client, family, [("layers.pdf", pdf_corpus.layers(tmp_path).read_bytes())])
    packet = build_packet(client, family)
    with pikepdf.open(storage.path_for(packet.pdf_key)) as pdf:
        props = pdf.Root.OCProperties
        names = {str(o.Name): o for o in props.OCGs}
        assert set(names) == {"Shown", "Hidden"}
        off = [o.objgen for o in props.D.OFF]
        assert off == [names["Hidden"].objgen]
        # The page's layers are the ones the catalog lists.
        page = pdf.pages[1]
        assert {o.objgen for o in page.Resources.Properties.values()} == \
            {o.objgen for o in names.values()}


def test_form_fields_are_flattened_with_their_values(client, family, tmp_path):
    upload_files(client, family, [("form.pdf", pdf_corpus.form(tmp_path).read_bytes())])
    packet = build_packet(client, family)
    path = storage.path_for(packet.pdf_key)
    with pikepdf.open(path) as pdf:
        assert "/AcroForm" not in pdf.Root
        annots = pdf.pages[1].obj.get("/Annots", [])
        assert not [a for a in annots if a.get("/Subtype") == "/Widget"]
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"],  # noqa: S603, S607
                          capture_output=True, text=True, check=True).stdout
    assert "Jordan Alvarez" in text and "Exhibit 001" in text


@pytest.mark.parametrize("side", [4, 60])
def test_stamp_stays_on_a_page_smaller_than_the_stamp(client, family, tmp_path, side):
    src = pdf_corpus.sized(tmp_path, side, side)
    upload_files(client, family, [(src.name, src.read_bytes())])
    packet = build_packet(client, family)
    html = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-bbox",  # noqa: S603, S607
                           str(storage.path_for(packet.pdf_key)), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                       r'(Exhibit|001|page|2)<', html)
    assert len(words) >= 4, html
    for x0, y0, x1, y1, _ in words:
        assert 0 <= float(x0) and float(x1) <= side and 0 <= float(y0) and float(y1) <= side


@pytest.mark.parametrize("method", sorted(pdf_corpus.ENCRYPTIONS))
def test_password_protected_pdf_is_refused_at_upload_saying_what_to_do(client, family,
                                                                      tmp_path, method):
    src = pdf_corpus.encrypted(tmp_path, method, user_password=True)
    resp = upload_files(client, family, [("district letter.pdf", src.read_bytes())])
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    assert "“district letter.pdf”: This PDF is password-protected" in page
    assert "Save a copy without the password" in page and "Nothing was added." in page
    assert not db.session.execute(db.select(Document)).scalars().all()


def test_owner_password_only_pdf_is_accepted(client, family, tmp_path):
    src = pdf_corpus.encrypted(tmp_path, "aes-256", user_password=False)
    assert upload_files(client, family, [(src.name, src.read_bytes())]).status_code == 302
    assert db.session.execute(db.select(Document)).scalar_one().page_count == 2


@pytest.mark.parametrize("count", [30, 130])
def test_index_of_many_long_titles_points_at_the_right_pages(client, family, sample, count):
    """Titles of the field's full length (wide capitals, one unbroken word) wrap onto
    several index pages; each exhibit starts where the index and its bookmark say."""
    from pypdf import PdfReader

    from facilitator.packets import services

    for i in range(count):
        title = ("W" * 200 if i % 3 == 0 else (f"{i} Letter from the district about the "
                                                "evaluation and the reading services " * 4))[:200]
        services.add_document_bytes(family, f"d{i}.pdf", sample.pdf(1 + i % 2, f"Body {i}"),
                                    title=title)
    db.session.commit()
    packet = build_packet(client, family, title="M" * 200)
    out = storage.path_for(packet.pdf_key)
    assert_qpdf_check(out)
    exhibits = packet.manifest["exhibits"]
    index_pages = exhibits[0]["first_page"] - 1
    assert index_pages >= 2
    reader = PdfReader(out)
    assert len(reader.pages) == index_pages + sum(e["pages"] for e in exhibits)
    marks = [reader.get_destination_page_number(o) + 1 for o in reader.outline]
    assert marks == [1] + [e["first_page"] for e in exhibits]
    index_text = " ".join(reader.pages[n].extract_text() for n in range(index_pages))
    for ex in exhibits:
        assert f"Exhibit {ex['number']:03d} — page {ex['first_page']}" in \
            reader.pages[ex["first_page"] - 1].extract_text()
        assert f"page {ex['first_page']}" in index_text
    # Nothing is set beyond the right margin.
    html = subprocess.run(["pdftotext", "-f", "1", "-l", str(index_pages), "-bbox",  # noqa: S603, S607
                           str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert max(float(x) for x in re.findall(r'xMax="([\d.]+)"', html)) <= 612 - 72 + 1


def test_a_protected_pdf_stored_before_the_check_is_named_on_the_packet_page(
        client, family, tmp_path, sample):
    upload_files(client, family, [("report.pdf", sample.pdf(1))])
    # A file kept before uploads were checked: the same row, a protected file behind it.
    old = db.session.execute(db.select(Document)).scalar_one()
    src = pdf_corpus.encrypted(tmp_path, "aes-128", user_password=True)
    storage.path_for(old.storage_key).write_bytes(src.read_bytes())
    old.title = "Letter with a password"
    db.session.commit()
    upload_files(client, family, [("plain.pdf", sample.pdf(2))])
    packet = build_packet(client, family)
    page = client.get(f"/records/families/{family.id}/packets/{packet.id}").get_data(
        as_text=True)
    assert "Letter with a password: it is protected by a password" in page
    assert "save an unprotected copy and upload that" in page
    assert [e["included"] for e in packet.manifest["exhibits"]] == [False, True]
    assert_qpdf_check(storage.path_for(packet.pdf_key))
