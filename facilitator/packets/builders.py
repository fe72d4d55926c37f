"""A record packet as plain data (:class:`PacketContent`, its exhibits), the LibreOffice
conversion, and the ZIP. The Word document is in packet_docx.py, the combined PDF in
packet_pdf.py.

Builders take a :class:`PacketContent` (plain data, no database) and write files;
the caller decides where (a temporary name) and when they become visible.
"""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - LibreOffice is run with a fixed argument list
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .services import safe_filename
from .timeline import DecisionEntry, TimelineEntry

Progress = Callable[[str], None]


@dataclass
class Exhibit:
    number: int
    title: str
    doc_date: date | None
    type_label: str
    file_type: str  # pdf, docx, png, jpeg, text
    path: Path
    source: str = ""
    page_count: int | None = None
    included: bool = True
    reason: str = ""
    first_page: int | None = None

    @property
    def label(self) -> str:
        return f"Exhibit {self.number:03d}"

    @property
    def date_text(self) -> str:
        return self.doc_date.isoformat() if self.doc_date else "undated"

    @property
    def extension(self) -> str:
        from .filetypes import BY_KEY

        return BY_KEY[self.file_type].extension

    @property
    def filename(self) -> str:
        """``Exhibit 001 - 2025-03-04 - Title.pdf``"""
        name = f"{self.label} - {self.date_text} - {self.title}"
        return safe_filename(name, max_len=140 - len(self.extension),
                             is_path=False) + self.extension

    @property
    def pages_text(self) -> str:
        if not self.included:
            return "—"
        if self.first_page and self.page_count:
            last = self.first_page + self.page_count - 1
            return (f"{self.page_count} (p. {self.first_page})" if self.page_count == 1
                    else f"{self.page_count} (pp. {self.first_page}–{last})")
        return str(self.page_count or "?")

    def to_json(self) -> dict:
        return {"number": self.number, "title": self.title,
                "date": self.doc_date.isoformat() if self.doc_date else None,
                "type": self.type_label, "file_type": self.file_type,
                "pages": self.page_count, "first_page": self.first_page,
                "included": self.included, "reason": self.reason}


@dataclass
class PacketContent:
    title: str
    student_name: str
    organization: str
    prepared_for: str = ""
    school: str = ""
    grade: str = ""
    needs: str = ""
    goals: str = ""
    services: str = ""
    generated_on: date = field(default_factory=date.today)
    timeline: list[TimelineEntry] = field(default_factory=list)
    decisions: list[DecisionEntry] = field(default_factory=list)
    exhibits: list[Exhibit] = field(default_factory=list)


# --- LibreOffice --------------------------------------------------------------

CONVERTED_TYPES = ("docx", "png", "jpeg", "text")


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(soffice: str, sources: list[tuple[Path, str]], outdir: Path,
                   timeout: int = 300) -> dict[str, Path]:
    """Convert files with LibreOffice, one batch, its own profile; {name: pdf path}.

    ``sources`` pairs a stored file with the name (with extension) LibreOffice
    should see, since storage names have none.
    """
    indir = outdir / "in"
    indir.mkdir(parents=True, exist_ok=True)
    names = []
    for src, name in sources:
        link = indir / name
        os.symlink(src, link)
        names.append(name)
    profile = outdir / "profile"
    cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir / "out"),
           *[str(indir / n) for n in names]]
    subprocess.run(cmd, check=False, timeout=timeout, capture_output=True)  # noqa: S603
    found = {}
    for name in names:
        pdf = outdir / "out" / (name.rsplit(".", 1)[0] + ".pdf")
        if pdf.exists() and pdf.stat().st_size > 0:
            found[name] = pdf
    return found


# --- the ZIP ------------------------------------------------------------------------

def build_zip(content: PacketContent, docx_path: Path, out_path: Path,
              progress: Progress | None = None) -> None:
    """The Word document plus every exhibit file, named ``Exhibit 001 - date - Title.ext``.

    Files are copied into the archive in chunks; already-compressed types are stored.
    """
    progress = progress or (lambda msg: None)
    base = safe_filename(content.title, default="packet", is_path=False)
    with zipfile.ZipFile(out_path, "w", allowZip64=True) as zf:
        zf.write(docx_path, f"{base}.docx", compress_type=zipfile.ZIP_STORED)
        for n, ex in enumerate(content.exhibits, start=1):
            progress(f"Adding {ex.label} to the ZIP ({n} of {len(content.exhibits)})")
            method = zipfile.ZIP_DEFLATED if ex.file_type == "text" else zipfile.ZIP_STORED
            zf.write(ex.path, ex.filename, compress_type=method)
