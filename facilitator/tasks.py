"""Background work on the Huey task queue: mail, reminders, retries, packet builds.

One Huey instance, bound to the app's configuration by :func:`init_app`:
SqliteHuey (a file in instance/, no server needed) by default, RedisHuey when
REDIS_URL is set (several hosts). The worker is ``huey_consumer
facilitator.worker.huey`` (``make run`` starts one). Tasks take ids only,
load what they need in their own app context and database session, and are
safe to run twice.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab

#: Bound to real storage by init_app(); until then tasks only run when immediate.
huey: Huey = MemoryHuey("facilitator", results=False)

_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Point the queue at Redis (REDIS_URL) or the SQLite file, or run tasks at once."""
    cfg = app.config
    if cfg.get("REDIS_URL"):
        huey.storage_class = RedisHuey.storage_class
        huey.storage_kwargs = {"url": cfg["REDIS_URL"]}
    else:
        path = cfg.get("HUEY_FILE") or str(Path(app.instance_path) / "huey.db")
        huey.storage_class = SqliteHuey.storage_class
        huey.storage_kwargs = {"filename": path}
    huey.immediate = bool(cfg.get("HUEY_IMMEDIATE"))
    huey.storage = huey.create_storage()


def set_worker_app(app: Flask) -> None:
    """The app a worker process runs its tasks in (see facilitator/worker.py)."""
    global _worker_app
    _worker_app = app


def _run(job, *args):
    """Run ``job`` in a fresh app context (its own database session), then clean up."""
    from .db import begin_write
    from .extensions import db

    app = current_app._get_current_object() if has_app_context() else _worker_app
    if app is None:
        from . import create_app

        app = create_app()
        set_worker_app(app)
    with app.app_context():
        begin_write()
        try:
            return job(*args)
        finally:
            db.session.remove()


@huey.task()
def send_message(message_id: int) -> str:
    """Send one outbox message (a no-op if it was sent or is being sent)."""
    from .notify.sending import send_one

    return _run(send_one, message_id)


def _due_messages(now) -> list[int]:
    from .extensions import db
    from .notify.models import MessageStatus, OutboxMessage

    lost = now - timedelta(minutes=2)  # queued, but its task was lost (e.g. queue wiped)
    return list(db.session.execute(db.select(OutboxMessage.id).where(
        OutboxMessage.status == MessageStatus.QUEUED,
        db.or_(OutboxMessage.next_attempt_at <= now,
               db.and_(OutboxMessage.next_attempt_at.is_(None),
                       OutboxMessage.created_at <= lost)))
        .order_by(OutboxMessage.id).limit(500)).scalars())


def run_due_work(now=None) -> dict[str, int]:
    """Queue due invitations, reminders and survey reminders; hand due retries to the worker."""
    from .adr import survey_mail
    from .db import utcnow
    from .extensions import db
    from .meetings import mail as meeting_mail

    now = now or utcnow()
    counts = {"invitations": meeting_mail.sync_upcoming(now),
              "reminders": meeting_mail.queue_due_reminders(now),
              "survey_reminders": survey_mail.queue_survey_reminders(now)}
    db.session.commit()  # the new messages' tasks are queued on commit
    due = _due_messages(now)
    db.session.commit()
    for message_id in due:
        send_message(message_id)
    counts["retries"] = len(due)
    return counts


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> dict[str, int]:
    """The worker's clock: due reminders, survey reminders and mail retries."""
    return _run(run_due_work)


@huey.task()
def build_packet(packet_id: int) -> None:
    """Build one record packet (its status is in the database; a rerun rebuilds)."""
    from .packets.build import run_queued_build

    return _run(run_queued_build, packet_id)
