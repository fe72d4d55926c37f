"""Fixtures for the records feature: families and small real files of each type."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest

from facilitator.extensions import db
from facilitator.families.models import Family


@pytest.fixture(autouse=True)
def every_packet_passes_qpdf_check(request):
    """After each test, ``qpdf --check`` on every combined PDF it built into storage."""
    if "app" not in request.fixturenames or not shutil.which("qpdf"):
        yield
        return
    from pdf_corpus import assert_qpdf_check

    # Asked for before the test runs, so the app outlives this fixture's check.
    folder = Path(request.getfixturevalue("app").config["STORAGE_DIR"]) / "packets"
    yield
    for pdf in folder.rglob("*.pdf") if folder.exists() else ():
        assert_qpdf_check(pdf)


@pytest.fixture()
def make_family(app):
    counter = iter(range(1, 10_000))

    def factory(org, name: str | None = None) -> Family:
        fam = Family(organization_id=org.id, student_name=name or f"Student {next(counter)}",
                     school="Lincoln Elementary", grade="4")
        db.session.add(fam)
        db.session.commit()
        return fam

    return factory


def pdf_bytes(pages: int = 1, text: str = "Hello") -> bytes:
    """A small real PDF with ``pages`` pages of text."""
    from facilitator.packets.pdftext import text_pdf_bytes

    lines = []
    for i in range(pages):
        lines += [("break", "")] * bool(i) + [("p", f"{text} {i + 1}")]
    return text_pdf_bytes(lines, "test")


def docx_bytes(text: str = "A letter from the school.") -> bytes:
    from docx import Document

    d = Document()
    d.add_paragraph(text)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def png_bytes() -> bytes:
    import struct
    import zlib

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    w, h = 40, 20
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


# A tiny baseline JPEG (8x8, one grey block), written out as hex.
JPEG_HEX = (
    "ffd8ffe000104a46494600010100000100010000ffdb004300080606070605080707070909080a0c140d0c0b0b0c"
    "1912130f141d1a1f1e1d1a1c1c20242e2720222c231c1c2837292c30313434341f27393d38323c2e333432ffc000"
    "0b080008000801011100ffc4001f0000010501010101010100000000000000000102030405060708090a0bffc400"
    "b5100002010303020403050504040000017d01020300041105122131410613516107227114328191a1082342b1c1"
    "1552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a63"
    "6465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6"
    "b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9faffda0008"
    "010100003f00fbfcffd9")


def jpeg_bytes() -> bytes:
    return bytes.fromhex(JPEG_HEX)


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("notes.txt", "hello")
    return out.getvalue()


@pytest.fixture()
def sample():
    """Makers of small real files: sample.pdf(pages), sample.docx(), sample.png(), ..."""
    from types import SimpleNamespace

    return SimpleNamespace(pdf=pdf_bytes, docx=docx_bytes, png=png_bytes, jpeg=jpeg_bytes,
                           zip=zip_bytes)
