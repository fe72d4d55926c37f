"""The worker process: ``huey_consumer facilitator.worker.huey -w 2 -k thread``."""

from __future__ import annotations

from . import create_app
from . import tasks as _tasks  # noqa: F401 - registers every task with the consumer
from .queue import huey, set_worker_app

app = create_app()
set_worker_app(app)

__all__ = ["app", "huey"]
