"""The queue task that sends one outbox message."""

from __future__ import annotations

from ..queue import huey, run_in_app


@huey.task()
def send_message(message_id: int) -> str:
    """Send one outbox message (a no-op if it was sent or is being sent)."""
    from .sending import send_one

    return run_in_app(send_one, message_id)
