"""Demo data: two organizations, one user per role, and each feature's examples."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from sqlalchemy import func

from .auth.models import Organization, OrgKind, Role, User
from .auth.services import create_organization, create_user
from .extensions import db

#: Shown by `make run` and `flask demo`; only ever set on demo accounts.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo login, not a secret

DEMO_USERS = (
    ("riverside", "admin@riverside.example", Role.ADMIN, "Dana Okafor"),
    ("riverside", "facilitator@riverside.example", Role.FACILITATOR, "Luis Moreno"),
    ("riverside", "analyst@riverside.example", Role.ANALYST, "Priya Raman"),
    ("family-voices", "admin@familyvoices.example", Role.ADMIN, "Grace Whitfield"),
    ("family-voices", "advocate@familyvoices.example", Role.ADVOCATE, "Marcus Bell"),
    # The program's admin: users, destruction on request (a request, from its page).
    ("state-program", "admin@stateprogram.example", Role.ADMIN, "Teresa Nakamura"),
    ("state-program", "coordinator@stateprogram.example", Role.FACILITATOR, "Rosa Jimenez"),
    ("state-program", "neutral@stateprogram.example", Role.NEUTRAL, "Elena Vargas"),
    ("state-program", "analyst@stateprogram.example", Role.ANALYST, "Noah Whitaker"),
)

#: Each feature adds "module:function"; the function receives the DemoContext.
FEATURE_LOADERS: tuple[str, ...] = (
    "facilitator.families.demo:load",
    "facilitator.meetings.demo:load",
    "facilitator.voice.demo:load",
    "facilitator.adr.demo:load",
    "facilitator.commitments.demo:load",
    "facilitator.plans.demo:load",
    "facilitator.packets.demo:load",
    "facilitator.notify.demo:load",
    "facilitator.program.demo:load",
)


@dataclass
class DemoContext:
    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)  # by email


def database_is_empty() -> bool:
    """True when no organization and no user exist yet."""
    orgs = db.session.execute(db.select(func.count(Organization.id))).scalar_one()
    users = db.session.execute(db.select(func.count(User.id))).scalar_one()
    return orgs == 0 and users == 0


def erase_everything() -> None:
    """Delete every row of every table, children first (the record of access too)."""
    from .audit.models import AccessEntry, reset_whole_database

    for table in reversed(db.metadata.sorted_tables):
        if table is AccessEntry.__table__:
            reset_whole_database(db.session.connection())
        else:
            db.session.execute(table.delete())
    db.session.flush()


def load() -> DemoContext:
    """Create the demo organizations, users and feature data (flushes, no commit)."""
    ctx = DemoContext()
    ctx.orgs["riverside"] = create_organization(
        "riverside", "Riverside Unified School District", OrgKind.DISTRICT)
    ctx.orgs["family-voices"] = create_organization(
        "family-voices", "Family Voices Advocacy Network", OrgKind.ADVOCACY)
    ctx.orgs["state-program"] = create_organization(
        "state-program", "State Dispute Resolution Program", OrgKind.STATE)
    for slug, email, role, name in DEMO_USERS:
        ctx.users[email] = create_user(ctx.orgs[slug], email, role, DEMO_PASSWORD, name=name,
                                       check_strength=False)
    for target in FEATURE_LOADERS:
        module, _, attr = target.partition(":")
        getattr(import_module(module), attr)(ctx)
    db.session.flush()
    return ctx


def print_logins(echo: Callable[[str], None], loaded: bool) -> None:
    """Print the demo sign-ins (only those that exist in this database)."""
    emails = [e for _, e, _, _ in DEMO_USERS]
    present = set(db.session.execute(
        db.select(User.email).where(User.email.in_(emails))).scalars())
    if not present:
        echo("The database holds real data; no demo logins to show.")
        return
    echo("Demo data loaded." if loaded else "Demo data was already loaded.")
    from flask import current_app

    echo(f"Sign in at {current_app.config['PUBLIC_BASE_URL']} with password: {DEMO_PASSWORD}")
    for slug, email, role, _ in DEMO_USERS:
        if email in present:
            echo(f"  {email:<32} {role.value:<12} {slug}")
