"""One ZIP of everything the organization holds about one family.

Written by the worker into a file (see :mod:`.export_task`; document files
are copied in chunks, never held whole in memory), with a readable
``index.html``, the rows as JSON, the documents, each meeting's notes with
every version and its summary (.docx), every message about the family as sent
(``.eml``, attachments inside) with its attachments also as files, the
timeline, the decision log, the dispute-resolution cases, and
``manifest.json`` with the sha256 of every other file.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import IO

from flask import render_template

from ..adr.csv_io import export_rows
from ..db import utcnow
from ..documents import meeting_summary as summary_doc
from ..extensions import db
from ..families.models import Family
from ..meetings.models import Meeting
from ..meetings.summary import family_summary_data
from ..notify.models import OutboxMessage
from ..notify.sending import build_email
from ..packets import storage
from ..packets.filetypes import BY_KEY
from ..packets.models import Document, ManualDecision, Packet, TimelineEvent
from ..packets.services import safe_filename
from ..packets.timeline import decision_log, family_timeline
from ..room.export import room_records
from ..voice.services import inputs_for

CHUNK = 1024 * 1024
#: A meeting's child records, as relationship names on Meeting.
MEETING_PARTS = ("participants", "agenda_items", "ground_rules", "checklist_progress",
                 "concerns", "decisions", "action_items", "parking_lot")


def row(obj) -> dict:
    """Every column of a model instance, as JSON-ready values."""
    return {c.key: _value(getattr(obj, c.key)) for c in obj.__table__.columns}


def _value(v):
    if isinstance(v, datetime | date):
        return v.isoformat()
    return v


class _Zip:
    """A ZIP being written, remembering each file's sha256 for the manifest."""

    def __init__(self, fh: IO[bytes]):
        self.zf = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED)
        self.files: dict[str, dict] = {}

    def add(self, name: str, data: bytes | str) -> None:
        data = data.encode() if isinstance(data, str) else data
        self.zf.writestr(name, data)
        self.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_json(self, name: str, value) -> None:
        self.add(name, json.dumps(value, indent=2, ensure_ascii=False, default=str))

    def add_file(self, name: str, path) -> None:
        digest, size = hashlib.sha256(), 0
        with open(path, "rb") as src, self.zf.open(name, "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
        self.files[name] = {"sha256": digest.hexdigest(), "size": size}

    def close(self) -> None:
        self.add_json("manifest.json", {"algorithm": "sha256", "files": self.files})
        self.zf.close()


def _csv(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _commitments(family: Family) -> dict:
    """The family's commitments, each with its whole history, and the review dates."""
    from ..commitments.models import Commitment, CommitmentReview

    rows = db.session.execute(db.select(Commitment).where(
        Commitment.family_id == family.id).order_by(Commitment.id)).scalars().all()
    reviews = db.session.execute(db.select(CommitmentReview).where(
        CommitmentReview.family_id == family.id).order_by(CommitmentReview.id)).scalars()
    return {"commitments": [{**row(c), "history": [row(u) for u in c.updates]} for c in rows],
            "reviews": [row(r) for r in reviews]}


def family_messages(family: Family) -> list[OutboxMessage]:
    """Every message about the family: by its family, or by one of its meetings."""
    meetings = db.select(Meeting.id).where(Meeting.family_id == family.id)
    return list(db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.organization_id == family.organization_id,
        db.or_(OutboxMessage.family_id == family.id, OutboxMessage.meeting_id.in_(meetings)))
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).scalars())


def export_steps(family: Family) -> int:
    """How many steps :func:`build_family_export` reports (for the progress bar)."""
    docs = db.session.execute(db.select(db.func.count(Document.id)).where(
        Document.family_id == family.id)).scalar_one()
    meetings = db.session.execute(db.select(db.func.count(Meeting.id)).where(
        Meeting.family_id == family.id)).scalar_one()
    return docs + meetings + len(family_messages(family)) + 2


def _messages(z: _Zip, family: Family, step: Callable[[str], None]) -> list[dict]:
    listing = []
    for n, m in enumerate(family_messages(family), 1):
        base = f"mail/{n:03d}-{m.kind}"
        z.add(f"{base}.eml", build_email(m).as_bytes())
        attachment = None
        if m.attachment is not None:
            name = safe_filename(m.attachment_name or "attachment", default="attachment",
                                 is_path=False)
            attachment = f"{base}-{name}"
            z.add(attachment, m.attachment)
        listing.append({"file": f"{base}.eml", "attachment_file": attachment,
                        **{k: v for k, v in row(m).items() if k != "attachment"}})
        step("Adding the mail")
    z.add_json("mail/messages.json", listing)
    return listing


def build_family_export(family: Family, fh: IO[bytes],
                        step: Callable[[str], None] = lambda message: None) -> None:
    """Write the family's whole record as a ZIP into ``fh``; ``step`` is told each step."""
    z = _Zip(fh)
    org_id = family.organization_id
    z.add_json("family.json", {"family": row(family), "contacts": [row(c) for c in family.contacts],
                               "tip_file": [row(t) for t in family.tips]})

    docs = db.session.execute(db.select(Document).where(
        Document.organization_id == org_id, Document.family_id == family.id)
        .order_by(Document.id)).scalars().all()
    doc_listing = []
    for n, d in enumerate(docs, 1):
        ext = BY_KEY[d.file_type].extension if d.file_type in BY_KEY else ""
        name = f"documents/{n:03d}-{safe_filename(d.title, default='document', is_path=False)}{ext}"
        path = storage.path_for(d.storage_key)
        if path.exists():
            z.add_file(name, path)
        doc_listing.append({"file": name if path.exists() else None, **row(d)})
        step("Adding the documents")
    z.add_json("documents/documents.json", doc_listing)

    meetings = db.session.execute(db.select(Meeting).where(
        Meeting.organization_id == org_id, Meeting.family_id == family.id)
        .order_by(Meeting.starts_at)).scalars().all()
    meeting_listing = []
    for m in meetings:
        folder = f"meetings/{m.starts_at.date().isoformat()}-{m.id}"
        data = {"meeting": row(m), **{part: [row(x) for x in getattr(m, part)]
                                      for part in MEETING_PARTS},
                "reflection": row(m.reflection) if m.reflection else None,
                "family_input": [{**row(i), "concerns": [row(c) for c in i.concerns]}
                                 for i in inputs_for(m)]}
        if m.note is not None:
            z.add(f"{folder}/notes.txt", m.note.body)
            for v in m.note.versions:
                z.add(f"{folder}/notes-versions/version-{v.version:05d}.txt", v.body)
            data["notes"] = row(m.note)
            data["notes_versions"] = [{k: val for k, val in row(v).items() if k != "body"}
                                      for v in m.note.versions]
        summary = family_summary_data(m)
        z.add(f"{folder}/{summary_doc.filename(summary)}",
              summary_doc.build_meeting_summary(summary))
        data.update(room_records(m))
        z.add_json(f"{folder}/meeting.json", data)
        meeting_listing.append((m, folder))
        step("Adding the meetings")
    messages = _messages(z, family, step)

    timeline = family_timeline(family)
    z.add("timeline.csv", _csv([["date", "kind", "description", "source", "documents"]] + [
        [e.date.isoformat(), e.kind_label, e.description, e.source, "; ".join(e.documents)]
        for e in timeline]))
    decisions = decision_log(family)
    z.add("decision-log.csv", _csv([["date", "what", "approved_by", "why", "source"]] + [
        [e.date.isoformat(), e.what, e.approved_by, e.why, e.source] for e in decisions]))
    z.add_json("timeline-entries.json", [row(e) for e in db.session.execute(
        db.select(TimelineEvent).where(TimelineEvent.family_id == family.id)).scalars()])
    z.add_json("decision-log-entries.json", [row(e) for e in db.session.execute(
        db.select(ManualDecision).where(ManualDecision.family_id == family.id)).scalars()])
    z.add_json("packets.json", [row(p) for p in db.session.execute(
        db.select(Packet).where(Packet.family_id == family.id)).scalars()])
    z.add_json("commitments.json", _commitments(family))
    cases = list(export_rows(org_id, family_id=family.id))
    z.add("dispute-resolution-cases.csv", _csv(cases))

    z.add("index.html", render_template(
        "rights/export_index.html", family=family, docs=doc_listing, meetings=meeting_listing,
        timeline=timeline, decisions=decisions, cases=cases, messages=messages,
        made_at=utcnow(), files=sorted(z.files)))
    z.close()
    step("Finishing the ZIP")
