"""The combined PDF of a record packet: an index page, then every exhibit converted,
stamped with its exhibit number and page, and bookmarked (a pure builder)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .builders import CONVERTED_TYPES, PacketContent, Progress, convert_to_pdf
from .pdfstream import StreamingPdfWriter


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
