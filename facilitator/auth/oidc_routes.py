"""Sign in through the organization's OpenID Connect provider, "sign in again" through it
before an export or a destruction, and the admin's provider settings.

Every sign-in, refusal and provider error is logged (reason, provider, user id or the
e-mail's domain), never a code or a token.
"""

from __future__ import annotations

import hmac
from datetime import UTC

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user

from .. import access
from ..db import utcnow
from ..extensions import db, limiter
from . import oidc
from .oidc_forms import OidcSettingsForm, parse_domains
from .oidc_models import OidcProvider
from .oidc_services import (
    OTHER_PERSON,
    STALE,
    begin,
    bound_subject,
    domains_of_others,
    match_user,
    provider_of,
    signs_in_with_provider,
    spend,
)
from .routes import login_page, safe_next
from .sessions import FRESH, SEEN, VIA, now_seconds

bp = Blueprint("oidc", __name__)
STATE = "oidc_state"


def _log(event: str, provider: OidcProvider | None, **fields) -> None:
    extra = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    current_app.logger.info("oidc %s provider=%s %s", event,
                            provider.id if provider else "-", extra)


def _refused(message: str, status: int = 400):
    return render_template("auth/oidc_error.html", message=message), status


# Starting a trip is a link (GET), not a form: the page's Content-Security-Policy allows
# forms to post only to this site, and a browser applies that to the redirect too. Nothing
# is changed by starting one; the callback only accepts the state this browser was given.
@bp.get("/login/oidc")
@access.public
@limiter.limit("30 per 5 minutes")
def start():
    """"Sign in with <provider>": off to the organization's sign-in service."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    ident = request.args.get("provider", "")
    provider = db.session.get(OidcProvider, int(ident)) if ident.isdigit() and len(
        ident) < 10 else None
    if provider is None or not provider.enabled:
        return login_page(error="Choose one of the sign-in buttons below.", status=400)
    try:
        url, state = begin(provider, next_path=safe_next(request.args.get("next")))
    except oidc.OidcError as exc:
        _log("provider error", provider, reason=exc.reason)
        return login_page(error=exc.message, status=200)
    db.session.commit()
    session[STATE] = state
    _log("started", provider)
    return redirect(url)


@bp.get("/login/oidc/callback")
@access.public
@limiter.limit("30 per 5 minutes")
def callback():
    """Back from the sign-in service: signed in (or confirmed), or a plain reason why not."""
    state = request.args.get("state", "")[:200]
    expected = session.pop(STATE, None)
    if not state or not isinstance(expected, str) or not hmac.compare_digest(state, expected):
        _log("refused", None, reason="state_not_this_browsers")
        return _refused(STALE)
    attempt = spend(state)
    db.session.commit()  # spent, whatever happens next: a state works once
    if attempt is None:
        _log("refused", None, reason="state_replayed_or_expired")
        return _refused(STALE)
    provider = db.session.get(OidcProvider, attempt.provider_id)
    if provider is None or not provider.enabled:
        _log("refused", provider, reason="provider_off")
        return _refused(STALE)
    if request.args.get("error"):
        error = "".join(c for c in request.args["error"][:40] if c.isalnum() or c in "_-")
        _log("provider error", provider, error=error)
        return _refused("You were not signed in: the sign-in service answered “"
                        f"{error}”. Start again from the sign-in page.")
    if request.args.get("iss") not in (None, provider.issuer):  # RFC 9207 mix-up defence
        _log("refused", provider, reason="iss_parameter_mismatch")
        return _refused(oidc.UNTRUSTED)
    code = request.args.get("code", "")
    if not code or len(code) > 2000:
        _log("refused", provider, reason="no_code")
        return _refused(STALE)
    created = attempt.created_at  # SQLite hands back a naive UTC time
    started = int((created if created.tzinfo else created.replace(tzinfo=UTC)).timestamp())
    claims: dict = {}
    try:
        id_token = oidc.redeem(provider, code, attempt.code_verifier)
        claims = oidc.verify_id_token(provider, id_token, attempt.nonce, signed_in_after=(
            started if attempt.purpose == "reauth" else None))
        if attempt.purpose == "reauth":
            return _confirmed(provider, attempt, claims)
        user = match_user(provider, claims)
    except oidc.OidcError as exc:
        db.session.rollback()
        email = claims.get("email")
        domain = email.rpartition("@")[2][:100] if isinstance(email, str) else None
        _log("refused", provider, reason=exc.reason, domain=domain)
        return _refused(exc.message, 403 if exc.message != oidc.UNREACHABLE else 502)
    session.clear()  # a new session at sign-in (no fixation)
    login_user(user)
    session[VIA] = "oidc"
    user.last_login_at = utcnow()
    db.session.commit()
    _log("login ok", provider, user_id=user.id)
    return redirect(safe_next(attempt.next_path))


def _confirmed(provider: OidcProvider, attempt, claims: dict):
    """Back from signing in again: fresh for a few minutes, if it was the same person."""
    if not current_user.is_authenticated or current_user.id != attempt.user_id:
        raise oidc.OidcError("reauth_without_session", OTHER_PERSON)
    subject = bound_subject(current_user, provider)
    if subject is None:
        match_user(provider, claims)  # binds on a first use, with every check of a sign-in
        subject = bound_subject(current_user, provider)
    if subject != str(claims["sub"]):
        raise oidc.OidcError("reauth_other_subject", OTHER_PERSON)
    db.session.commit()
    session[FRESH] = session[SEEN] = now_seconds()
    _log("reauth ok", provider, user_id=current_user.id)
    return redirect(safe_next(attempt.next_path))


@bp.get("/reauth/oidc")
@access.signed_in
@limiter.limit("30 per 5 minutes")
def reauth_start():
    """Sign in again through the sign-in service (it asks for the password again)."""
    provider = signs_in_with_provider(current_user, session.get(VIA) == "oidc")
    next_path = safe_next(request.args.get("next"))
    if provider is None:
        return redirect(url_for("sessions.reauth", next=next_path))
    try:
        url, state = begin(provider, purpose="reauth", user=current_user, next_path=next_path)
    except oidc.OidcError as exc:
        _log("provider error", provider, reason=exc.reason, user_id=current_user.id)
        flash(exc.message, "error")
        return redirect(url_for("sessions.reauth", next=next_path))
    db.session.commit()
    session[STATE] = state
    return redirect(url)


@bp.route("/admin/sign-in", methods=["GET", "POST"])
@access.require("manage_settings")
def settings():
    """The organization's sign-in service: issuer, client, secret, domains, on and required."""
    provider = provider_of(current_user.organization_id)
    form = OidcSettingsForm(obj=provider)
    if form.validate_on_submit():
        domains, bad = parse_domains(form.domains.data)
        problem = oidc.issuer_problem(form.issuer.data.strip())
        if problem:
            form.issuer.errors.append(problem)
        taken = sorted(set(domains) & domains_of_others(current_user.organization_id))
        if bad or not domains:
            form.domains.errors.append(
                f"“{(bad or [''])[0][:60]}” is not an e-mail domain. Write domains like "
                "riverside.k12.ca.us, separated by commas.")
        elif taken:
            form.domains.errors.append(
                f"{taken[0]} is covered by another organization's sign-in service. Each "
                "domain belongs to one organization; leave it out or ask us to move it.")
        has_secret = bool(form.client_secret.data or (provider and provider.secret_encrypted))
        if form.enabled.data and not has_secret and not oidc.env_secret(
                current_user.organization.slug):
            form.client_secret.errors.append("Enter the client secret the service gave you.")
        if form.required.data and not form.enabled.data:
            form.required.errors.append("Turn on the sign-in service first.")
        elif form.required.data and not _admin_proved_it_works(provider, form):
            form.required.errors.append(
                "Sign out, sign in once with this service yourself, then require it: that "
                "way nobody is locked out by a setting that does not work.")
        if not form.errors:
            provider = _save(provider, form, domains)
            db.session.commit()
            _log("settings saved", provider, user_id=current_user.id,
                 enabled=provider.enabled, required=provider.required)
            flash("The sign-in settings are saved.", "success")
            return redirect(url_for("oidc.settings"))
    return render_template("auth/oidc_settings.html", form=form, provider=provider,
                           redirect_uri=oidc.redirect_uri(),
                           env_name=oidc.env_secret_name(current_user.organization.slug),
                           env_set=bool(oidc.env_secret(current_user.organization.slug))), (
        400 if form.errors else 200)


def _admin_proved_it_works(provider: OidcProvider | None, form: OidcSettingsForm) -> bool:
    """Requiring the service needs this admin signed in through it, as now configured."""
    if provider is None or session.get(VIA) != "oidc":
        return False
    return (provider.issuer == form.issuer.data.strip()
            and provider.client_id == form.client_id.data.strip()
            and bound_subject(current_user, provider) is not None)


def _save(provider: OidcProvider | None, form: OidcSettingsForm, domains: list[str]):
    if provider is None:
        provider = OidcProvider(organization_id=current_user.organization_id)
        db.session.add(provider)
    provider.display_name = form.display_name.data.strip()
    provider.issuer = form.issuer.data.strip()
    provider.client_id = form.client_id.data.strip()
    provider.domains = ",".join(domains)
    provider.enabled, provider.required = bool(form.enabled.data), bool(form.required.data)
    if form.client_secret.data:
        provider.secret_encrypted = oidc.encrypt_secret(form.client_secret.data)
    db.session.flush()
    return provider
