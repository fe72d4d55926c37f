"""The queue task that builds one family export."""

from __future__ import annotations

from ..queue import huey, run_in_app


@huey.task()
def build_family_export(export_id: int) -> None:
    """Build one family export's ZIP (its status is in the database; a rerun is a no-op)."""
    from .export_task import run_export

    return run_in_app(run_export, export_id)
