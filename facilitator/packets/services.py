"""What changes when documents, timeline events, decisions and packets are edited.

Services flush and never commit; the view commits once. The packet build is
the exception: it runs outside any request (see :mod:`.build`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from ..extensions import db
from . import filetypes, storage
from .models import (
    STALL_SECONDS,
    BuildStatus,
    Document,
    DocumentDownload,
    DocumentType,
    EventKind,
    ManualDecision,
    Packet,
    PacketItem,
    TimelineEvent,
    TimelineEventDocument,
)

DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_UPLOAD_FILES = 20


def max_upload_bytes() -> int:
    return int(current_app.config.get("MAX_UPLOAD_BYTES") or DEFAULT_MAX_UPLOAD_BYTES)


def max_upload_files() -> int:
    return int(current_app.config.get("MAX_UPLOAD_FILES") or DEFAULT_MAX_UPLOAD_FILES)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def safe_filename(name: str, default: str = "document", max_len: int = 150,
                  is_path: bool = True) -> str:
    """A file name safe to show and to send: no folders, quotes, control characters.

    Letters of every script are kept (``Sofía``, ``Мария``, ``陳``); the result is
    never empty and never starts with a dot. ``is_path``: the name came from a
    computer (keep only its last part); otherwise slashes become ``_``.
    """
    name = unicodedata.normalize("NFC", name or "")
    if is_path:
        name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _CONTROL.sub(" ", name)
    name = _UNSAFE.sub("_", name).replace("'", "’")
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if len(name) > max_len:
        stem, dot, ext = name.rpartition(".")
        if dot and len(ext) <= 8:
            name = stem[: max_len - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:max_len].rstrip()
    return name or default


def title_from_filename(name: str) -> str:
    stem = safe_filename(name).rsplit(".", 1)[0] if "." in safe_filename(name) else \
        safe_filename(name)
    return re.sub(r"[_]+", " ", stem).strip()[:200] or "Untitled document"


def normalize_tags(text: str) -> str:
    seen: list[str] = []
    for tag in (t.strip().lower() for t in (text or "").split(",")):
        if tag and tag not in seen:
            seen.append(tag[:60])
    return ", ".join(seen)


@dataclass
class Received:
    """An upload stored under a temporary name, checked, waiting to be kept."""

    original_name: str
    key: str
    tmp: Path
    size: int
    filetype: filetypes.FileType


class UploadRefused(ValueError):
    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


def receive_upload(stream: BinaryIO, filename: str, limit: int) -> Received:
    """Store one upload under a temporary name and check its type from its bytes.

    Raises storage.TooLarge or UploadRefused, leaving nothing on disk.
    """
    name = safe_filename(filename)
    key, tmp, size = storage.receive(stream, limit)
    try:
        kind = filetypes.detect(tmp)
        if kind is filetypes.PDF:
            filetypes.check_pdf(tmp)
    except filetypes.UnsupportedFile as exc:
        storage.discard(tmp)
        raise UploadRefused(name, str(exc)) from exc
    return Received(name, key, tmp, size, kind)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def add_documents(family, received: list[Received], *, doc_type: str, doc_date: date | None,
                  source: str, description: str, tags: str, user,
                  title: str | None = None) -> list[Document]:
    """Keep checked uploads as documents of ``family`` (the files are renamed into place)."""
    docs = []
    for r in received:
        doc = Document(
            organization_id=family.organization_id, family_id=family.id,
            title=(title if title and len(received) == 1 else title_from_filename(r.original_name)),
            doc_type=DocumentType(doc_type).value, doc_date=doc_date, source=source or "",
            description=description or "", tags=normalize_tags(tags),
            original_name=r.original_name, file_type=r.filetype.key, size=r.size,
            sha256=_sha256(r.tmp), page_count=filetypes.page_count(r.tmp, r.filetype),
            storage_key=r.key, uploaded_by_id=getattr(user, "id", None))
        db.session.add(doc)
        docs.append(doc)
    for r in received:
        storage.commit(r.key, r.tmp)
    db.session.flush()
    return docs


def add_document_bytes(family, filename: str, data: bytes, user=None, **fields) -> Document:
    """Store a document from bytes (demo data, tests of builders)."""
    import io

    r = receive_upload(io.BytesIO(data), filename, max_upload_bytes())
    defaults = {"doc_type": DocumentType.OTHER, "doc_date": None, "source": "",
                "description": "", "tags": ""}
    defaults.update(fields)
    return add_documents(family, [r], user=user, **defaults)[0]


def update_document(doc: Document, **fields) -> None:
    for name in ("title", "doc_date", "source", "description"):
        if name in fields:
            setattr(doc, name, fields[name] if fields[name] is not None or name == "doc_date"
                    else "")
    if "doc_type" in fields:
        doc.doc_type = DocumentType(fields["doc_type"]).value
    if "tags" in fields:
        doc.tags = normalize_tags(fields["tags"])
    db.session.flush()


def delete_document(doc: Document) -> None:
    """Remove the document, its links and its file (the file goes after the row)."""
    key = doc.storage_key
    db.session.delete(doc)
    db.session.flush()
    _after_commit(lambda: storage.delete(key))


def _after_commit(fn) -> None:
    from sqlalchemy import event

    event.listen(db.session(), "after_commit", lambda s: fn(), once=True)


def record_download(doc: Document, user) -> None:
    db.session.add(DocumentDownload(organization_id=doc.organization_id, document_id=doc.id,
                                    user_id=getattr(user, "id", None)))
    db.session.flush()


def download_name(doc: Document) -> str:
    """The name a download gets: the title, with the extension its bytes call for."""
    kind = filetypes.BY_KEY[doc.file_type]
    return safe_filename(f"{doc.title}{kind.extension}", default=f"document{kind.extension}",
                         is_path=False)


# --- timeline and decisions --------------------------------------------------------

def add_event(family, *, event_date: date, kind: str, description: str,
              responds_to: TimelineEvent | None = None,
              documents: list[Document] = ()) -> TimelineEvent:
    event = TimelineEvent(organization_id=family.organization_id, family_id=family.id,
                          event_date=event_date, kind=EventKind(kind).value,
                          description=description.strip(),
                          responds_to_id=responds_to.id if responds_to else None)
    for doc in documents:
        event.links.append(TimelineEventDocument(organization_id=family.organization_id,
                                                 document=doc))
    db.session.add(event)
    db.session.flush()
    return event


def delete_event(event: TimelineEvent) -> None:
    for other in db.session.execute(db.select(TimelineEvent).where(
            TimelineEvent.responds_to_id == event.id)).scalars():
        other.responds_to_id = None
    db.session.delete(event)
    db.session.flush()


def add_decision(family, *, decided_on: date, what: str, approved_by: str = "",
                 why: str = "") -> ManualDecision:
    decision = ManualDecision(organization_id=family.organization_id, family_id=family.id,
                              decided_on=decided_on, what=what.strip(),
                              approved_by=(approved_by or "").strip(), why=(why or "").strip())
    db.session.add(decision)
    db.session.flush()
    return decision


def delete_decision(decision: ManualDecision) -> None:
    db.session.delete(decision)
    db.session.flush()


# --- packets ------------------------------------------------------------------------

def matching_documents(family, selection: dict) -> list[Document]:
    """The family's documents that fit a packet's filter, oldest first."""
    stmt = db.select(Document).where(Document.family_id == family.id,
                                     Document.organization_id == family.organization_id)
    if selection.get("types"):
        stmt = stmt.where(Document.doc_type.in_(selection["types"]))
    if selection.get("date_from"):
        stmt = stmt.where(Document.doc_date >= date.fromisoformat(selection["date_from"]))
    if selection.get("date_to"):
        stmt = stmt.where(Document.doc_date <= date.fromisoformat(selection["date_to"]))
    docs = list(db.session.execute(stmt).scalars())
    wanted = {t for t in (selection.get("tags") or []) if t}
    if wanted:
        docs = [d for d in docs if wanted & set(d.tag_list)]
    docs.sort(key=lambda d: (d.doc_date or date.max, d.id))
    return docs


def create_packet(family, *, title: str, prepared_for: str = "", types=(),
                  date_from: date | None = None, date_to: date | None = None,
                  tags: str = "", user=None) -> Packet:
    """A new packet holding the documents that match the filter, in date order."""
    selection = {"types": list(types or []),
                 "date_from": date_from.isoformat() if date_from else None,
                 "date_to": date_to.isoformat() if date_to else None,
                 "tags": [t for t in normalize_tags(tags).split(", ") if t]}
    packet = Packet(organization_id=family.organization_id, family_id=family.id,
                    title=title.strip(), prepared_for=(prepared_for or "").strip(),
                    selection=selection, created_by_id=getattr(user, "id", None))
    db.session.add(packet)
    for i, doc in enumerate(matching_documents(family, selection), start=1):
        packet.items.append(PacketItem(organization_id=family.organization_id,
                                       document=doc, position=i))
    db.session.flush()
    return packet


def set_packet_contents(packet: Packet, ordered_docs: list[Document]) -> None:
    """Replace what the packet holds with ``ordered_docs``, in that order."""
    existing = {item.document_id: item for item in packet.items}
    keep = []
    for pos, doc in enumerate(ordered_docs, start=1):
        item = existing.pop(doc.id, None) or PacketItem(
            organization_id=packet.organization_id, document=doc)
        item.position = pos
        keep.append(item)
    packet.items = keep
    db.session.flush()


def update_packet_text(packet: Packet, **fields) -> None:
    for name in ("title", "prepared_for", "needs", "goals", "services"):
        if name in fields:
            setattr(packet, name, (fields[name] or "").strip())
    db.session.flush()


def delete_packet(packet: Packet) -> None:
    keys = [packet.docx_key, packet.zip_key, packet.pdf_key]
    db.session.delete(packet)
    db.session.flush()
    _after_commit(lambda: [storage.delete(k) for k in keys])


def is_building(packet: Packet) -> bool:
    if packet.status not in (BuildStatus.QUEUED, BuildStatus.BUILDING):
        return False
    from ..db import utcnow

    last = packet.updated_at
    if last is not None and last.tzinfo is None:
        from datetime import UTC

        last = last.replace(tzinfo=UTC)
    return last is not None and (utcnow() - last).total_seconds() < STALL_SECONDS
