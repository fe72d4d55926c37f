"""Pages of plain text set in Helvetica (the packet's index, text exhibits without
LibreOffice, demo records), and the text metrics the exhibit stamp needs.

Lines are wrapped by their measured width (Adobe's Helvetica metrics), so a long
title of wide capitals wraps instead of running off the page, and a word longer
than a line is broken.
"""

from __future__ import annotations

from pathlib import Path

PAGE_W, PAGE_H = 612, 792  # US Letter, for pages made here
MARGIN = 72
LINES_TOP = PAGE_H - MARGIN
LINES_BOTTOM = MARGIN

# Advance widths (per 1000 em) of ASCII 32..126, from Adobe's Core14 AFM files
# (Helvetica.afm and Helvetica-Bold.afm, Copyright (c) 1985-1997 Adobe Systems Inc.).
_REGULAR = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
    722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
    556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
    500, 334, 260, 334, 584)
_BOLD = (
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722,
    722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722,
    667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611,
    611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556,
    500, 389, 280, 389, 584)
#: Letters outside ASCII: the em dash is 1000; any other is counted wide, so a
#: line never overflows (at worst it wraps a little early).
_OTHER = {"—": 1000, "–": 556, "“": 333, "”": 333, "‘": 222, "’": 222}

STYLES = {"h": (13, 20, True), "p": (10, 13, False)}  # size, leading, bold


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` in points, set in Helvetica at ``size``."""
    table = _BOLD if bold else _REGULAR
    total = 0
    for c in text:
        code = ord(c)
        total += table[code - 32] if 32 <= code < 127 else _OTHER.get(c, 1000)
    return total * size / 1000


def winansi(text: str) -> bytes:
    """``text`` as a PDF literal string body for the WinAnsi Helvetica; other letters are '?'."""
    raw = text.encode("cp1252", errors="replace")
    raw = bytes(b if b >= 32 else 32 for b in raw)
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def wrap(text: str, size: float, bold: bool, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points."""
    out: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in para.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                out.append(line)
            line = ""
            while text_width(word, size, bold) > width:  # a word wider than a line
                cut = len(word)
                while cut > 1 and text_width(word[:cut], size, bold) > width:
                    cut -= 1
                out.append(word[:cut])
                word = word[cut:]
            line = word
        out.append(line)
    return out


Line = tuple[str, str]  # (style "h", "p" or "break", text)


def paginate(lines: list[Line]) -> list[list[Line]]:
    """The lines wrapped to the page and cut into pages (at least one page)."""
    pages: list[list[Line]] = [[]]
    room = LINES_TOP - LINES_BOTTOM
    for style, text in lines:
        if style == "break":  # a new page
            pages.append([])
            room = LINES_TOP - LINES_BOTTOM
            continue
        size, lead, bold = STYLES[style]
        for part in wrap(text, size, bold, PAGE_W - 2 * MARGIN):
            if room < lead:
                pages.append([])
                room = LINES_TOP - LINES_BOTTOM
            pages[-1].append((style, part))
            room -= lead
    return pages


def write_text_pdf(lines: list[Line], path: Path, title: str = "", min_pages: int = 1) -> int:
    """A PDF of ``lines`` at ``path`` (blank pages added up to ``min_pages``); its page count."""
    import pikepdf
    from pikepdf import Dictionary, Name

    pdf = pikepdf.new()
    fonts = Dictionary(
        F1=pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)),
        F2=pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name("/Helvetica-Bold"),
                                        Encoding=Name.WinAnsiEncoding)))
    resources = pdf.make_indirect(Dictionary(Font=fonts))
    pages = paginate(lines)
    pages += [[] for _ in range(min_pages - len(pages))]
    for chunk in pages:
        ops = [b"BT 72 %d Td" % LINES_TOP]
        for style, text in chunk:
            size, lead, bold = STYLES[style]
            ops.append(b"/%s %d Tf 0 -%d Td (%s) Tj"
                       % (b"F2" if bold else b"F1", size, lead, winansi(text)))
        ops.append(b"ET")
        page = pdf.add_blank_page(page_size=(PAGE_W, PAGE_H))
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream(b"\n".join(ops))
    if title:
        pdf.docinfo[Name.Title] = title
    pdf.docinfo[Name.Producer] = "Facilitator"
    pdf.save(path)
    pdf.close()
    return len(pages)


def text_pdf_bytes(lines: list[Line], title: str = "") -> bytes:
    """The same as :func:`write_text_pdf`, as bytes (demo records, tests)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "text.pdf"
        write_text_pdf(lines, path, title)
        return path.read_bytes()
