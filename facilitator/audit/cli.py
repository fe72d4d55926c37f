"""`flask audit verify`: check every organization's hash chain."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..auth.models import Organization
from ..extensions import db
from .services import Erasures, organizations_with_entries, verify_chain

audit_cli = AppGroup("audit", help="The record of access.")


@audit_cli.command("verify")
@click.option("--org", "org_slug", default=None, help="Check only this organization's chain.")
def verify(org_slug: str | None) -> None:
    """Recompute every entry's hash; name the first broken entry and exit non-zero.

    Also says how many entries had their details erased, under which certificates.
    """
    orgs = {o.id: o.slug for o in db.session.execute(db.select(Organization)).scalars()}
    if org_slug:
        ids = [i for i, slug in orgs.items() if slug == org_slug.lower()]
        if not ids:
            raise click.ClickException(f"No organization with slug '{org_slug}'.")
    else:
        ids = organizations_with_entries()
    broken = False
    for org_id in ids:
        erasures = Erasures()
        count, problem = verify_chain(org_id, erasures=erasures)
        slug = orgs.get(org_id, f"#{org_id}")
        if problem:
            broken = True
            click.echo(f"{slug}: BROKEN at entry {problem.seq} (id {problem.entry_id}): "
                       f"{problem.reason}; {count} entries before it verify.")
        else:
            click.echo(f"{slug}: {count} entries, chain intact.")
        if erasures.total:
            refs = ", ".join(f"{ref} ({n})" for ref, n in sorted(erasures.by_reference.items()))
            click.echo(f"{slug}: details erased from {erasures.total} "
                       f"entr{'y' if erasures.total == 1 else 'ies'} under {refs}.")
        if erasures.by_position_only:
            click.echo(f"{slug}: {erasures.by_position_only} of them were written before "
                       "details were kept apart: their hash covered the erased details, so "
                       "only their place in the chain is checked.")
    if broken:
        raise click.ClickException("The record of access does not verify.")
