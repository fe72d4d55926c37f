"""Building a packet in the background, with progress in the database.

The request that starts a build marks the packet queued and, once that is
committed, puts a ``build_packet(id)`` task on the queue (packets/tasks.py);
the worker process runs it, so a build survives a restart of the web server.
The task reads the timeline and decision log itself, then writes
the three files under temporary names in a work folder inside STORAGE_DIR,
renames them into place only when all three are complete, then records them.
On any error the work folder is removed and the packet is marked failed with
the reason: no half-written file is ever left behind.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import update

from ..db import utcnow
from ..extensions import db
from . import storage
from .builders import Exhibit, PacketContent, build_zip, find_soffice
from .models import BuildStatus, Packet
from .packet_docx import build_docx
from .packet_pdf import build_pdf


def packet_content(packet: Packet, timeline, decisions, today: date | None = None
                   ) -> PacketContent:
    """Plain data for the builders: what the packet holds now, in its order."""
    fam = packet.family
    exhibits = [
        Exhibit(number=i, title=item.document.title, doc_date=item.document.doc_date,
                type_label=item.document.type_label, file_type=item.document.file_type,
                path=storage.path_for(item.document.storage_key), source=item.document.source,
                page_count=item.document.page_count)
        for i, item in enumerate(packet.items, start=1)]
    return PacketContent(
        title=packet.title, student_name=fam.student_name,
        organization=_org_name(packet.organization_id), prepared_for=packet.prepared_for,
        school=fam.school, grade=fam.grade, needs=packet.needs, goals=packet.goals,
        services=packet.services, generated_on=today or date.today(), timeline=timeline,
        decisions=decisions, exhibits=exhibits)


def _org_name(org_id: int) -> str:
    from ..auth.models import Organization

    org = db.session.get(Organization, org_id)
    return org.name if org else ""


def queue_build(packet: Packet) -> None:
    """Mark the packet queued (the view commits, then calls :func:`start`)."""
    packet.status = BuildStatus.QUEUED
    packet.progress_done = 0
    packet.progress_total = 2 * len(packet.items) + 1
    packet.progress_message = "Waiting to start"
    packet.build_started_at = utcnow()
    db.session.flush()


def run_queued_build(packet_id: int) -> None:
    """The queue task's work: claim a queued packet, read its timeline, build it.

    The claim (queued -> building, one conditional UPDATE) makes a second run of
    the same task, or a second worker, a no-op.
    """
    from .timeline import decision_log, family_timeline

    claimed = db.session.execute(
        update(Packet).where(Packet.id == packet_id, Packet.status == BuildStatus.QUEUED)
        .values(status=BuildStatus.BUILDING, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if claimed != 1:
        return
    packet = db.session.get(Packet, packet_id)
    # Timeline providers link to pages (url_for): give them a request context.
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
        timeline, decisions = family_timeline(packet.family), decision_log(packet.family)
    run_build(packet_id, timeline, decisions)


def wait(packet_id: int | None = None, timeout: float = 120) -> None:
    """Kept for callers of the thread era: builds now run on the queue (immediate in tests)."""


class _Reporter:
    """Saves progress to the packet at most twice a second."""

    def __init__(self, packet_id: int, total: int):
        self.packet_id, self.total, self.done, self.last = packet_id, total, 0, 0.0

    def __call__(self, message: str, step: bool = True) -> None:
        if step:
            self.done = min(self.total, self.done + 1)
        now = time.monotonic()
        if now - self.last >= 0.5 or self.done >= self.total:
            self.last = now
            packet = db.session.get(Packet, self.packet_id)
            packet.progress_done, packet.progress_total = self.done, self.total
            packet.progress_message = message[:300]
            packet.updated_at = utcnow()
            db.session.commit()


def _remove_abandoned(work_root: Path) -> None:
    """Work folders left by a process that died mid-build (older than a day)."""
    cutoff = time.time() - 86400
    for entry in work_root.iterdir():
        try:
            if entry.is_dir() and entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
        except FileNotFoundError:
            pass


def run_build(packet_id: int, timeline, decisions) -> None:
    """Build the Word document, the ZIP and the combined PDF of one packet."""
    packet = db.session.get(Packet, packet_id)
    if packet is None:
        return
    content = packet_content(packet, timeline, decisions)
    packet.status = BuildStatus.BUILDING
    packet.progress_message = "Starting"
    total = 2 * len(content.exhibits) + 1
    packet.progress_total = total
    db.session.commit()

    report = _Reporter(packet_id, total)
    work_root = storage.root() / "tmp"
    work_root.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(work_root)
    workdir = Path(tempfile.mkdtemp(dir=work_root, prefix=f"packet-{packet_id}-"))
    final_keys: list[str] = []
    try:
        soffice = None if current_app.config.get("PACKETS_DISABLE_LIBREOFFICE") \
            else find_soffice()
        pdf_tmp, docx_tmp, zip_tmp = (workdir / "packet.pdf", workdir / "packet.docx",
                                      workdir / "packet.zip")

        def pdf_step(message: str) -> None:
            report(message, step=message.startswith("Adding"))

        build_pdf(content, pdf_tmp, workdir, soffice=soffice, progress=pdf_step)
        # Exhibits left out of the PDF still count as a step.
        for _ in (ex for ex in content.exhibits if not ex.included):
            report("Checking exhibits")
        report("Writing the Word document")
        build_docx(content, docx_tmp)
        build_zip(content, docx_tmp, zip_tmp, progress=report)
        if current_app.config.get("PACKETS_FAIL_AFTER_FILES"):  # lets tests break a build late
            raise RuntimeError("build stopped on purpose (PACKETS_FAIL_AFTER_FILES)")

        prefix = f"packets/{packet_id}"
        keys = {kind: storage.new_key(prefix, f".{kind}") for kind in ("pdf", "docx", "zip")}
        for kind, tmp in (("pdf", pdf_tmp), ("docx", docx_tmp), ("zip", zip_tmp)):
            final = storage.path_for(keys[kind])
            final.parent.mkdir(parents=True, exist_ok=True)
            tmp.replace(final)
            final_keys.append(keys[kind])

        packet = db.session.get(Packet, packet_id)
        old = [packet.pdf_key, packet.docx_key, packet.zip_key]
        packet.pdf_key, packet.docx_key, packet.zip_key = keys["pdf"], keys["docx"], keys["zip"]
        packet.manifest = {
            "built_on": content.generated_on.isoformat(),
            "exhibits": [ex.to_json() for ex in content.exhibits],
            "document_ids": [item.document_id for item in packet.items],
            "libreoffice": bool(soffice),
        }
        packet.status = BuildStatus.DONE
        packet.progress_done = total
        packet.progress_message = "Ready"
        packet.built_at = utcnow()
        db.session.commit()
        for key in old:
            storage.delete(key)
    except BaseException as exc:
        db.session.rollback()
        for key in final_keys:  # renamed but never recorded: remove
            storage.delete(key)
        current_app.logger.exception("packet %s build failed", packet_id)
        packet = db.session.get(Packet, packet_id)
        if packet is not None:
            packet.status = BuildStatus.FAILED
            packet.progress_message = f"The build failed: {str(exc)[:200] or type(exc).__name__}"
            db.session.commit()
        if not isinstance(exc, Exception):
            raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
