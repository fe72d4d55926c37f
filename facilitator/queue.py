"""The Huey task queue: one instance, bound to the app's configuration by :func:`init_app`.

SqliteHuey (a file in instance/, no server needed) by default, RedisHuey when
REDIS_URL is set (several hosts). The worker is ``huey_consumer
facilitator.worker.huey`` (``make run`` starts one). Tasks (notify/tasks.py,
packets/tasks.py, tasks.py) take ids only, load what they need in their own app
context and database session (:func:`run_in_app`), and are safe to run twice.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

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


def run_in_app(job, *args):
    """Run ``job`` in a fresh app context (its own database session), then clean up."""
    from .db import begin_write
    from .extensions import db

    app = current_app._get_current_object() if has_app_context() else _worker_app
    if app is None:
        raise RuntimeError("Run the worker as: huey_consumer facilitator.worker.huey")
    with app.app_context():
        begin_write()
        try:
            return job(*args)
        finally:
            db.session.remove()
