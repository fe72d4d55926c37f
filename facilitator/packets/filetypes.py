"""What kind of file an upload really is, judged from its bytes, never its name."""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    extension: str
    mimetype: str


PDF = FileType("pdf", "PDF", ".pdf", "application/pdf")
DOCX = FileType("docx", "Word document", ".docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PNG = FileType("png", "PNG image", ".png", "image/png")
JPEG = FileType("jpeg", "JPEG image", ".jpg", "image/jpeg")
TEXT = FileType("text", "Plain text", ".txt", "text/plain; charset=utf-8")

BY_KEY = {t.key: t for t in (PDF, DOCX, PNG, JPEG, TEXT)}

ACCEPTED = "PDF, Word (.docx), PNG, JPEG or plain text"


class UnsupportedFile(ValueError):
    """The bytes are not one of the accepted kinds; the message says why, for a person."""


# Signatures of things people sometimes rename to .pdf: refused with a clear reason.
_EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa\xce",
                     b"\xfe\xed\xfa\xcf", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"#!")


def detect(path: Path) -> FileType:
    """The file's type from its content, or UnsupportedFile."""
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise UnsupportedFile("The file is empty.")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                if "word/document.xml" in zf.namelist():
                    return DOCX
        except zipfile.BadZipFile:
            pass
        raise UnsupportedFile(f"This is a ZIP archive, not a Word document. Send {ACCEPTED}.")
    if any(head.startswith(m) for m in _EXECUTABLE_MAGIC):
        raise UnsupportedFile("This is a program, not a document, whatever its name says. "
                              f"Only {ACCEPTED} files can be added.")
    if _is_utf8_text(path):
        return TEXT
    raise UnsupportedFile(f"This kind of file cannot be added. Send {ACCEPTED}.")


def _is_utf8_text(path: Path) -> bool:
    """Valid UTF-8 with no control bytes other than tabs, line ends and form feeds."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    allowed = {9, 10, 12, 13}
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 16):
            if any(b < 32 and b not in allowed for b in chunk) or b"\x7f" in chunk:
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


PROTECTED_MESSAGE = ("This PDF is password-protected, so it cannot be opened here or put in "
                     "a record packet. Save a copy without the password (in most PDF readers: "
                     "print it to PDF) and upload that.")


def check_pdf(path: Path) -> None:
    """UnsupportedFile when the PDF needs a password to open (damaged ones are kept)."""
    import pikepdf

    try:
        pikepdf.open(path).close()
    except pikepdf.PasswordError as exc:
        raise UnsupportedFile(PROTECTED_MESSAGE) from exc
    except Exception:  # noqa: BLE001, S110 - damage is named when a packet is built
        pass


def page_count(path: Path, filetype: FileType) -> int | None:
    """Pages of a PDF (read lazily), 1 for an image, None when unknown before conversion."""
    if filetype is PDF:
        import pikepdf

        try:
            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
        except Exception:  # noqa: BLE001 - a damaged PDF still gets stored; count unknown
            return None
    if filetype in (PNG, JPEG):
        return 1
    if filetype is DOCX:
        return _docx_pages(path)
    return None


def _docx_pages(path: Path) -> int | None:
    import re

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return None
    match = re.search(r"<Pages>(\d+)</Pages>", xml)
    return int(match.group(1)) if match else None
