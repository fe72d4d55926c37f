"""Helpers for the Word document tests: reopen with python-docx, convert with LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from helpers import HANG

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def reopen(data: bytes):
    """The document as python-docx reads it back (fails on a broken file)."""
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def body_paragraphs(document):
    """Body paragraphs, leaving out the ones that only carry a section break."""
    out = []
    for p in document.paragraphs:
        ppr = p._p.pPr
        if ppr is not None and ppr.find(qn("w:sectPr")) is not None and not p.text.strip():
            continue
        out.append(p)
    return out


def assert_no_empty_paragraphs(document):
    empty = [i for i, p in enumerate(body_paragraphs(document)) if not p.text.strip()]
    assert not empty, f"empty paragraphs at {empty}"
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                assert all(p.text.strip() for p in cell.paragraphs[1:]), "empty cell paragraph"


def assert_table_rows_behave(table):
    """The header row repeats on each page and no row splits across pages."""
    rows = table.rows
    first = rows[0]._tr.trPr
    assert first is not None and first.find(qn("w:tblHeader")) is not None
    for row in rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    layouts = table._tbl.tblPr.findall(qn("w:tblLayout"))
    assert len(layouts) == 1 and layouts[0].get(qn("w:type")) == "fixed"


def headings(document, level=None):
    out = []
    for p in document.paragraphs:
        name = p.style.name
        if name.startswith("Heading") and (level is None or name == f"Heading {level}"):
            out.append(p.text)
    return out


def table_texts(table):
    return [[cell.text for cell in row.cells] for row in table.rows]


def header_footer_text(document):
    s = document.sections[0]
    header = "\n".join(p.text for p in s.header.paragraphs)
    footer_xml = s.footer._element.xml
    footer = "\n".join(p.text for p in s.footer.paragraphs)
    return header, footer, footer_xml


def to_pdfs(documents: dict[str, bytes], tmp_path: Path) -> dict[str, Path]:
    """Convert several Word files in one LibreOffice run (one start-up, its own profile)."""
    out = tmp_path / "pdf"
    out.mkdir(exist_ok=True)
    sources = []
    for name, data in documents.items():
        src = tmp_path / f"{name}.docx"
        src.write_bytes(data)
        sources.append(str(src))
    profile = tmp_path / "lo-profile"
    subprocess.run(  # noqa: S603 - fixed arguments, our own temporary files
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *sources],
        check=True, capture_output=True, timeout=HANG)
    pdfs = {name: out / f"{name}.pdf" for name in documents}
    for name, pdf in pdfs.items():
        assert pdf.exists() and pdf.stat().st_size > 1000, f"LibreOffice wrote no PDF: {name}"
    return pdfs


def to_pdf(data: bytes, tmp_path: Path, name: str) -> Path:
    """Convert one Word file with LibreOffice."""
    return to_pdfs({name: data}, tmp_path)[name]


def pdf_pages(pdf: Path) -> int:
    """Page count as poppler's pdfinfo reports it."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,  # noqa: S603,S607
                         text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,  # noqa: S603,S607
                          capture_output=True, text=True).stdout


needs_soffice = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdfinfo") is None,
    reason="LibreOffice (soffice) or poppler-utils is not installed; `make test` installs them")


def pdf_fonts(pdf: Path) -> set[str]:
    """Font family names in the PDF (subset prefixes and styles dropped)."""
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,  # noqa: S603,S607
                         text=True).stdout.splitlines()[2:]
    names = set()
    for line in out:
        name = line.split()[0].split("+")[-1]
        names.add(name.split("-")[0])
    return names


def assert_one_font_family(pdf: Path) -> None:
    """Body text in Calibri (or its stand-in Carlito); bullets may use a symbol font."""
    fonts = pdf_fonts(pdf) - {"OpenSymbol", "Symbol", "SymbolMT", "DejaVuSans"}
    assert fonts and fonts <= {"Carlito", "Calibri"}, fonts
