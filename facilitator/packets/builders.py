"""Pure builders of a record packet: the Word document, the ZIP and the combined PDF.

They take a :class:`PacketContent` (plain data, no database) and write files;
the caller decides where (a temporary name) and when they become visible.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - LibreOffice is run with a fixed argument list
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .pdfstream import StreamingPdfWriter
from .services import safe_filename
from .timeline import DecisionEntry, TimelineEntry

Progress = Callable[[str], None]


@dataclass
class Exhibit:
    number: int
    title: str
    doc_date: date | None
    type_label: str
    file_type: str  # pdf, docx, png, jpeg, text
    path: Path
    source: str = ""
    page_count: int | None = None
    included: bool = True
    reason: str = ""
    first_page: int | None = None

    @property
    def label(self) -> str:
        return f"Exhibit {self.number:03d}"

    @property
    def date_text(self) -> str:
        return self.doc_date.isoformat() if self.doc_date else "undated"

    @property
    def extension(self) -> str:
        from .filetypes import BY_KEY

        return BY_KEY[self.file_type].extension

    @property
    def filename(self) -> str:
        """``Exhibit 001 - 2025-03-04 - Title.pdf``"""
        name = f"{self.label} - {self.date_text} - {self.title}"
        return safe_filename(name, max_len=140 - len(self.extension),
                             is_path=False) + self.extension

    @property
    def pages_text(self) -> str:
        if not self.included:
            return "—"
        if self.first_page and self.page_count:
            last = self.first_page + self.page_count - 1
            return (f"{self.page_count} (p. {self.first_page})" if self.page_count == 1
                    else f"{self.page_count} (pp. {self.first_page}–{last})")
        return str(self.page_count or "?")

    def to_json(self) -> dict:
        return {"number": self.number, "title": self.title,
                "date": self.doc_date.isoformat() if self.doc_date else None,
                "type": self.type_label, "file_type": self.file_type,
                "pages": self.page_count, "first_page": self.first_page,
                "included": self.included, "reason": self.reason}


@dataclass
class PacketContent:
    title: str
    student_name: str
    organization: str
    prepared_for: str = ""
    school: str = ""
    grade: str = ""
    needs: str = ""
    goals: str = ""
    services: str = ""
    generated_on: date = field(default_factory=date.today)
    timeline: list[TimelineEntry] = field(default_factory=list)
    decisions: list[DecisionEntry] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)


# --- LibreOffice --------------------------------------------------------------

CONVERTED_TYPES = ("docx", "png", "jpeg", "text")


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(soffice: str, sources: list[tuple[Path, str]], outdir: Path,
                   timeout: int = 300) -> dict[str, Path]:
    """Convert files with LibreOffice, one batch, its own profile; {name: pdf path}.

    ``sources`` pairs a stored file with the name (with extension) LibreOffice
    should see, since storage names have none.
    """
    indir = outdir / "in"
    indir.mkdir(parents=True, exist_ok=True)
    names = []
    for src, name in sources:
        link = indir / name
        os.symlink(src, link)
        names.append(name)
    profile = outdir / "profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir / "out"),
           *[str(indir / n) for n in names]]
    subprocess.run(cmd, check=False, timeout=timeout, capture_output=True)  # noqa: S603
    found = {}
    for name in names:
        pdf = outdir / "out" / (name.rsplit(".", 1)[0] + ".pdf")
        if pdf.exists() and pdf.stat().st_size > 0:
            found[name] = pdf
    return found


# --- the combined PDF -----------------------------------------------------------

def _index_lines(content: PacketContent) -> list[tuple[str, str]]:
    lines = [("h", content.title), ("p", f"Student: {content.student_name}"),
             ("p", f"Prepared by {content.organization} on {content.generated_on.isoformat()}"
                   + (f" for {content.prepared_for}" if content.prepared_for else "")),
             ("p", ""), ("h", "Exhibit index")]
    for ex in content.exhibits:
        where = (f"page {ex.first_page}" if ex.included and ex.first_page
                 else f"NOT INCLUDED: {ex.reason}")
        lines.append(("p", f"{ex.label}  {ex.date_text}  {ex.title} ({ex.type_label}) — {where}"))
    return lines


def build_pdf(content: PacketContent, out_path: Path, workdir: Path,
              soffice: str | None = None, progress: Progress | None = None) -> None:
    """The combined PDF: an index page, then every exhibit stamped and bookmarked.

    Sets ``included``, ``reason``, ``page_count`` and ``first_page`` on each exhibit.
    DOCX, images and text go through LibreOffice when ``soffice`` is given;
    without it, text is set in Helvetica here and the others are left out with
    the reason. Memory stays flat: each source is read lazily and written out
    object by object.
    """
    progress = progress or (lambda msg: None)
    converted: dict[int, Path] = {}
    to_convert = [ex for ex in content.exhibits if ex.file_type in CONVERTED_TYPES]
    if to_convert and soffice:
        progress(f"Converting {len(to_convert)} Word, image and text files with LibreOffice")
        batch = 25
        for start in range(0, len(to_convert), batch):
            if start:  # also a heartbeat: a long conversion is not a stalled build
                progress(f"Converted {start} of {len(to_convert)} files with LibreOffice")
            chunk = to_convert[start:start + batch]
            conv_dir = Path(tempfile.mkdtemp(dir=workdir, prefix="lo-"))
            sources = []
            for ex in chunk:
                if ex.file_type in ("png", "jpeg"):
                    # LibreOffice Writer alone cannot open an image; a page holding it can.
                    wrapper = conv_dir / f"image-{ex.number:04d}.docx"
                    try:
                        _image_page(ex.path, wrapper)
                    except Exception as exc:  # noqa: BLE001 - a broken image is named, skipped
                        ex.included = False
                        ex.reason = f"the image could not be read ({_short(exc)})"
                        continue
                    sources.append((wrapper, f"{ex.number:04d}.docx"))
                else:
                    sources.append((ex.path, f"{ex.number:04d}{ex.extension}"))
            found = convert_to_pdf(soffice, sources, conv_dir)
            for ex in chunk:
                if not ex.included:
                    continue
                ext = ".docx" if ex.file_type in ("png", "jpeg") else ex.extension
                pdf = found.get(f"{ex.number:04d}{ext}")
                if pdf:
                    converted[ex.number] = pdf
                else:
                    ex.included, ex.reason = False, "LibreOffice could not convert it"
    for ex in to_convert:
        if ex.number in converted or not ex.included:
            continue
        if ex.file_type != "text":
            ex.included = False
            ex.reason = "LibreOffice is not installed on the server, so it could not be " \
                        "turned into PDF; it is in the ZIP"

    # Page counts first, so the index page can say where each exhibit starts.
    index_pages = 1 + max(0, (len(content.exhibits) + 6) // 54)
    page = index_pages + 1
    for ex in content.exhibits:
        if not ex.included:
            continue
        if ex.file_type == "text" and ex.number not in converted:
            ex.page_count = _count_text_pages(ex.path)
        else:
            src = converted.get(ex.number, ex.path)
            try:
                from pypdf import PdfReader

                with open(src, "rb") as fh:
                    reader = PdfReader(fh)
                    if reader.is_encrypted and not reader.decrypt(""):
                        raise ValueError("it is protected by a password")
                    ex.page_count = len(reader.pages)
            except Exception as exc:  # noqa: BLE001 - any damaged file is left out, named
                ex.included, ex.reason = False, f"the PDF could not be read ({_short(exc)})"
                continue
        ex.first_page = page
        page += ex.page_count or 0

    with open(out_path, "wb") as out:
        writer = StreamingPdfWriter(out, title=content.title)
        writer.add_text_pages(_index_lines(content), "Exhibit index")
        while writer.page_count < index_pages:  # keep the page numbers planned above
            writer.add_text_pages([("p", "")], None)
        for n, ex in enumerate(content.exhibits, start=1):
            if not ex.included:
                continue
            progress(f"Adding {ex.label} to the combined PDF ({n} of {len(content.exhibits)})")

            def stamp(_in_exhibit: int, packet_page: int, ex=ex) -> str:
                return f"{ex.label} — page {packet_page}"

            bookmark = f"{ex.label} — {ex.title} ({ex.date_text})"
            expected = writer.page_count + 1
            if ex.file_type == "text" and ex.number not in converted:
                text = ex.path.read_text(encoding="utf-8", errors="replace")
                writer.add_text_pages([("p", line) for line in text.splitlines()], bookmark,
                                      stamp=stamp)
            else:
                with open(converted.get(ex.number, ex.path), "rb") as fh:
                    writer.add_pdf(fh, bookmark, stamp)
            assert expected == ex.first_page, (expected, ex.first_page)  # noqa: S101
        writer.finish()


def _image_page(image: Path, out: Path) -> None:
    """A one-page Word document holding ``image``, scaled to fit the page."""
    from docx import Document as Docx
    from docx.image.image import Image
    from docx.shared import Cm, Emu

    img = Image.from_file(str(image))
    max_w, max_h = Cm(17), Cm(24)
    scale = min(1.0, max_w / max(img.width, 1), max_h / max(img.height, 1))
    doc = Docx()
    for section in doc.sections:
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin = section.right_margin = Cm(2)
    doc.add_picture(str(image), width=Emu(int(img.width * scale)),
                    height=Emu(int(img.height * scale)))
    doc.save(str(out))


def _count_text_pages(path: Path) -> int:
    from textwrap import wrap

    lines = 0
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            lines += max(1, len(wrap(line.rstrip("\n"), 93, replace_whitespace=False)))
    return max(1, -(-lines // 54))


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]


# --- the Word document ------------------------------------------------------------

def _add_toc_field(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        run = OxmlElement("w:r")
        run.append(el)
        return run

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    instr_run = OxmlElement("w:r")
    instr_run.append(instr)
    placeholder = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "Page numbers appear when the contents are updated (in Word: right-click, "
    t.text += "Update Field)."
    placeholder.append(t)
    p = paragraph._p
    for el in (fld("begin"), instr_run, fld("separate"), placeholder, fld("end")):
        p.append(el)


def _table(doc, headers: list[str], rows: list[list[str]], widths: list[float]):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for i, h in enumerate(headers):
        cell = table.rows[0].cells[i]
        cell.text = ""
        run = cell.paragraphs[0].add_run(h)
        run.bold = True
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = value
    table.autofit = False
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(Cm(w).twips))  # LibreOffice reads the grid, Word the cells
    for row in table.rows:
        for i, w in enumerate(widths):
            row.cells[i].width = Cm(w)
            for p in row.cells[i].paragraphs:
                for r in p.runs:
                    r.font.size = Pt(9)
    return table


def _timeline_rows(content: PacketContent) -> list[list[str]]:
    rows = []
    for e in content.timeline:
        if e.kind in ("concern", "request"):
            if e.response is not None:
                follow = f"District responded {e.response.date.isoformat()}, " \
                         f"{e.days_open} days later"
            else:
                follow = f"No district response recorded by {content.generated_on.isoformat()} " \
                         f"({(content.generated_on - e.date).days} days)"
        elif e.answered is not None:
            follow = f"Answers the {e.answered.kind_label.lower()} of " \
                     f"{e.answered.date.isoformat()}, {e.days_since} days after it"
        else:
            follow = ""
        desc = e.description
        if e.documents:
            desc += "\nDocuments: " + "; ".join(e.documents)
        rows.append([e.date.isoformat(), e.kind_label, desc, follow, e.source])
    return rows


def build_docx(content: PacketContent, out_path: Path) -> None:
    """The packet as a Word document: cover, contents, narrative, timeline,
    decision log and exhibit index."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    doc = Docx()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    doc.styles["Normal"].font.name = "Calibri"
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = content.title
    doc.core_properties.author = content.organization

    # Cover page
    for _ in range(6):
        doc.add_paragraph()
    title = doc.add_paragraph(content.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = sub.add_run(f"Record packet for {content.student_name}")
    run.font.size = Pt(16)
    details = []
    if content.school or content.grade:
        details.append(", ".join(x for x in (content.school,
                                             f"grade {content.grade}" if content.grade else "")
                                 if x))
    if content.prepared_for:
        details.append(f"Prepared for: {content.prepared_for}")
    details.append(f"Prepared by: {content.organization}")
    details.append(f"Date: {content.generated_on.strftime('%B %-d, %Y')}")
    included = [e for e in content.exhibits if e.included]
    details.append(f"{len(content.exhibits)} exhibits"
                   + (f", {sum(e.page_count or 0 for e in included)} pages in the combined PDF"
                      if included else ""))
    for line in details:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("Confidential student record. Share only with the people "
                          "named above.")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.runs[0].italic = True
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: a TOC field Word fills in, and a written list that is right without it.
    doc.add_heading("Contents", level=1)
    _add_toc_field(doc.add_paragraph())
    doc.add_paragraph("Sections: 1. Narrative · 2. Timeline of concerns and responses · "
                      "3. Decision log · 4. Exhibit index")
    doc.add_paragraph("Exhibits:")
    for ex in content.exhibits:
        doc.add_paragraph(f"{ex.label} — {ex.title} ({ex.date_text})", style="List Bullet")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("1. Narrative", level=1)
    for heading, text, empty in (
            ("The student's needs", content.needs, "Not written yet."),
            ("Goals", content.goals, "Not written yet."),
            ("Services asked for", content.services, "Not written yet.")):
        doc.add_heading(heading, level=2)
        for para in (text or empty).split("\n\n"):
            doc.add_paragraph(para.strip())

    # Wide tables read better on a landscape page.
    land = doc.add_section()
    land.orientation = WD_ORIENT.LANDSCAPE
    land.page_width, land.page_height = section.page_height, section.page_width

    doc.add_heading("2. Timeline of concerns and responses", level=1)
    if content.timeline:
        _table(doc, ["Date", "What happened", "Description", "Response and days between",
                     "Source"], _timeline_rows(content), [2.3, 3.2, 10.5, 6.0, 3.0])
    else:
        doc.add_paragraph("No events recorded.")

    doc.add_heading("3. Decision log", level=1)
    if content.decisions:
        _table(doc, ["Date", "Decision", "Approved by", "Why", "Source"],
               [[d.date.isoformat(), d.what, d.approved_by or "—", d.why or "—", d.source]
                for d in content.decisions], [2.3, 8.5, 4.0, 7.2, 3.0])
    else:
        doc.add_paragraph("No decisions recorded.")

    doc.add_heading("4. Exhibit index", level=1)
    doc.add_paragraph("Page numbers refer to the combined PDF, where each page is stamped "
                      "with its exhibit number and its page number.")
    _table(doc, ["Exhibit", "Date", "Title", "Type", "Pages", "In the combined PDF"],
           [[f"{ex.number:03d}", ex.date_text, ex.title, ex.type_label, ex.pages_text,
             "Yes" if ex.included else f"Not included: {ex.reason}"]
            for ex in content.exhibits], [1.8, 2.3, 8.0, 3.5, 3.2, 6.2])
    doc.save(str(out_path))


# --- the ZIP ------------------------------------------------------------------------

def build_zip(content: PacketContent, docx_path: Path, out_path: Path,
              progress: Progress | None = None) -> None:
    """The Word document plus every exhibit file, named ``Exhibit 001 - date - Title.ext``.

    Files are copied into the archive in chunks; already-compressed types are stored.
    """
    progress = progress or (lambda msg: None)
    base = safe_filename(content.title, default="packet", is_path=False)
    with zipfile.ZipFile(out_path, "w", allowZip64=True) as zf:
        zf.write(docx_path, f"{base}.docx", compress_type=zipfile.ZIP_STORED)
        for n, ex in enumerate(content.exhibits, start=1):
            progress(f"Adding {ex.label} to the ZIP ({n} of {len(content.exhibits)})")
            method = zipfile.ZIP_DEFLATED if ex.file_type == "text" else zipfile.ZIP_STORED
            zf.write(ex.path, ex.filename, compress_type=method)
