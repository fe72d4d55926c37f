"""The combined PDF of a record packet: an index page, then every exhibit converted,
stamped with its exhibit number and page, and bookmarked (a pure builder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .builders import CONVERTED_TYPES, PacketContent, Progress, convert_to_pdf
from .pdfcombine import Part, combine, readable_by_qpdf_command
from .pdftext import paginate, write_text_pdf

PROTECTED = ("it is protected by a password, so it cannot be opened here; save an unprotected "
             "copy and upload that")


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
    the reason. Memory stays flat: qpdf concatenates the files and pikepdf reads
    the result lazily to stamp it (see pdfcombine.py).
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

    # Every exhibit as a PDF file with its page count; the rest are left out, named.
    parts: dict[int, Part] = {}
    for n, ex in enumerate(content.exhibits, start=1):
        if not ex.included:
            continue
        progress(f"Adding {ex.label} to the combined PDF ({n} of {len(content.exhibits)})")
        if ex.file_type == "text" and ex.number not in converted:
            text = ex.path.read_text(encoding="utf-8", errors="replace")
            src = workdir / f"text-{ex.number:04d}.pdf"
            pages = write_text_pdf([("p", line) for line in text.splitlines()], src)
            parts[ex.number] = Part(src, pages)
        else:
            src = converted.get(ex.number, ex.path)
            try:
                parts[ex.number] = open_exhibit(src)
            except ValueError as exc:
                ex.included, ex.reason = False, str(exc)
                continue
        ex.page_count = parts[ex.number].pages

    # The index says where each exhibit starts, which depends on the index's own
    # length: lay it out until the page numbers it prints no longer move it.
    index_pages, index_path = 1, workdir / "index.pdf"
    while True:
        page = index_pages + 1
        for ex in content.exhibits:
            if ex.included:
                ex.first_page, page = page, page + (ex.page_count or 0)
        needed = len(paginate(_index_lines(content)))
        if needed <= index_pages:
            break
        index_pages = needed
    write_text_pdf(_index_lines(content), index_path, min_pages=index_pages)

    sequence = [Part(index_path, index_pages, bookmark="Exhibit index")]
    for ex in content.exhibits:
        if ex.included:
            part = parts[ex.number]
            part.bookmark = f"{ex.label} — {ex.title} ({ex.date_text})"
            part.stamp_label = ex.label
            sequence.append(part)
    progress("Combining the exhibits into one PDF")
    combine(sequence, out_path, workdir, content.title, progress=progress)


def open_exhibit(path: Path) -> Part:
    """An exhibit PDF's page count and whether it has layers; ValueError says why not."""
    import pikepdf

    try:
        with pikepdf.open(path) as pdf:
            pages = len(pdf.pages)
            layers = "/OCProperties" in pdf.Root
    except pikepdf.PasswordError as exc:
        raise ValueError(PROTECTED) from exc
    except Exception as exc:  # noqa: BLE001 - any damaged file is left out, named
        raise ValueError(f"the PDF could not be read ({_short(exc)})") from exc
    if not pages:
        raise ValueError("the PDF has no pages")
    if (problem := readable_by_qpdf_command(path, pages)) is not None:
        raise ValueError(f"the PDF could not be read ({problem})")
    return Part(path, pages, layers=layers)


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


def _short(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text[:120]
