"""A corpus of unusual PDFs, made here (a few KB each), like the ones people upload:
encrypted with each revision, binary strings, a NUL byte after a name, optional
content, object streams, a broken cross-reference table, PDF 2.0, pages of extreme
sizes, rotated pages and a filled-in form.

Each maker writes one file to ``folder`` and returns its path. The pages draw
shapes near every edge and some text, so a page that moved, lost a layer or a
palette renders differently.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name


def _helvetica() -> Dictionary:
    return Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)


def _marks(w: float, h: float, text: str = "Record") -> bytes:
    """A frame, a diagonal bar and a line of text, scaled to a w x h page."""
    m = min(w, h) / 20
    size = max(1.0, min(24.0, w / 12))
    return (b"0 g %.2f %.2f %.2f %.2f re f 0.5 g %.2f %.2f %.2f %.2f re f "
            b"0 G %.2f w %.2f %.2f m %.2f %.2f l S "
            b"BT /F1 %.2f Tf %.2f %.2f Td (%s) Tj ET\n"
            % (m, m, w / 3, m, w - 2 * m, h - 4 * m, m, 3 * m, m / 2, m, m, w - m, h - m,
               size, 2 * m, h / 2, text.encode()))


def _page(pdf: pikepdf.Pdf, w: float, h: float, text: str = "Record", extra: bytes = b"",
          **resources) -> pikepdf.Page:
    page = pdf.add_blank_page(page_size=(w, h))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=pdf.make_indirect(_helvetica())),
                                    **resources)
    page.obj.Contents = pdf.make_stream(_marks(w, h, text) + extra)
    return page


def _simple(pages: int = 2, w: float = 612, h: float = 792) -> pikepdf.Pdf:
    pdf = pikepdf.new()
    for i in range(pages):
        _page(pdf, w, h, f"Page {i + 1} of a record")
    return pdf


# --- encryption ----------------------------------------------------------------------

ENCRYPTIONS = {
    "rc4-40": {"R": 2, "aes": False},
    "rc4-128": {"R": 3, "aes": False},
    "aes-128": {"R": 4, "aes": True},
    "aes-256": {"R": 6, "aes": True},
}


def encrypted(folder: Path, method: str, user_password: bool) -> Path:
    """Encrypted with ``method``; opening needs a password when ``user_password``."""
    pdf = _simple()
    path = folder / f"enc-{method}-{'user' if user_password else 'owner'}.pdf"
    opts = ENCRYPTIONS[method]
    enc = pikepdf.Encryption(owner="owner-secret", user="user-secret" if user_password else "",
                             R=opts["R"], aes=opts["aes"], metadata=opts["R"] >= 4)
    pdf.save(path, encryption=enc)
    return path


# --- hand-written files (what libraries refuse to write) --------------------------------

def _raw_pdf(objects: list[bytes], version: bytes = b"1.7", broken_xref: bool = False) -> bytes:
    """A PDF of ``objects`` (object 1 is the catalog), with a cross-reference table."""
    out = bytearray(b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % ((off + 7) if broken_xref else off)
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, xref + (13 if broken_xref else 0)))
    return bytes(out)


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    packed = zlib.compress(data)
    return (b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n" % (entries, len(packed))
            + packed + b"\nendstream")


def _image_page_objects(colorspace: bytes, w: int, h: int, pixels: bytes) -> list[bytes]:
    """Catalog, pages, page, contents, font, image: one page showing a palette image."""
    content = _marks(400, 400, "Scanned page") + b"q 300 0 0 200 50 100 cm /Im1 Do Q\n"
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 400] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width %d /Height %d "
                        b"/BitsPerComponent 8 /ColorSpace %s" % (w, h, colorspace)),
    ]


def _stripes(w: int, h: int, colours: int) -> bytes:
    return bytes((x // 4 + y // 5) % colours for y in range(h) for x in range(w))


def binary_palette(folder: Path) -> Path:
    """A scan-like image whose palette is a binary string (bytes that are not text)."""
    # 0x7F, 0x9F and 0xAD are not PDFDocEncoding, and an odd length is not UTF-16:
    # no reader can take this for text.
    palette = bytes([0x00, 0x00, 0x7F, 0xFF, 0x28, 0x9F, 0xAD, 0x80, 0xFE, 0xF0, 0xF0, 0x5C,
                     0x20, 0x9F, 0x20])
    cs = b"[/Indexed /DeviceRGB 4 <" + palette.hex().encode() + b">]"
    path = folder / "binary-palette.pdf"
    path.write_bytes(_raw_pdf(_image_page_objects(cs, 60, 40, _stripes(60, 40, 5))))
    return path


def nul_after_name(folder: Path) -> Path:
    """``/DeviceRGB`` then a NUL byte (white space in PDF) then the palette's top index."""
    palette = bytes([0x20, 0x20, 0x20, 0xE0, 0xE0, 0xE0])
    cs = b"[/Indexed /DeviceRGB\x00" + b"1 <" + palette.hex().encode() + b">]"
    path = folder / "nul-in-name.pdf"
    path.write_bytes(_raw_pdf(_image_page_objects(cs, 60, 40, _stripes(60, 40, 2))))
    return path


def broken_xref(folder: Path) -> Path:
    """Every offset of the cross-reference table is wrong (the reader must rebuild it)."""
    objects = _image_page_objects(b"/DeviceGray", 60, 40, bytes(range(0, 240, 1)) * 10)
    path = folder / "broken-xref.pdf"
    path.write_bytes(_raw_pdf(objects, broken_xref=True))
    return path


# --- made with pikepdf --------------------------------------------------------------

def layers(folder: Path) -> Path:
    """Two optional-content layers: "Shown" on, "Hidden" off by default."""
    pdf = pikepdf.new()
    shown = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("Shown")))
    hidden = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("Hidden")))
    extra = (b"/OC /L1 BDC 0.2 g 100 500 200 100 re f EMC "
             b"/OC /L2 BDC 0 g 300 200 250 250 re f EMC\n")
    _page(pdf, 612, 792, "Layers", extra, Properties=Dictionary(L1=shown, L2=hidden))
    pdf.Root.OCProperties = Dictionary(
        OCGs=Array([shown, hidden]),
        D=Dictionary(Order=Array([shown, hidden]), ON=Array([shown]), OFF=Array([hidden])))
    path = folder / "layers.pdf"
    pdf.save(path)
    return path


def object_streams(folder: Path) -> Path:
    path = folder / "object-streams.pdf"
    _simple(3).save(path, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return path


def pdf20(folder: Path) -> Path:
    path = folder / "pdf-2.0.pdf"
    _simple(1).save(path, force_version="2.0")
    return path


def sized(folder: Path, w: float, h: float) -> Path:
    path = folder / f"size-{w:g}x{h:g}.pdf"
    _simple(1, w, h).save(path)
    return path


def rotated(folder: Path, degrees: int) -> Path:
    pdf = _simple(1, 500, 300)
    pdf.pages[0].obj.Rotate = degrees
    path = folder / f"rotate-{degrees}.pdf"
    pdf.save(path)
    return path


def form(folder: Path) -> Path:
    """A form with a filled-in text field (value "Jordan Alvarez") and its appearance."""
    pdf = pikepdf.new()
    page = _page(pdf, 612, 792, "Consent form")
    font = pdf.make_indirect(_helvetica())
    appearance = pdf.make_stream(
        b"/Tx BMC q 0.9 g 0 0 300 30 re f 0 g BT /Helv 14 Tf 4 9 Td (Jordan Alvarez) Tj ET Q EMC",
        Type=Name.XObject, Subtype=Name.Form, BBox=Array([0, 0, 300, 30]),
        Resources=Dictionary(Font=Dictionary(Helv=font)))
    field = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Widget, FT=Name.Tx, T=pikepdf.String("student"),
        V=pikepdf.String("Jordan Alvarez"), Rect=Array([150, 600, 450, 630]), F=4,
        DA=pikepdf.String("/Helv 14 Tf 0 g"), AP=Dictionary(N=appearance), P=page.obj))
    page.obj.Annots = Array([field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), DA=pikepdf.String("/Helv 0 Tf 0 g"),
                                   DR=Dictionary(Font=Dictionary(Helv=font)))
    path = folder / "form.pdf"
    pdf.save(path)
    return path


def readable(folder: Path) -> list[Path]:
    """Every file of the corpus that opens without a password, in a fixed order."""
    files = [binary_palette(folder), nul_after_name(folder), broken_xref(folder),
             layers(folder), object_streams(folder), pdf20(folder), form(folder),
             sized(folder, 4, 4), sized(folder, 60, 60), sized(folder, 14400, 300)]
    files += [rotated(folder, d) for d in (90, 180, 270)]
    files += [encrypted(folder, m, user_password=False) for m in ENCRYPTIONS]
    return files


def protected(folder: Path) -> list[Path]:
    """A file for each encryption revision that cannot be opened without its password."""
    return [encrypted(folder, m, user_password=True) for m in ENCRYPTIONS]


def assert_qpdf_check(path: Path) -> None:
    """``qpdf --check`` finds neither error nor warning in ``path`` (exit 0)."""
    import subprocess  # noqa: S404 - qpdf with a fixed argument list

    done = subprocess.run(["qpdf", "--check", str(path)],  # noqa: S603, S607
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"qpdf --check {path.name}: {done.stdout}{done.stderr}"
