"""Command-line tools: organizations, users and the demo data."""

from __future__ import annotations

import getpass
import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .auth.models import Organization, OrgKind, Role
from .auth.services import AccountError, create_organization, create_user
from .extensions import db

org_cli = AppGroup("org", help="Manage organizations.")
user_cli = AppGroup("user", help="Manage users.")


def fail(message: str) -> None:
    """Exit non-zero with a one-line reason."""
    raise click.ClickException(message)


@org_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The organization's full name.")
@click.option("--kind", required=True, type=click.Choice([k.value for k in OrgKind]))
def org_create(slug: str, name: str, kind: str) -> None:
    """Create an organization (tenant) and print its slug."""
    try:
        org = create_organization(slug, name, kind)
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created organization {org.slug} ({org.kind_label}).")


def _read_password() -> str:
    """Read the password: a prompt twice on a terminal, else one line of stdin."""
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            fail("The two passwords differ.")
        return first
    line = sys.stdin.readline()
    if not line:
        fail("No password on standard input.")
    return line.rstrip("\r\n")


@user_cli.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="The organization's slug.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", default="", help="The person's full name.")
def user_create(email: str, org_slug: str, role: str, name: str) -> None:
    """Create a user; the password is read from standard input."""
    org = db.session.execute(
        db.select(Organization).where(Organization.slug == org_slug.lower())
    ).scalar_one_or_none()
    if org is None:
        fail(f"No organization with slug '{org_slug}'.")
    password = _read_password()
    try:
        user = create_user(org, email, role, password, name=name)
    except AccountError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} in {org.slug}.")


@click.command("demo")
@click.option("--force", is_flag=True, help="Erase all data first, then load the demo.")
@click.option("--if-empty", is_flag=True,
              help="Load only when the database is empty; otherwise just print the logins.")
def demo(force: bool, if_empty: bool) -> None:
    """Load demo organizations, users, families and meetings; print the logins."""
    from . import demo as demo_data

    empty = demo_data.database_is_empty()
    if not empty and not force:
        if if_empty:
            demo_data.print_logins(click.echo, loaded=False)
            return
        fail("The database is not empty; run 'flask demo --force' to erase it and load the demo.")
    if force and not empty:
        demo_data.erase_everything()
    demo_data.load()
    db.session.commit()
    demo_data.print_logins(click.echo, loaded=True)


def register(app: Flask) -> None:
    """Attach the command groups to ``flask``."""
    app.cli.add_command(org_cli)
    app.cli.add_command(user_cli)
    app.cli.add_command(demo)
    from .backup import backup_command, restore_command

    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    from .audit.cli import audit_cli

    app.cli.add_command(audit_cli)
