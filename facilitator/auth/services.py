"""Account rules: password strength, creating users and keeping an admin."""

from __future__ import annotations

import re

from sqlalchemy import func

from ..extensions import db
from .models import Organization, OrgKind, Role, User

MIN_PASSWORD_LENGTH = 12
_COMMON = {
    "password1234", "123456789012", "qwertyuiop12", "iloveyou1234", "passwordpassword",
    "administrator", "letmein12345", "welcome12345", "changeme1234", "facilitator1",
}
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


class AccountError(ValueError):
    """A rule about accounts was broken; the message says what to do."""


def password_problem(password: str, email: str = "") -> str | None:
    """A sentence saying why ``password`` is too weak, or None when it is fine."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
    if password.lower() in _COMMON or len(set(password)) < 5:
        return "That password is too easy to guess; try a few unrelated words."
    local = email.split("@", 1)[0].lower()
    if len(local) >= 4 and local in password.lower():
        return "The password must not contain the email address."
    return None


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(User.email == normalize_email(email))
    ).scalar_one_or_none()


def create_organization(slug: str, name: str, kind: str) -> Organization:
    """Add an organization; refuses a bad or taken slug or an unknown kind."""
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise AccountError(
            f"'{slug}' is not a valid slug: use 3-64 lower-case letters, digits and hyphens."
        )
    if kind not in {k.value for k in OrgKind}:
        raise AccountError(f"Unknown kind '{kind}'.")
    if not name.strip():
        raise AccountError("The organization needs a name.")
    exists = db.session.execute(db.select(Organization).where(Organization.slug == slug))
    if exists.first():
        raise AccountError(f"An organization with slug '{slug}' already exists.")
    org = Organization(slug=slug, name=name.strip(), kind=kind)
    db.session.add(org)
    db.session.flush()
    return org


def create_user(
    org: Organization, email: str, role: str, password: str, name: str = "",
    check_strength: bool = True, position: str = "",
) -> User:
    """Add a user to ``org``; refuses a taken email, unknown role or weak password."""
    email = normalize_email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(f"'{email}' is not an email address.")
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role '{role}'.")
    if find_user_by_email(email):
        raise AccountError(f"A user with email {email} already exists.")
    if check_strength and (problem := password_problem(password, email)):
        raise AccountError(problem)
    user = User(organization=org, email=email, role=role, name=name.strip(),
                position=position.strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def active_admin_count(org_id: int) -> int:
    return db.session.execute(
        db.select(func.count(User.id)).where(
            User.organization_id == org_id, User.role == Role.ADMIN, User.active.is_(True)
        )
    ).scalar_one()


def update_user(user: User, *, name: str, role: str, active: bool,
                position: str | None = None) -> None:
    """Change a user's name, position, role or active flag, keeping at least one active admin."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role '{role}'.")
    loses_admin = user.role == Role.ADMIN and user.active and (role != Role.ADMIN or not active)
    if loses_admin and active_admin_count(user.organization_id) <= 1:
        raise AccountError(
            "This is the organization's last active admin. Make someone else an admin first."
        )
    if user.active and not active:
        user.revoke_sessions()
    if user.role != role:
        # A new role means new permissions: start fresh sessions.
        user.revoke_sessions()
    user.name, user.role, user.active = name.strip(), role, active
    if position is not None:
        user.position = position.strip()
    db.session.flush()
