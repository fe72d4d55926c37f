"""The one place that decides who may see and change what.

Every organization-owned model has an ``organization_id`` column. Views load
such records only through :func:`get_or_404` and list them only through
:func:`scoped`, so a record of another organization is a 404 — indistinguishable
from one that does not exist — and never a 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import Select

from .auth.models import Role, User
from .extensions import db, login_manager

T = TypeVar("T")

#: What each role may do inside its own organization. Reading is open to every
#: role of the organization unless a capability below says otherwise.
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    Role.ADMIN: frozenset(
        {"manage_users", "manage_settings", "edit_families", "edit_meetings",
         "edit_cases", "edit_plans", "edit_records", "view_reports"}
    ),
    Role.FACILITATOR: frozenset(
        {"edit_families", "edit_meetings", "edit_cases", "edit_plans", "view_reports"}
    ),
    Role.ADVOCATE: frozenset({"edit_families", "edit_records"}),
    Role.ANALYST: frozenset({"view_reports"}),
}


def can(capability: str, user: Any = None) -> bool:
    """Whether the (current) user's role grants ``capability``."""
    user = current_user if user is None else user
    if not getattr(user, "is_authenticated", False):
        return False
    return capability in ROLE_CAPABILITIES.get(user.role, frozenset())


#: Every view declares who may use it in this attribute: PUBLIC, SIGNED_IN or the
#: capability it requires. A test reads it for every endpoint and fails without it.
POLICY_ATTR = "access_policy"
PUBLIC, SIGNED_IN = "public", "signed_in"


def declare(policy: str | dict[str, str]) -> Callable:
    """Record ``policy`` on a view (for decorators that check access themselves)."""

    def decorator(view: Callable) -> Callable:
        setattr(view, POLICY_ATTR, policy)
        return view

    return decorator


def policy_of(view: Callable, method: str = "GET") -> str | None:
    """The policy a view declared for ``method``, or None."""
    policy = getattr(view, POLICY_ATTR, None)
    return policy.get(method, policy.get("GET")) if isinstance(policy, dict) else policy


def public(view: Callable) -> Callable:
    """View decorator: anyone may use it, signed in or not (sign-in, health, surveys)."""
    return declare(PUBLIC)(view)


def signed_in(view: Callable) -> Callable:
    """View decorator: any signed-in user of any role (their organization's data only)."""
    return declare(SIGNED_IN)(login_required(view))


def read_or_require(capability: str) -> Callable:
    """View decorator for a page that also takes its own form: any signed-in user may
    read it (GET); sending it (POST) needs ``capability`` (403 otherwise)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if request.method != "GET" and not can(capability):
                abort(403)
            return view(*args, **kwargs)

        return declare({"GET": SIGNED_IN, "POST": capability})(wrapped)  # type: ignore[arg-type]

    return decorator


def require(capability: str) -> Callable:
    """View decorator: sign-in required, then 403 unless the role grants ``capability``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(capability):
                abort(403)
            return view(*args, **kwargs)

        return declare(capability)(wrapped)

    return decorator


def current_org_id() -> int:
    """The signed-in user's organization id (401 handling is Flask-Login's)."""
    if not current_user.is_authenticated:
        abort(404)
    return current_user.organization_id


def scoped(model: type[T], org_id: int | None = None) -> Select:
    """A SELECT of ``model`` limited to the current (or given) organization."""
    org = current_org_id() if org_id is None else org_id
    return db.select(model).where(model.organization_id == org)  # type: ignore[attr-defined]


def restrict(stmt: Select, model: type, org_id: int | None = None) -> Select:
    """Add the organization filter for ``model`` to an existing SELECT."""
    org = current_org_id() if org_id is None else org_id
    return stmt.where(model.organization_id == org)  # type: ignore[attr-defined]


def get_or_404(model: type[T], ident: Any, org_id: int | None = None, **parent: Any) -> T:
    """One record of the current organization, or 404 (also for other organizations).

    ``parent`` names the record it must hang under, e.g. ``family_id=family.id``
    for a tip loaded under ``/families/<id>/``: another parent's record is a 404 too.
    """
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    obj = db.session.get(model, ident)
    org = current_org_id() if org_id is None else org_id
    if obj is None or obj.organization_id != org:  # type: ignore[attr-defined]
        abort(404)
    if any(getattr(obj, attr) != value for attr, value in parent.items()):
        abort(404)
    return obj


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Resolve a session identity "id:token"; a changed token ends the session."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user
