"""The Word document of a record packet: cover, table of contents, exhibit index, the
timeline and the decision log (a pure builder)."""

from __future__ import annotations

from pathlib import Path

from ..documents.safe_text import xml_safe
from .builders import PacketContent


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
    content = xml_safe(content)
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
