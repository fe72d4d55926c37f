"""Building a family export on the queue, with progress, and letting it expire.

The request that asks for an export records it (exported; disclosed when given
outside) and marks a :class:`FamilyExport` queued; once that is committed, a
``build_family_export(id)`` task (rights/tasks.py) builds the ZIP in the
worker, into a temporary name of the storage folder renamed into place when
complete. The ZIP is deleted when it expires (``FAMILY_EXPORT_HOURS``, by the
worker's clock) and when the family is destroyed (rights/destroy.py); a build
that finishes after its family was destroyed deletes what it wrote.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import update

from ..db import utcnow
from ..extensions import db
from ..families.models import Family
from ..packets import storage
from .export import build_family_export, export_steps
from .models import ExportStatus, FamilyExport

#: A queued or building export whose progress has not moved for this long has stalled.
STALL_SECONDS = 15 * 60


def queue_export(family: Family, user) -> FamilyExport:
    """Mark a new export of the family queued (the view commits, then starts the task)."""
    export = FamilyExport(organization_id=family.organization_id, family_id=family.id,
                          requested_by_id=getattr(user, "id", None),
                          progress_total=export_steps(family))
    db.session.add(export)
    db.session.flush()
    return export


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def status_of(export: FamilyExport) -> dict:
    """What the export page and its poll show."""
    waiting = export.status in (ExportStatus.QUEUED, ExportStatus.BUILDING)
    stalled = waiting and (utcnow() - _aware(export.updated_at)).total_seconds() > STALL_SECONDS
    expired = export.status == ExportStatus.DONE and export.storage_key is None
    message = export.progress_message
    if stalled:
        message = "The export stopped before it finished. Ask for a new one."
    elif expired:
        message = "This export has expired and its file was deleted. Ask for a new one."
    return {"status": "stalled" if stalled else ("expired" if expired else export.status),
            "building": waiting and not stalled, "percent": export.percent,
            "done": export.progress_done, "total": export.progress_total, "message": message,
            "ready": export.status == ExportStatus.DONE and export.storage_key is not None}


class _Progress:
    """Saves progress to the export at most twice a second."""

    def __init__(self, export_id: int):
        self.export_id, self.done, self.last = export_id, 0, 0.0

    def __call__(self, message: str) -> None:
        self.done += 1
        now = time.monotonic()
        if now - self.last >= 0.5:
            self.last = now
            db.session.execute(update(FamilyExport).where(FamilyExport.id == self.export_id)
                               .values(progress_done=self.done, progress_message=message[:300],
                                       updated_at=utcnow()))
            db.session.commit()


def run_export(export_id: int) -> None:
    """The queue task's work: claim a queued export, build its ZIP, record it (safe twice)."""
    claimed = db.session.execute(
        update(FamilyExport).where(FamilyExport.id == export_id,
                                   FamilyExport.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.BUILDING, progress_message="Starting", updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if claimed != 1:
        return
    export = db.session.get(FamilyExport, export_id)
    family = db.session.get(Family, export.family_id)
    key = storage.new_key("exports", ".zip")
    try:
        with storage.atomic_path(key) as tmp, open(tmp, "wb") as fh:
            # Timeline providers link to pages (url_for): give them a request context.
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"]):
                build_family_export(family, fh, _Progress(export_id))
        size = storage.path_for(key).stat().st_size
        hours = current_app.config.get("FAMILY_EXPORT_HOURS", 24)
        recorded = db.session.execute(
            update(FamilyExport).where(FamilyExport.id == export_id,
                                       FamilyExport.status == ExportStatus.BUILDING)
            .values(status=ExportStatus.DONE, storage_key=key, size=size,
                    progress_done=FamilyExport.progress_total, progress_message="Ready",
                    updated_at=utcnow(), expires_at=utcnow() + timedelta(hours=hours))
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if recorded != 1:  # the family was destroyed meanwhile: keep nothing
            storage.delete(key)
    except Exception as exc:
        db.session.rollback()
        storage.delete(key)
        current_app.logger.exception("family export %s failed", export_id)
        db.session.execute(update(FamilyExport).where(FamilyExport.id == export_id).values(
            status=ExportStatus.FAILED, updated_at=utcnow(),
            progress_message=f"The export failed: {type(exc).__name__}. Ask for a new one."))
        db.session.commit()


def expire_exports(now: datetime | None = None) -> int:
    """Delete the ZIPs of exports past their time (the row stays, marked expired)."""
    now = now or utcnow()
    rows = db.session.execute(db.select(FamilyExport).where(
        FamilyExport.storage_key.is_not(None), FamilyExport.expires_at <= now)).scalars().all()
    keys = [r.storage_key for r in rows]
    for r in rows:
        r.storage_key = None
    db.session.commit()
    for key in keys:
        storage.delete(key)
    return len(keys)
