"""A PDF writer that streams to disk: pages of many PDFs, one object at a time.

pypdf parses each source PDF (lazily, from an open file) and serializes its
objects; this module renumbers them and writes them straight to the output
file, keeping only the byte offsets and the page list in memory. pypdf's own
PdfWriter keeps every page's content in memory until the end, which a packet
of a gigabyte of scans cannot afford.

Each page gets a stamp (``Exhibit 001 — page 12``) drawn with a Helvetica
font added to its resources, its contents wrapped in q/Q so the page's own
graphics state cannot move the stamp, and each exhibit a bookmark.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable
from typing import BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

STAMP_FONT = "/FacilitatorStamp"
PAGE_W, PAGE_H = 612, 792  # US Letter, for pages made here
#: Streams larger than this are dropped from pypdf's cache once written, so one
#: huge scanned PDF does not stay in memory page after page.
BIG_STREAM = 256 * 1024


def _upright(x0: float, y0: float, x1: float, y1: float, rotate: int) -> tuple[float, bytes]:
    """Width of the page as shown, and the matrix from shown to page coordinates.

    /Rotate turns the page clockwise when shown; the stamp must still read
    left to right at the bottom right of what the reader sees.
    """
    rotate %= 360
    if rotate == 90:
        return y1 - y0, b"0 1 -1 0 %.2f %.2f" % (x1, y0)
    if rotate == 180:
        return x1 - x0, b"-1 0 0 -1 %.2f %.2f" % (x1, y1)
    if rotate == 270:
        return y1 - y0, b"0 -1 1 0 %.2f %.2f" % (x0, y1)
    return x1 - x0, b"1 0 0 1 %.2f %.2f" % (x0, y0)


class Ref(int):
    """An object number of the output file."""


def pdf_string(text: str) -> bytes:
    """A PDF text string: literal when plain ASCII, else UTF-16 with a byte order mark."""
    if all(32 <= ord(c) < 127 for c in text):
        return b"(" + _escape(text.encode("ascii")) + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def winansi(text: str) -> bytes:
    """Text for the standard Helvetica font (WinAnsi); other letters become '?'."""
    return _escape(text.encode("cp1252", errors="replace"))


# Helvetica advance widths (per 1000) for the characters stamps and index pages use most.
_NARROW = set("fijlrtI.,;:!'|() ")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float) -> float:
    total = 0.0
    for c in text:
        total += 278 if c in _NARROW else 833 if c in _WIDE else 667 if c.isupper() else 556
    return total * size / 1000


class StreamingPdfWriter:
    """Write a PDF incrementally to ``out`` (a binary file opened for writing)."""

    def __init__(self, out: BinaryIO, title: str = ""):
        self.out = out
        self.offsets: dict[int, int] = {}
        self.next_id = 1
        self.catalog = self.alloc()
        self.pages_root = self.alloc()
        self.page_ids: list[int] = []
        self.bookmarks: list[tuple[str, int]] = []
        self.title = title
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.font = self.alloc()
        self._object(self.font, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                                b"/Encoding /WinAnsiEncoding >>")
        self.bold = self.alloc()
        self._object(self.bold, b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                                b"/Encoding /WinAnsiEncoding >>")

    # -- low level ---------------------------------------------------------------
    def alloc(self) -> Ref:
        ref = Ref(self.next_id)
        self.next_id += 1
        return ref

    def _object(self, ref: int, body: bytes) -> None:
        self.offsets[ref] = self.out.tell()
        self.out.write(b"%d 0 obj\n" % ref)
        self.out.write(body)
        self.out.write(b"\nendobj\n")

    def _stream(self, ref: int, data: bytes, extra: bytes = b"") -> None:
        self.offsets[ref] = self.out.tell()
        self.out.write(b"%d 0 obj\n<< %s/Length %d >>\nstream\n" % (ref, extra, len(data)))
        self.out.write(data)
        self.out.write(b"\nendstream\nendobj\n")

    @property
    def page_count(self) -> int:
        return len(self.page_ids)

    # -- copying pages of another PDF ------------------------------------------
    def add_pdf(self, source: BinaryIO, bookmark: str,
                stamp: Callable[[int, int], str]) -> int:
        """Append every page of ``source``; ``stamp(page_in_exhibit, packet_page)``
        gives each page's stamp text. Returns the number of pages added.

        Raises ValueError for a PDF that cannot be read; pages already written
        of it are then left out of the page tree (their objects stay unused).
        """
        reader = PdfReader(source)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("it is protected by a password")
        pages = reader.pages
        count = len(pages)
        if count == 0:
            raise ValueError("it has no pages")
        mapping: dict[tuple[int, int], Ref] = {}
        queue: deque[IndirectObject] = deque()
        page_refs = []
        for page in pages:
            ref = page.indirect_reference
            new = self.alloc()
            if ref is not None:
                mapping[(ref.idnum, ref.generation)] = new
            page_refs.append(new)

        def remap(ind: IndirectObject) -> Ref:
            key = (ind.idnum, ind.generation)
            if key not in mapping:
                mapping[key] = self.alloc()
                queue.append(ind)
            return mapping[key]

        first = self.page_count + 1
        cache = getattr(reader, "resolved_objects", {})
        for i, page in enumerate(pages):
            self._write_page(page, page_refs[i], remap, stamp(i + 1, first + i))
            while queue:  # write what this page needs before the next one is read
                ind = queue.popleft()
                big = self._copy_object(ind, mapping[(ind.idnum, ind.generation)], remap)
                if big:  # written once, never needed again: let pypdf forget the bytes
                    cache.pop((ind.generation, ind.idnum), None)
        self.page_ids.extend(page_refs)
        self.bookmarks.append((bookmark, page_refs[0]))
        return count

    def _copy_object(self, ind: IndirectObject, new: Ref, remap) -> bool:
        """Write one object of the source; True when it was a large stream."""
        obj = ind.get_object()
        if isinstance(obj, DictionaryObject) and obj.get("/Type") in ("/Catalog", "/Pages"):
            self._object(new, b"null")  # never copy another document's tree
            return False
        if isinstance(obj, StreamObject):
            data = obj._data
            self._stream(new, data, self._dict_entries(obj, remap, skip={"/Length"}))
            return len(data) > BIG_STREAM
        buf = io.BytesIO()
        self._ser(obj, remap, buf)
        self._object(new, buf.getvalue())
        return False

    def _dict_entries(self, obj: dict, remap, skip=frozenset()) -> bytes:
        buf = io.BytesIO()
        for k, v in obj.items():
            if k in skip:
                continue
            NameObject(k).write_to_stream(buf)
            buf.write(b" ")
            self._ser(v, remap, buf)
            buf.write(b" ")
        return buf.getvalue()

    def _ser(self, obj, remap, buf: io.BytesIO) -> None:
        if isinstance(obj, Ref):
            buf.write(b"%d 0 R" % obj)
        elif isinstance(obj, IndirectObject):
            buf.write(b"%d 0 R" % remap(obj))
        elif isinstance(obj, StreamObject):
            buf.write(b"null")  # a stream can only be an indirect object
        elif isinstance(obj, dict):  # DictionaryObject, or a plain dict made here
            buf.write(b"<< ")
            buf.write(self._dict_entries(obj, remap))
            buf.write(b">>")
        elif isinstance(obj, list):  # ArrayObject is a list
            buf.write(b"[")
            for item in obj:
                self._ser(item, remap, buf)
                buf.write(b" ")
            buf.write(b"]")
        elif isinstance(obj, bytes):  # raw PDF syntax made here
            buf.write(obj)
        else:
            obj.write_to_stream(buf)

    def _write_page(self, page, ref: Ref, remap, stamp_text: str) -> None:
        raw_contents = page.get("/Contents")
        contents: list = []
        if raw_contents is not None:
            resolved = raw_contents.get_object()
            if isinstance(resolved, ArrayObject):
                contents = list(resolved)
            else:
                contents = [raw_contents]
        box = page.cropbox
        stamp = self._stamp_stream(stamp_text, *_upright(
            float(box.left), float(box.bottom), float(box.right), float(box.top),
            int(page.get("/Rotate", 0) or 0)))
        before, after = self.alloc(), self.alloc()
        self._stream(before, b"q\n")
        self._stream(after, b"\nQ\n" + stamp)

        res = page.get("/Resources")
        res = res.get_object() if res is not None else DictionaryObject()
        resources = dict(res.items())
        fonts = resources.get("/Font")
        fonts = dict(fonts.get_object().items()) if fonts is not None else {}
        fonts[STAMP_FONT] = Ref(self.font)
        resources["/Font"] = fonts

        buf = io.BytesIO()
        buf.write(b"<< ")
        for k, v in page.items():
            if k in ("/Parent", "/Contents", "/Resources"):
                continue
            NameObject(k).write_to_stream(buf)
            buf.write(b" ")
            self._ser(v, remap, buf)
            buf.write(b" ")
        buf.write(b"/Parent %d 0 R /Resources " % self.pages_root)
        self._ser(resources, remap, buf)
        buf.write(b" /Contents [%d 0 R " % before)
        for c in contents:
            self._ser(c, remap, buf)
            buf.write(b" ")
        buf.write(b"%d 0 R] >>" % after)
        self._object(ref, buf.getvalue())

    @staticmethod
    def _stamp_stream(text: str, visual_width: float, matrix: bytes = b"1 0 0 1 0 0") -> bytes:
        """The stamp at the bottom right of the page as it is shown (``matrix`` maps
        shown coordinates to the page's own, for rotated pages)."""
        size = 9
        width = text_width(text, size)
        x = visual_width - 24 - width
        y = 14.0
        return (b"q %s cm 1 g %.2f %.2f %.2f %.2f re f 0 g BT %s %d Tf 1 0 0 1 %.2f %.2f Tm "
                b"(%s) Tj ET Q\n"
                % (matrix, x - 4, y - 4, width + 8, size + 6, STAMP_FONT.encode(), size, x, y,
                   winansi(text)))

    # -- pages made here -------------------------------------------------------
    def add_text_pages(self, lines: list[tuple[str, str]], bookmark: str | None,
                       stamp: Callable[[int, int], str] | None = None,
                       heading: str | None = None) -> int:
        """Pages of plain text: ``lines`` are (style, text) with style "h" or "p"."""
        from textwrap import wrap

        flat: list[tuple[str, str]] = []
        for style, text in lines:
            size = 14 if style == "h" else 10
            width_chars = int((PAGE_W - 144) / (size * 0.5))
            parts = [p for para in text.splitlines() or [""]
                     for p in (wrap(para, width_chars, replace_whitespace=False) or [""])]
            flat.extend((style, p) for p in parts)
        per_page = 54
        chunks = [flat[i:i + per_page] for i in range(0, len(flat), per_page)] or [[]]
        first_ref = None
        first = self.page_count + 1
        for n, chunk in enumerate(chunks):
            ops = [b"BT 72 %d Td" % (PAGE_H - 72)]
            for style, text in chunk:
                font = b"/F2 13" if style == "h" else b"/F1 10"
                lead = 20 if style == "h" else 13
                ops.append(b"%s Tf 0 -%d Td (%s) Tj" % (font, lead, winansi(text)))
            ops.append(b"ET")
            if stamp:
                ops.append(self._stamp_stream(stamp(n + 1, first + n), PAGE_W))
            content = self.alloc()
            self._stream(content, b"\n".join(ops))
            page = self.alloc()
            self._object(page, (
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font << "
                b"/F1 %d 0 R /F2 %d 0 R %s %d 0 R >> >> /Contents %d 0 R >>"
                % (self.pages_root, PAGE_W, PAGE_H, self.font, self.bold,
                   STAMP_FONT.encode(), self.font, content)))
            self.page_ids.append(page)
            first_ref = first_ref or page
        if bookmark and first_ref:
            self.bookmarks.append((bookmark, first_ref))
        return len(chunks)

    # -- the end -----------------------------------------------------------------
    def finish(self) -> None:
        kids = b" ".join(b"%d 0 R" % p for p in self.page_ids)
        self._object(self.pages_root, b"<< /Type /Pages /Count %d /Kids [%s] >>"
                     % (len(self.page_ids), kids))
        outlines = b""
        if self.bookmarks:
            root = self.alloc()
            items = [self.alloc() for _ in self.bookmarks]
            for i, ((title, page), ref) in enumerate(zip(self.bookmarks, items, strict=True)):
                links = b""
                if i > 0:
                    links += b" /Prev %d 0 R" % items[i - 1]
                if i < len(items) - 1:
                    links += b" /Next %d 0 R" % items[i + 1]
                self._object(ref, b"<< /Title %s /Parent %d 0 R%s /Dest [%d 0 R /Fit] >>"
                             % (pdf_string(title), root, links, page))
            self._object(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
                         % (items[0], items[-1], len(items)))
            outlines = b" /Outlines %d 0 R /PageMode /UseOutlines" % root
        self._object(self.catalog, b"<< /Type /Catalog /Pages %d 0 R%s >>"
                     % (self.pages_root, outlines))
        info = self.alloc()
        self._object(info, b"<< /Title %s /Producer (Facilitator) >>" % pdf_string(self.title))
        for ref in range(1, self.next_id):  # numbers given out but never written
            if ref not in self.offsets:
                self._object(ref, b"null")
        xref = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % self.next_id)
        for ref in range(1, self.next_id):
            self.out.write(b"%010d 00000 n \n" % self.offsets[ref])
        self.out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\n"
                       b"startxref\n%d\n%%%%EOF\n" % (self.next_id, self.catalog, info, xref))
