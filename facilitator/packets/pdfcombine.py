"""Combining the exhibit PDFs into one: qpdf concatenates, pikepdf finishes.

Why two steps (measured, see README "Record packets"): the ``qpdf`` command copies
the pages of any number of PDFs with flat memory (27 MB for 500 files, 1 GB),
repairing what it can as it reads; pikepdf's own page copying holds every copied
stream in memory (1 GB for the same files). A file that pikepdf *opens* is read
lazily, though, so the concatenated file is opened with pikepdf to add what the
packet needs, and saved to a new path, streams copied through:

* a stamp on every page (``Exhibit 001 — page 12``) at the bottom right of the
  page as shown (turned with /Rotate), scaled down on pages too small for it;
* form fields flattened into the page (a record shows what was filled in, and
  cannot be edited in the packet);
* the optional-content layers (/OCProperties) of every exhibit, with their
  default visibility, which ``qpdf --pages`` leaves behind;
* a bookmark per exhibit and page labels equal to the stamped page numbers.
"""

from __future__ import annotations

import shutil
import subprocess  # noqa: S404 - qpdf is run with a fixed argument list
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pdftext import text_width, winansi

STAMP_FONT = Name("/FacilitatorStamp")
STAMP_SIZE = 9
#: The stamp's own box (points, before scaling): white patch and text with margins.
STAMP_MARGIN_X, STAMP_H = 48, 35


class CombineError(RuntimeError):
    """qpdf could not write the combined file."""


@dataclass
class Part:
    """One PDF to put in the packet, and what its pages get."""

    path: Path
    pages: int
    bookmark: str | None = None
    stamp_label: str | None = None  # "Exhibit 001": pages get "Exhibit 001 — page N"
    layers: bool = False  # the file has optional content (/OCProperties)


def concatenate(paths: list[Path], out: Path) -> None:
    """The pages of ``paths``, in order, in one file: the ``qpdf`` command when it is
    installed (flat memory); otherwise pikepdf alone, correct but holding every
    copied stream in memory (see the README), with a warning in the log."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        from flask import current_app

        current_app.logger.warning("the qpdf program is not installed (Debian package "
                                   "qpdf): combining in memory")
        concatenate_in_memory(paths, out)
        return
    cmd = [qpdf, "--empty", "--warning-exit-0", "--no-warn", "--pages",
           *[str(p) for p in paths], "--", str(out)]
    done = subprocess.run(cmd, capture_output=True, check=False)  # noqa: S603
    if done.returncode != 0 or not out.exists():
        raise CombineError("qpdf could not combine the exhibits: "
                           + done.stderr.decode("utf-8", "replace")[-300:])


def readable_by_qpdf_command(path: Path, pages: int) -> str | None:
    """None when the ``qpdf`` command (which may be older than pikepdf's) reads the
    same number of pages; else what it said. Cheap: the page tree only."""
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        return None
    done = subprocess.run([qpdf, "--warning-exit-0", "--no-warn", "--show-npages",  # noqa: S603
                           str(path)], capture_output=True, check=False)
    said = done.stdout.decode("ascii", "replace").strip()
    if done.returncode == 0 and said == str(pages):
        return None
    return (done.stderr.decode("utf-8", "replace").strip()[-120:]
            or f"qpdf counts {said or 'no'} pages")


def concatenate_in_memory(paths: list[Path], out: Path) -> None:
    with pikepdf.new() as pdf:
        for path in paths:
            with pikepdf.open(path) as src:
                pdf.add_pages_from(src, outlines="ignore")
        pdf.save(out)


def combine(parts: list[Part], out: Path, workdir: Path, title: str,
            progress: Callable[[str], None] | None = None) -> int:
    """Write the parts, in order, as one finished PDF at ``out``; returns its page count.

    ``progress`` hears how far the writing is (a heartbeat for a long build).
    """
    concat = workdir / "concatenated.pdf"
    concatenate([p.path for p in parts], concat)
    try:
        with pikepdf.open(concat) as pdf:
            total = len(pdf.pages)
            expected = sum(p.pages for p in parts)
            if total != expected:
                raise CombineError(f"the combined PDF has {total} pages, not {expected}")
            _flatten_forms(pdf)
            _stamp_pages(pdf, parts)
            _carry_layers(pdf, parts)
            _outline_and_labels(pdf, parts)
            pdf.docinfo[Name.Title] = title
            pdf.docinfo[Name.Producer] = "Facilitator"
            pdf.save(out, progress=(lambda pct: progress(f"Writing the combined PDF ({pct}%)"))
                     if progress else None)
        return total
    finally:
        concat.unlink(missing_ok=True)


# --- forms ------------------------------------------------------------------------

def _flatten_forms(pdf: pikepdf.Pdf) -> None:
    """Draw form fields into their pages and drop the form (values can no longer change)."""
    if Name.AcroForm not in pdf.Root:
        return
    pdf.generate_appearance_streams()
    pdf.flatten_annotations(mode="all")
    if Name.AcroForm in pdf.Root:
        del pdf.Root[Name.AcroForm]


# --- stamps ---------------------------------------------------------------------

def _upright(box: list[float], rotate: int) -> tuple[float, float, tuple]:
    """Width and height of the page as shown, and the matrix from shown to page space.

    /Rotate turns the page clockwise when shown; the stamp must still read left
    to right at the bottom right of what the reader sees.
    """
    x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), \
        max(box[1], box[3])
    w, h = x1 - x0, y1 - y0
    rotate %= 360
    if rotate == 90:
        return h, w, (0, 1, -1, 0, x1, y0)
    if rotate == 180:
        return w, h, (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return h, w, (0, -1, 1, 0, x0, y1)
    return w, h, (1, 0, 0, 1, x0, y0)


def stamp_scale(text: str, shown_w: float, shown_h: float) -> float:
    """1, or less on a page too small for the stamp, so it stays on the page."""
    need_w = text_width(text, STAMP_SIZE) + STAMP_MARGIN_X
    return min(1.0, shown_w / need_w, shown_h / STAMP_H)


def stamp_operators(text: str, box: list[float], rotate: int) -> bytes:
    """Content-stream operators drawing ``text`` on a white patch at the bottom right."""
    shown_w, shown_h, matrix = _upright(box, rotate)
    tw = text_width(text, STAMP_SIZE)
    s = stamp_scale(text, shown_w, shown_h)
    shift = shown_w - s * (tw + STAMP_MARGIN_X)
    nums = " ".join(f"{v:.4f}" for v in matrix).encode()
    return (b"q %s cm %.4f 0 0 %.4f %.4f 0 cm 1 g 20 10 %.2f 15 re f 0 g BT %s %d Tf "
            b"1 0 0 1 24 14 Tm (%s) Tj ET Q\n"
            % (nums, s, s, shift, tw + 8, str(STAMP_FONT).encode(), STAMP_SIZE, winansi(text)))


def _page_box(page: pikepdf.Page) -> list[float]:
    box = page.obj.get(Name.CropBox) or page.obj.get(Name.MediaBox) or [0, 0, 612, 792]
    return [float(v) for v in box]


def _stamp_pages(pdf: pikepdf.Pdf, parts: list[Part]) -> None:
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding))
    # One shared "save the graphics state" stream: the page's own state (a
    # leftover transformation, a clip) cannot move or hide the stamp drawn after Q.
    save = pdf.make_stream(b"q\n")
    index = 0
    for part in parts:
        for _ in range(part.pages):
            index += 1
            if part.stamp_label:
                page = pdf.pages[index - 1]
                text = f"{part.stamp_label} — page {index}"
                ops = stamp_operators(text, _page_box(page),
                                      int(page.obj.get(Name.Rotate, 0)))
                _add_font(pdf, page, font)
                contents = page.obj.get(Name.Contents)
                streams = list(contents) if isinstance(contents, Array) else \
                    ([contents] if contents is not None else [])
                page.obj.Contents = Array([save, *streams, pdf.make_stream(b"\nQ\n" + ops)])


def _add_font(pdf: pikepdf.Pdf, page: pikepdf.Page, font) -> None:
    resources = page.obj.get(Name.Resources)
    if not isinstance(resources, Dictionary):
        resources = page.obj.Resources = Dictionary()
    fonts = resources.get(Name.Font)
    if not isinstance(fonts, Dictionary):
        fonts = resources.Font = Dictionary()
    fonts[STAMP_FONT] = font


# --- optional content ---------------------------------------------------------------

_OC_KEYS = ("/ON", "/OFF", "/Order", "/RBGroups", "/Locked")


def _carry_layers(pdf: pikepdf.Pdf, parts: list[Part]) -> None:
    """Rebuild /OCProperties from each exhibit's own, pointing at the copied layers."""
    ocgs, config = Array(), {k: Array() for k in _OC_KEYS}
    start = 0
    for part in parts:
        if part.layers:
            with pikepdf.open(part.path) as src:
                props = src.Root.get(Name.OCProperties)
                if isinstance(props, Dictionary):
                    mapping = _copies(src, pdf, start)
                    _merge_layers(props, mapping, part, ocgs, config)
        start += part.pages
    if len(ocgs):
        default = Dictionary({k: v for k, v in config.items() if len(v)})
        default[Name.BaseState] = Name.ON
        pdf.Root.OCProperties = Dictionary(OCGs=ocgs, D=default)


def _copies(src: pikepdf.Pdf, out: pikepdf.Pdf, start: int) -> dict:
    """{source (num, gen): copy in ``out``} for every indirect object under the pages.

    qpdf copied each page's objects with their shape intact, so walking a source
    page and its copy side by side pairs every object with its copy.
    """
    mapping: dict = {}
    stack = [(page.obj, out.pages[start + i].obj) for i, page in enumerate(src.pages)]
    while stack:
        a, b = stack.pop()
        if not isinstance(a, pikepdf.Object):  # numbers, booleans come back as Python's
            continue
        if a.is_indirect:
            if a.objgen in mapping:
                continue
            mapping[a.objgen] = b
        if isinstance(a, (Dictionary, pikepdf.Stream)) and isinstance(b, (Dictionary,
                                                                          pikepdf.Stream)):
            for key in a.keys():
                if key != "/Parent" and key in b:
                    stack.append((a[key], b[key]))
        elif isinstance(a, Array) and isinstance(b, Array):
            stack.extend(zip(a, b, strict=False))
    return mapping


def _mapped(obj, mapping: dict):
    """``obj`` with every layer replaced by its copy; layers not copied are dropped."""
    if isinstance(obj, Array):
        items = [_mapped(x, mapping) for x in obj]
        return Array([x for x in items if x is not None])
    if isinstance(obj, Dictionary) and obj.is_indirect:
        return mapping.get(obj.objgen)  # a layer no page uses was not copied
    return obj


def _merge_layers(props: Dictionary, mapping: dict, part: Part, ocgs: Array,
                  config: dict) -> None:
    mine = _mapped(props.get(Name.OCGs, Array()), mapping)
    if not len(mine):
        return
    ocgs.extend(mine)
    default = props.get(Name.D, Dictionary())
    for key in ("/ON", "/OFF", "/RBGroups", "/Locked"):
        if key in default:
            config[key].extend(_mapped(default[key], mapping))
    if default.get(Name.BaseState) == Name.OFF:  # off unless listed as on
        on = {o.objgen for o in _mapped(default.get(Name.ON, Array()), mapping)}
        config["/OFF"].extend(o for o in mine if o.objgen not in on)
    order = _mapped(default.get(Name.Order, mine), mapping)
    config["/Order"].append(Array([pikepdf.String(part.stamp_label or "Layers"), *order]))


# --- bookmarks and page labels ----------------------------------------------------------

def _outline_and_labels(pdf: pikepdf.Pdf, parts: list[Part]) -> None:
    start = 0
    with pdf.open_outline() as outline:
        outline.root.clear()
        for part in parts:
            if part.bookmark:
                outline.root.append(pikepdf.OutlineItem(part.bookmark, start))
            start += part.pages
    pdf.Root.PageMode = Name.UseOutlines
    # The viewer's page box shows the stamped packet page number, not the exhibits' own labels.
    pdf.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
