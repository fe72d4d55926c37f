"""The one place that decides who may see and change what.

Every organization-owned model has an ``organization_id`` column. Views load
such records only through :func:`get_or_404` and list them only through
:func:`scoped`, so a record of another organization is a 404 — indistinguishable
from one that does not exist — and never a 403.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import abort, request
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam
from sqlalchemy.orm import joinedload

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
    # A contracted neutral runs the meetings of the cases assigned to them and records
    # their sessions; everything else of the organization is out of sight (see below).
    Role.NEUTRAL: frozenset({"edit_meetings", "neutral_work"}),
}
# A state program's coordinators (admins and facilitators of the SEA organization).
for _role in (Role.ADMIN, Role.FACILITATOR):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {"manage_program"}


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
    stmt = db.select(model).where(model.organization_id == org)  # type: ignore[attr-defined]
    return _neutral_filter(stmt, model) if is_neutral() else stmt


def restrict(stmt: Select, model: type, org_id: int | None = None) -> Select:
    """Add the organization filter for ``model`` to an existing SELECT."""
    org = current_org_id() if org_id is None else org_id
    stmt = stmt.where(model.organization_id == org)  # type: ignore[attr-defined]
    return _neutral_filter(stmt, model) if is_neutral() else stmt


def row_or_404(stmt: Select, model: type, params: dict) -> Any:
    """One row of a prebuilt column SELECT about one record of ``model``, or 404.

    ``stmt`` must filter on ``model.organization_id == :org`` (bound here to the current
    organization) and on the record's id; a neutral's statement is narrowed to their
    assigned records like ``scoped``. For a hot page that needs a few columns, not the
    mapped record (no unit of work: run on the session's connection, in its transaction)."""
    if is_neutral():
        stmt = _neutral_filter(stmt, model)
    row = db.session.connection().execute(stmt, {**params, "org": current_org_id()}
                                          ).one_or_none()
    if row is None:
        abort(404)
    return row


# --- contracted neutrals: their assigned cases only --------------------------------------

#: Endpoints a neutral may always use (their own account and start page).
NEUTRAL_ALWAYS = frozenset({"home.index", "home.healthz", "auth.account", "auth.logout",
                            "sessions.reauth"})
#: Meeting endpoints that reach beyond the meeting into the district's own file on the
#: family (the tip file): not for a contracted neutral.
NEUTRAL_DENIED = frozenset({"meetings.reflection_tip", "meetings.tips_reviewed"})


def is_neutral(user: Any = None) -> bool:
    user = current_user if user is None else user
    return bool(getattr(user, "is_authenticated", False)) and user.role == Role.NEUTRAL


@dataclass(frozen=True)
class Assigned:
    """What a neutral may see: the open cases assigned to them, their meetings and families."""

    cases: frozenset[int]
    meetings: frozenset[int]
    families: frozenset[int]


def assigned(user: Any = None) -> Assigned:
    """The records of the cases a neutral accepted and that are not closed (once per request)."""
    from flask import g

    from .adr.models import AdrCase
    from .program.models import Assignment, AssignmentStatus, Neutral

    user = current_user if user is None else user
    cached = g.get("_assigned")
    if cached is not None and cached[0] == user.id:
        return cached[1]
    from .meetings.models import Meeting

    rows = db.session.execute(
        db.select(AdrCase.id, AdrCase.meeting_id, AdrCase.family_id, Meeting.family_id)
        .join(Assignment, Assignment.case_id == AdrCase.id)
        .join(Neutral, Neutral.id == Assignment.neutral_id)
        .outerjoin(Meeting, Meeting.id == AdrCase.meeting_id)
        .where(Neutral.user_id == user.id, Neutral.organization_id == user.organization_id,
               Assignment.status == AssignmentStatus.ACCEPTED,
               AdrCase.organization_id == user.organization_id,
               AdrCase.closed_on.is_(None))).all()
    result = Assigned(frozenset(r[0] for r in rows),
                      frozenset(r[1] for r in rows if r[1] is not None),
                      frozenset(f for r in rows for f in (r[2], r[3]) if f is not None))
    g._assigned = (user.id, result)
    return result


NEUTRAL_ATTR = "neutral_may_use"


def for_neutrals(view: Callable) -> Callable:
    """Mark a view a contracted neutral may open (it must still check the case is theirs)."""
    setattr(view, NEUTRAL_ATTR, True)
    return view


def neutral_may_use(endpoint: str | None, view: Callable | None, view_args: dict | None
                    ) -> bool:
    """Deny by default: a neutral reaches their start page and account, the views marked
    ``for_neutrals``, and pages of one meeting (each loads it through get_or_404, which
    checks it belongs to one of their cases)."""
    if endpoint is None or endpoint == "static" or endpoint in NEUTRAL_ALWAYS:
        return True
    if getattr(view, NEUTRAL_ATTR, False):
        return True
    return "meeting_id" in (view_args or {}) and endpoint not in NEUTRAL_DENIED


def guard_neutral() -> None:
    """before_request: a neutral asking for anything outside their cases gets a 404."""
    from flask import current_app

    if not is_neutral():
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if not neutral_may_use(request.endpoint, view, request.view_args):
        abort(404)


def _visible_to_neutral(obj: Any) -> bool:
    """Whether a record loaded by id lies inside the neutral's assigned cases."""
    mine = assigned()
    name = type(obj).__tablename__
    if name == "meetings":
        return obj.id in mine.meetings
    if name == "adr_cases":
        return obj.id in mine.cases
    if name == "families":
        return obj.id in mine.families
    if hasattr(obj, "meeting_id"):
        return obj.meeting_id in mine.meetings
    if hasattr(obj, "family_id"):
        return obj.family_id in mine.families
    if hasattr(obj, "neutral_id"):  # an offer, a session or a payment of the neutral's own
        from .program.models import Neutral

        owner = db.session.get(Neutral, obj.neutral_id)
        return owner is not None and owner.user_id == current_user.id
    return name in NEUTRAL_READABLE


#: Tables without a meeting or family whose single records a neutral's pages may load.
NEUTRAL_READABLE = frozenset({"users", "organizations"})


def _neutral_filter(stmt: Select, model: type) -> Select:
    """Narrow a list query to the neutral's assigned records (nothing, for other kinds)."""
    mine = assigned()
    name = getattr(model, "__tablename__", "")
    column = {"meetings": "id", "adr_cases": "id", "families": "id"}.get(name)
    ids = {"meetings": mine.meetings, "adr_cases": mine.cases, "families": mine.families}
    if column:
        return stmt.where(getattr(model, column).in_(ids[name]))
    if hasattr(model, "meeting_id"):
        return stmt.where(model.meeting_id.in_(mine.meetings))  # type: ignore[attr-defined]
    if hasattr(model, "family_id"):
        return stmt.where(model.family_id.in_(mine.families))  # type: ignore[attr-defined]
    if name in NEUTRAL_READABLE:
        return stmt
    return stmt.where(db.false())


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
    if is_neutral() and not _visible_to_neutral(obj):
        abort(404)
    if any(getattr(obj, attr) != value for attr, value in parent.items()):
        abort(404)
    return obj


#: The signed-in user with their organization (built once: it runs on every request).
_USER = db.select(User).where(User.id == bindparam("id")).options(
    joinedload(User.organization))


@login_manager.user_loader
def load_user(identity: str) -> User | None:
    """Resolve a session identity "id:token"; a changed token ends the session."""
    user_id, _, token = identity.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # The organization comes along: every page's header names it.
    user = db.session.execute(_USER, {"id": int(user_id)}).unique().scalar_one_or_none()
    if user is None or not user.active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user
