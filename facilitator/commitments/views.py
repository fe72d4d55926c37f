"""The commitments blueprint and what its view modules share."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from .vocabulary import CommitmentStatus

bp = Blueprint("commitments", __name__, cli_group="commitments")


@bp.cli.command("rebuild-paths")
def rebuild_paths() -> None:
    """Recompute every organization's path-to-resolution rows (after an upgrade)."""
    import click

    from ..auth.models import Organization
    from ..extensions import db
    from .paths import refresh_students

    for org_id in db.session.execute(db.select(Organization.id)).scalars():
        refresh_students(org_id)
    db.session.commit()
    click.echo("The path-to-resolution rows are rebuilt.")


@bp.app_context_processor
def commitment_helpers():
    """The start page's list of the user's own commitments and reviews (see _home.html)."""

    def my_commitments():
        from .lists import start_page

        if not getattr(current_user, "is_authenticated", False):
            return None
        return start_page(current_user)

    return {"my_commitments": my_commitments, "COMMITMENT_STATUSES": CommitmentStatus.labels()}
