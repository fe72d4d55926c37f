"""`flask adr import|export|report`: the same import, export and 618 table as the pages."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Blueprint

from ..auth.models import Organization
from ..extensions import db


def _org(slug: str) -> Organization:
    org = db.session.execute(db.select(Organization).where(
        Organization.slug == slug.lower())).scalar_one_or_none()
    if org is None:
        raise click.ClickException(f"No organization with slug '{slug}'.")
    return org


def register_cli(bp: Blueprint) -> None:
    """Attach the commands to the blueprint's `adr` group."""

    @bp.cli.command("import")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--org", "slug", required=True, help="The organization's slug.")
    def import_command(file: Path, slug: str) -> None:
        """Import cases from a CSV file: all rows, or none and every problem listed."""
        from .csv_io import ImportRefused, import_cases

        org = _org(slug)
        try:
            result = import_cases(org.id, file.read_bytes())
        except ImportRefused as exc:
            db.session.rollback()
            for line in exc.errors:
                click.echo(line, err=True)
            raise click.ClickException(
                f"{len(exc.errors)} problem(s) in {file.name}; nothing was imported.") from None
        db.session.commit()
        click.echo(f"Imported {result.created} new and {result.updated} updated case(s) "
                   f"into {org.slug}.")

    @bp.cli.command("export")
    @click.option("--org", "slug", required=True, help="The organization's slug.")
    @click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write to this file instead of standard output.")
    def export_command(slug: str, out: Path | None) -> None:
        """Export every case of the organization as CSV."""
        from .csv_io import export_csv

        body = export_csv(_org(slug).id)
        if out is None:
            sys.stdout.write(body)
        else:
            out.write_text(body, encoding="utf-8", newline="")
            click.echo(f"Wrote {body.count(chr(10)) - 1} case(s) to {out}.", err=True)

    @bp.cli.command("report")
    @click.option("--org", "slug", required=True, help="The organization's slug.")
    @click.option("--year", required=True, help="School year, e.g. 2014-15.")
    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv")
    def report_command(slug: str, year: str, fmt: str) -> None:
        """Print the section 618 table and B15/B16 of one school year."""
        from .csv_io import to_csv
        from .models import parse_school_year
        from .report import csv_rows, report

        start = parse_school_year(year)
        if start is None:
            raise click.ClickException(f"'{year}' is not a school year; write it as 2014-15.")
        table = report(_org(slug).id, start)
        if fmt == "json":
            click.echo(json.dumps(table, indent=2))
        else:
            sys.stdout.write(to_csv(csv_rows(table)))
