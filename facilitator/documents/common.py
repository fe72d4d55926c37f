"""Shared look of every Word document: fonts, headings, header and footer, tables.

Builders in this package are pure functions from plain data to bytes. They
start with :func:`new_document`, add content with the helpers below and end
with :func:`to_bytes`. Nothing here touches the database or Flask.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor
from docx.table import Table

from ..i18n import N_

#: One family of fonts everywhere. LibreOffice substitutes the metric-compatible
#: Carlito where Calibri is not installed, so pages break the same way.
FONT = "Calibri"
BODY_SIZE = Pt(11)
HEADING_COLOR = RGBColor(0x1F, 0x3A, 0x5F)
MUTED_COLOR = RGBColor(0x55, 0x55, 0x55)
HEADER_FILL = "DCE6F0"
MARGIN = Inches(0.9)

DEFAULT_CONFIDENTIALITY = N_(
    "Confidential: this document contains student information protected by FERPA and IDEA. "
    "Share it only with people who need it."
)
#: Word's language tag for each catalog language (spelling, screen readers).
WORD_LANGUAGE = {"en": "en-US", "es": "es-US"}


def _set_run_fonts(rpr_parent, name: str) -> None:
    """Set every script slot of a style's font (ascii, hAnsi, east Asian, complex)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    # Theme font attributes would win over the names above: drop them.
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]


def _style_fonts(doc: DocxDocument, language: str = "en") -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = BODY_SIZE
    _set_run_fonts(normal.element, FONT)
    normal.paragraph_format.space_after = Pt(4)
    # Spelling and screen readers use the document's language.
    rpr = normal.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), WORD_LANGUAGE.get(language, "en-US"))
    sizes = {"Title": 20, "Heading 1": 15, "Heading 2": 13, "Heading 3": 11.5}
    for name, size in sizes.items():
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = HEADING_COLOR
        _set_run_fonts(style.element, FONT)
        style.paragraph_format.keep_with_next = True
        style.paragraph_format.space_before = Pt(12 if name != "Heading 3" else 8)
        style.paragraph_format.space_after = Pt(4)
    title = styles["Title"]
    title.paragraph_format.space_before = Pt(0)
    # The default Title has a bottom border and expanded spacing; keep it plain.
    ppr = title.element.get_or_add_pPr()
    for child in list(ppr):
        if child.tag == qn("w:pBdr"):
            ppr.remove(child)
    for name in ("Header", "Footer", "List Bullet", "List Bullet 2", "List Number", "Subtitle"):
        style = styles[name]
        style.font.name = FONT
        _set_run_fonts(style.element, FONT)
    styles["Header"].font.size = Pt(9)
    styles["Footer"].font.size = Pt(9)
    styles["Subtitle"].font.size = Pt(12)
    # The stock Subtitle spreads its letters apart; keep normal spacing.
    sub_rpr = styles["Subtitle"].element.get_or_add_rPr()
    for child in list(sub_rpr):
        if child.tag == qn("w:spacing"):
            sub_rpr.remove(child)
    styles["Subtitle"].font.italic = False
    styles["Subtitle"].font.color.rgb = MUTED_COLOR


def new_document(title: str, header_text: str, confidentiality: str = DEFAULT_CONFIDENTIALITY,
                 core_subject: str = "", language: str = "en",
                 page_words: tuple[str, str] = ("Page ", " of ")) -> DocxDocument:
    """A Letter-size document with our fonts, a header line and a paged footer.

    ``language`` sets Word's proofing language; ``page_words`` are the footer's
    "Page " and " of " in that language.
    """
    doc = Document()
    _style_fonts(doc, language)
    section = doc.sections[0]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = Inches(0.4)
    section.footer_distance = Inches(0.4)

    header_p = section.header.paragraphs[0]
    header_p.text = header_text
    header_p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _bottom_border(header_p)

    footer = section.footer
    conf = footer.paragraphs[0]
    conf.text = confidentiality
    conf.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page = footer.add_paragraph()
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page.add_run(page_words[0])
    add_field(page, "PAGE", "1")
    page.add_run(page_words[1])
    add_field(page, "NUMPAGES", "1")

    props = doc.core_properties
    props.title = title
    props.subject = core_subject
    props.author = "Facilitator"
    props.comments = ""
    props.language = WORD_LANGUAGE.get(language, "en-US")
    return doc


def _bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"),
                       ("w:color", "999999")):
        bottom.set(qn(key), value)
    border.append(bottom)
    # Schema order matters to Word: pBdr goes before shd, tabs, spacing, ind, jc...
    ppr.insert_element_before(
        border, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
        "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
        "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
        "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
        "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
        "w:pPrChange")


def add_field(paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (PAGE, NUMPAGES) as begin / instruction / separate / result / end runs."""

    def run_with(child):
        run = paragraph.add_run()
        run._r.append(child)
        return run

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run_with(sep)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def title_block(doc: DocxDocument, title: str, subtitle: str = "") -> None:
    doc.add_paragraph(title, style="Title")
    if subtitle:
        doc.add_paragraph(subtitle, style="Subtitle")


def heading(doc: DocxDocument, text: str, level: int = 1):
    return doc.add_heading(text, level=level)


def text_block(doc_or_cell, text: str | None, missing: str | None = None) -> int:
    """Add ``text`` as one paragraph per non-empty line; returns how many were added.

    Blank lines are dropped (no empty placeholder paragraphs). When there is no
    text and ``missing`` is given, a muted "not filled in" note says so instead.
    """
    lines = [line.strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        if missing:
            note(doc_or_cell, missing)
            return 1
        return 0
    for line in lines:
        if line.startswith(("- ", "* ", "• ")) and hasattr(doc_or_cell, "add_heading"):
            doc_or_cell.add_paragraph(line[2:].strip(), style="List Bullet")
        else:
            doc_or_cell.add_paragraph(line)
    return len(lines)


def note(doc_or_cell, text: str):
    """A muted, italic sentence, e.g. to say that something is missing."""
    p = doc_or_cell.add_paragraph()
    run = p.add_run(text)
    run.italic = True
    run.font.color.rgb = MUTED_COLOR
    return p


def labelled(doc: DocxDocument, label: str, value: str) -> None:
    """"Label: value" on one line, the label in bold."""
    p = doc.add_paragraph()
    p.paragraph_format.space_after = Pt(2)
    p.add_run(f"{label}: ").bold = True
    p.add_run(value)


def bullets(doc: DocxDocument, items: Iterable[str]) -> int:
    n = 0
    for item in items:
        if item and item.strip():
            doc.add_paragraph(item.strip(), style="List Bullet")
            n += 1
    return n


def fmt_date(value: date | datetime | None, missing: str = "Not set") -> str:
    """'March 4, 2026' (no leading zero), or ``missing``."""
    if value is None:
        return missing
    return f"{value:%B} {value.day}, {value.year}"


def fmt_short_date(value: date | datetime | None, missing: str = "Not set") -> str:
    """'Mar 4, 2026': fits a narrow table column on one line."""
    if value is None:
        return missing
    return f"{value:%b} {value.day}, {value.year}"


def fmt_datetime(value: datetime | None, missing: str = "Not set") -> str:
    if value is None:
        return missing
    hour = value.hour % 12 or 12
    return f"{fmt_date(value)}, {hour}:{value:%M} {'a.m.' if value.hour < 12 else 'p.m.'}"


# --- tables -----------------------------------------------------------------

def _table_style(doc: DocxDocument, font_size: float, bold: bool):
    """A paragraph style for table cells, so no run needs its own formatting."""
    from docx.enum.style import WD_STYLE_TYPE

    name = f"Table {'Heading' if bold else 'Text'} {font_size:g}"
    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(font_size)
        style.font.bold = bold
        style.paragraph_format.space_after = Pt(1)
        style.paragraph_format.space_before = Pt(0)
        style.quick_style = False
        return style


# Tag names resolved once: rows are built straight in XML, which is several
# times faster than python-docx's add_row()/cell API for long tables.
_W = {name: qn(f"w:{name}") for name in (
    "tr", "trPr", "cantSplit", "tblHeader", "val", "tc", "tcPr", "tcW", "w", "type", "p",
    "pPr", "pStyle", "r", "t", "shd", "color", "fill")}
_XML_SPACE = qn("xml:space")


def _make_row(tbl, values: Sequence[str], widths_twips: Sequence[str], style_id: str,
              header: bool = False) -> None:
    w = _W
    tr = tbl.makeelement(w["tr"], {})
    trpr = tr.makeelement(w["trPr"], {})
    trpr.append(trpr.makeelement(w["cantSplit"], {w["val"]: "true"}))
    if header:
        trpr.append(trpr.makeelement(w["tblHeader"], {w["val"]: "true"}))
    tr.append(trpr)
    for text, width in zip(values, widths_twips, strict=True):
        tc = tr.makeelement(w["tc"], {})
        tcpr = tc.makeelement(w["tcPr"], {})
        tcpr.append(tcpr.makeelement(w["tcW"], {w["w"]: width, w["type"]: "dxa"}))
        if header:
            tcpr.append(tcpr.makeelement(w["shd"], {w["val"]: "clear", w["color"]: "auto",
                                                    w["fill"]: HEADER_FILL}))
        tc.append(tcpr)
        # One paragraph per non-empty line; the first always exists (a cell needs one).
        lines = [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]
        for line in lines:
            p = tc.makeelement(w["p"], {})
            ppr = p.makeelement(w["pPr"], {})
            ppr.append(ppr.makeelement(w["pStyle"], {w["val"]: style_id}))
            p.append(ppr)
            if line:
                r = p.makeelement(w["r"], {})
                t = r.makeelement(w["t"], {_XML_SPACE: "preserve"})
                t.text = line
                r.append(t)
                p.append(r)
            tc.append(p)
        tr.append(tc)
    tbl.append(tr)


def add_table(doc: DocxDocument, headers: Sequence[str], rows: Iterable[Sequence[str]],
              widths: Sequence[float], font_size: float = 10) -> Table:
    """A bordered table: shaded header row repeated on every page, rows kept whole.

    ``widths`` are in inches, one per column. Cell values are strings; several
    lines become several paragraphs in the cell. Fixed layout, so long words
    wrap inside their column instead of widening the table.
    """
    if len(widths) != len(headers):
        raise ValueError("one width per column")
    text_style = _table_style(doc, font_size, bold=False)
    head_style = _table_style(doc, font_size, bold=True)
    table = doc.add_table(rows=0, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # autofit False writes <w:tblLayout w:type="fixed"/>: long words wrap inside
    # their column instead of widening the table.
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=True):
        col.width = Inches(width)
    twips = [str(round(width * 1440)) for width in widths]
    tbl = table._tbl
    _make_row(tbl, [str(h) for h in headers], twips, head_style.style_id, header=True)
    for values in rows:
        if len(values) != len(headers):
            raise ValueError("one value per column in every row")
        _make_row(tbl, [str(v) for v in values], twips, text_style.style_id)
    return table


def landscape_section(doc: DocxDocument):
    """Start a new page in landscape orientation (header and footer carry over)."""
    current = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = current.page_height, current.page_width
    return section


def portrait_section(doc: DocxDocument):
    """Start a new page in portrait orientation."""
    current = doc.sections[-1]
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    if current.page_width > current.page_height:
        section.page_width, section.page_height = current.page_height, current.page_width
    return section


def usable_width(doc: DocxDocument) -> float:
    """Width between the margins of the last section, in inches."""
    s = doc.sections[-1]
    return (s.page_width - s.left_margin - s.right_margin) / 914400


def to_bytes(doc: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def safe_filename(*parts: str, ext: str = "docx") -> str:
    """An ASCII file name from the given parts: 'meeting-summary-jamie-lee-2026-03-04.docx'."""
    import re
    import unicodedata

    text = "-".join(p for p in parts if p)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "document"
    return f"{text[:80]}.{ext}"
