"""The packet's files, built by the pure builders and reopened: the .docx with
python-docx, the ZIP's listing, the PDF's pages, bookmarks and stamps with pypdf."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date

import pytest
from docx import Document as Docx
from pdf_corpus import assert_qpdf_check
from pypdf import PdfReader

from facilitator.packets.builders import (
    Exhibit,
    PacketContent,
    build_zip,
    find_soffice,
)
from facilitator.packets.packet_docx import build_docx
from facilitator.packets.packet_pdf import build_pdf
from facilitator.packets.timeline import DecisionEntry, TimelineEntry


def _content(tmp_path, sample, kinds=("pdf", "pdf", "text", "docx", "png")) -> PacketContent:
    makers = {"pdf": lambda i: sample.pdf(2 + i, f"Exhibit body {i}"), "docx": lambda i:
              sample.docx("Letter from the district"), "png": lambda i: sample.png(),
              "jpeg": lambda i: sample.jpeg(),
              "text": lambda i: b"Notes from the phone call with Ms. Ramos.\n" * 3}
    exhibits = []
    for i, kind in enumerate(kinds, start=1):
        path = tmp_path / f"src{i}"
        path.write_bytes(makers[kind](i))
        exhibits.append(Exhibit(number=i, title=f"Record {i} “quoted”/slash", type_label="IEP",
                                doc_date=date(2025, 3, i), file_type=kind, path=path))
    concern = TimelineEntry(date=date(2025, 3, 4), kind="concern",
                            description="Parent raised reading concern")
    response = TimelineEntry(date=date(2025, 3, 20), kind="district_response",
                             description="District proposed an evaluation")
    concern.response, concern.days_open = response, 16
    response.answered, response.days_since = concern, 16
    return PacketContent(
        title="Records for mediation", student_name="Jordan Álvarez",
        organization="Family Voices Advocacy Network", prepared_for="State mediator",
        school="Lincoln Elementary", grade="4", needs="Reads two grades below level.",
        goals="Read at grade level by June.", services="Daily reading intervention.",
        generated_on=date(2025, 6, 1), timeline=[concern, response],
        decisions=[DecisionEntry(date=date(2025, 4, 2), what="Evaluate reading",
                                 approved_by="IEP team", why="Teacher data")],
        exhibits=exhibits)


def test_pdf_without_libreoffice(tmp_path, sample):
    content = _content(tmp_path, sample)
    out = tmp_path / "packet.pdf"
    build_pdf(content, out, tmp_path, soffice=None)
    assert_qpdf_check(out)
    ex = content.exhibits
    assert [e.included for e in ex] == [True, True, True, False, False]
    assert "LibreOffice is not installed" in ex[3].reason
    assert [e.page_count for e in ex[:3]] == [3, 4, 1]
    assert [e.first_page for e in ex[:3]] == [2, 5, 9]

    reader = PdfReader(out, strict=True)
    assert len(reader.pages) == 1 + 3 + 4 + 1
    marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
    assert marks[0] == ("Exhibit index", 0)
    assert marks[1] == ("Exhibit 001 — Record 1 “quoted”/slash (2025-03-01)", 1)
    assert [m[1] for m in marks[1:]] == [1, 4, 8]
    texts = [p.extract_text() for p in reader.pages]
    assert "Exhibit 001 — page 2" in texts[1] and "Exhibit body 1 1" in texts[1]
    assert "Exhibit 001 — page 4" in texts[3]
    assert "Exhibit 002 — page 5" in texts[4]
    assert "Exhibit 003 — page 9" in texts[8] and "Ms. Ramos" in texts[8]
    assert "NOT INCLUDED" in texts[0] and "Exhibit 004" in texts[0]


def test_docx_reopened(tmp_path, sample):
    content = _content(tmp_path, sample)
    build_pdf(content, tmp_path / "p.pdf", tmp_path, soffice=None)
    out = tmp_path / "packet.docx"
    build_docx(content, out)
    doc = Docx(str(out))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Records for mediation" in text and "Record packet for Jordan Álvarez" in text
    assert "Reads two grades below level." in text and "Daily reading intervention." in text
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert heads[:2] == ["Contents", "1. Narrative"]
    assert "2. Timeline of concerns and responses" in heads and "4. Exhibit index" in heads
    assert 'TOC \\o' in out.read_bytes().decode("latin-1") or "TOC" in _xml(out)
    timeline, decisions, index = doc.tables
    assert [c.text for c in timeline.rows[0].cells][:3] == ["Date", "What happened",
                                                             "Description"]
    assert "16 days later" in timeline.rows[1].cells[3].text
    assert decisions.rows[1].cells[2].text == "IEP team"
    header = [c.text for c in index.rows[0].cells]
    assert header == ["Exhibit", "Date", "Title", "Type", "Pages", "In the combined PDF"]
    row1 = [c.text for c in index.rows[1].cells]
    assert row1[:5] == ["001", "2025-03-01", "Record 1 “quoted”/slash", "IEP", "3 (pp. 2–4)"]
    assert index.rows[4].cells[5].text.startswith("Not included: LibreOffice is not installed")


def _xml(path) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read("word/document.xml").decode()


def test_zip_listing(tmp_path, sample):
    content = _content(tmp_path, sample)
    docx = tmp_path / "p.docx"
    build_docx(content, docx)
    out = tmp_path / "p.zip"
    build_zip(content, docx, out)
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert zf.testzip() is None
        assert zf.read(names[1]) == content.exhibits[0].path.read_bytes()
    assert names == [
        "Records for mediation.docx",
        "Exhibit 001 - 2025-03-01 - Record 1 “quoted”_slash.pdf",
        "Exhibit 002 - 2025-03-02 - Record 2 “quoted”_slash.pdf",
        "Exhibit 003 - 2025-03-03 - Record 3 “quoted”_slash.txt",
        "Exhibit 004 - 2025-03-04 - Record 4 “quoted”_slash.docx",
        "Exhibit 005 - 2025-03-05 - Record 5 “quoted”_slash.png",
    ]


def test_unreadable_or_protected_pdf_is_left_out_with_reason(tmp_path, sample):
    from pypdf import PdfWriter

    content = _content(tmp_path, sample, kinds=("pdf", "pdf", "pdf"))
    content.exhibits[1].path.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    with open(content.exhibits[2].path, "wb") as fh:
        w.write(fh)
    out = tmp_path / "p.pdf"
    build_pdf(content, out, tmp_path, soffice=None)
    assert_qpdf_check(out)
    assert [e.included for e in content.exhibits] == [True, False, False]
    assert "could not be read" in content.exhibits[1].reason
    assert "password" in content.exhibits[2].reason
    assert len(PdfReader(out).pages) == 1 + 3


@pytest.mark.libreoffice
def test_libreoffice_converts_docx_images_and_text(tmp_path, sample):
    soffice = find_soffice()
    if not soffice or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice (soffice) is not installed here")
    content = _content(tmp_path, sample)
    out = tmp_path / "p.pdf"
    build_pdf(content, out, tmp_path, soffice=soffice)
    assert_qpdf_check(out)
    assert all(e.included for e in content.exhibits), [e.reason for e in content.exhibits]
    reader = PdfReader(out)
    texts = [p.extract_text() for p in reader.pages]
    docx_page = content.exhibits[3].first_page - 1
    assert "Letter from the district" in texts[docx_page]
    assert "Exhibit 004 — page" in texts[docx_page]
    assert "Exhibit 005 — page" in texts[content.exhibits[4].first_page - 1]
    assert len(reader.outline) == 6


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_stamp_reads_upright_on_rotated_pages(tmp_path, rotate):
    from pypdf import PdfWriter

    from facilitator.packets.pdfcombine import Part, combine

    src = PdfWriter()
    page = src.add_blank_page(612, 792)
    page.rotate(rotate)
    with open(tmp_path / "src.pdf", "wb") as fh:
        src.write(fh)
    out = tmp_path / "r.pdf"
    combine([Part(tmp_path / "src.pdf", 1, "x", "Exhibit 001")], out, tmp_path, "t")
    assert_qpdf_check(out)
    reader = PdfReader(out)
    assert "Exhibit 001 — page 1" in reader.pages[0].extract_text()
    # Where the text lands, as shown: poppler reports the box of each word.
    if shutil.which("pdftotext"):
        import re
        import subprocess

        html = subprocess.run(["pdftotext", "-bbox", str(out), "-"],  # noqa: S603, S607
                              capture_output=True, text=True, check=True).stdout
        # Word boxes are given as the page is shown (turned by /Rotate).
        page_w, page_h = (612, 792) if rotate in (0, 180) else (792, 612)
        xmin, ymin = (float(v) for v in re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>Exhibit', html).groups())
        assert xmin > page_w / 2 and ymin > page_h - 40, (xmin, ymin)
