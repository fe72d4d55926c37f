"""The queue task that builds one record packet."""

from __future__ import annotations

from ..queue import huey, run_in_app


@huey.task()
def build_packet(packet_id: int) -> None:
    """Build one record packet (its status is in the database; a rerun rebuilds)."""
    from .build import run_queued_build

    return run_in_app(run_queued_build, packet_id)
