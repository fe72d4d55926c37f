"""`flask audit verify`: check every organization's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..auth.models import Organization
from ..extensions import db
from .services import organizations_with_entries, verify_chain

audit_cli = AppGroup("audit", help="The record of access.")


@audit_cli.command("verify")
@click.option("--org", "org_slug", default=None, help="Check only this organization's chain.")
def verify(org_slug: str | None) -> None:
    """Recompute every entry's hash; name the first broken entry and exit non-zero."""
    orgs = {o.id: o.slug for o in db.session.execute(db.select(Organization)).scalars()}
    if org_slug:
        ids = [i for i, slug in orgs.items() if slug == org_slug.lower()]
        if not ids:
            raise click.ClickException(f"No organization with slug '{org_slug}'.")
    else:
        ids = organizations_with_entries()
    broken = False
    for org_id in ids:
        count, problem = verify_chain(org_id)
        slug = orgs.get(org_id, f"#{org_id}")
        if problem:
            broken = True
            click.echo(f"{slug}: BROKEN at entry {problem.seq} (id {problem.entry_id}): "
                       f"{problem.reason}; {count} entries before it verify.")
        else:
            click.echo(f"{slug}: {count} entries, chain intact.")
    if broken:
        raise click.ClickException("The record of access does not verify.")
