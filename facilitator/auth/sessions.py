"""Session lifetime: an idle timeout kept server-side, and "sign in again" before
the most sensitive steps (a family's whole export, a destruction): the password, or for a
session signed in through the organization's OpenID Connect provider (or an organization
that requires it), a new sign-in there (auth/oidc_routes.py).

The session cookie carries the time of the last activity (``seen``) and of the
last password entry (``fresh``), both signed with the secret key. Every request
counts as activity (the notes autosave too, so a long meeting stays signed in)
except polling that a page left open does by itself (IDLE_PASSIVE_ENDPOINTS).
After FACILITATOR_IDLE_MINUTES without activity the next request signs out.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, logout_user, user_logged_in

from .. import access
from ..extensions import limiter
from .forms import ReauthForm
from .oidc_services import signs_in_with_provider

bp = Blueprint("sessions", __name__)

SEEN, FRESH = "seen", "fresh"
#: "oidc" when this session was signed in through the organization's provider.
VIA = "via"
#: Requests a page makes by itself: they do not keep an idle session alive.
IDLE_PASSIVE_ENDPOINTS = frozenset({"packets.packet_status", "rights.export_status", "static"})


def now_seconds() -> int:
    return int(time.time())


@user_logged_in.connect
def _signed_in(app, user, **extra) -> None:
    session[SEEN] = session[FRESH] = now_seconds()


def _idle_seconds() -> int:
    return int(float(current_app.config["FACILITATOR_IDLE_MINUTES"]) * 60)


@bp.before_app_request
def enforce_idle_timeout():
    """Sign out a session idle longer than FACILITATOR_IDLE_MINUTES; else note the activity."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now, seen = now_seconds(), session.get(SEEN)
    if not isinstance(seen, int) or now - seen > _idle_seconds():
        logout_user()
        session.clear()
        minutes = current_app.config["FACILITATOR_IDLE_MINUTES"]
        if request.is_json or request.accept_mimetypes.best == "application/json":
            return jsonify(error="signed-out",
                           message="You were signed out after a time without activity. Your "
                                   "notes are kept in this browser; sign in again to send "
                                   "them."), 401
        flash(f"You were signed out after {minutes} minutes without activity. "
              "Sign in again to continue.", "info")
        return redirect(url_for("auth.login", next=_safe_path()))
    if request.endpoint not in IDLE_PASSIVE_ENDPOINTS and now - seen >= 10:
        session[SEEN] = now  # a new cookie at most every 10 seconds
    return None


def _safe_path() -> str | None:
    return request.full_path.rstrip("?") if request.method == "GET" else None


def is_fresh() -> bool:
    """Whether the password was entered within FACILITATOR_REAUTH_MINUTES."""
    fresh = session.get(FRESH)
    limit = float(current_app.config["FACILITATOR_REAUTH_MINUTES"]) * 60
    return isinstance(fresh, int) and now_seconds() - fresh <= limit


def fresh_required(view: Callable) -> Callable:
    """View decorator: the password must have been entered again a few minutes ago."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not is_fresh():
            return redirect(url_for("sessions.reauth", next=request.full_path.rstrip("?")
                                    if request.method == "GET" else request.referrer))
        return view(*args, **kwargs)

    return wrapped


def _next_path(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
        if parts.netloc == request.host and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return url_for("home.index")


def _reauth_limit() -> str:
    cfg = current_app.config
    return f"{cfg['LOGIN_FAILURE_LIMIT']} per {cfg['LOGIN_FAILURE_WINDOW']}"


@bp.route("/reauth", methods=["GET", "POST"])
@limiter.limit(_reauth_limit, methods=["POST"], deduct_when=lambda r: g.get("reauth_failed", False))
@access.signed_in
def reauth():
    """Sign in again: the password, before an export of a family's records or a destruction."""
    form = ReauthForm()
    target = _next_path(request.args.get("next"))
    provider = signs_in_with_provider(current_user, session.get(VIA) == "oidc")
    if provider is not None:
        # Signed in through the organization's service: confirmed there, not with a password.
        return render_template("auth/reauth.html", provider=provider, target=target,
                               minutes=current_app.config["FACILITATOR_REAUTH_MINUTES"])
    if form.validate_on_submit():
        if current_user.check_password(form.password.data):
            session[FRESH] = session[SEEN] = now_seconds()
            return redirect(target)
        g.reauth_failed = True
        form.password.errors.append("That is not your password. Type it again.")
    return render_template("auth/reauth.html", form=form, provider=None,
                           minutes=current_app.config["FACILITATOR_REAUTH_MINUTES"]), (
        400 if request.method == "POST" else 200)
