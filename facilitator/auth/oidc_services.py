"""Who may sign in through a provider, and the single-use record of each trip there.

Nobody is created by signing in: the provider's verified e-mail must belong to an active
user whom an admin created in the provider's organization. The first sign-in binds the
user to the provider's subject id; after that the subject decides, so a changed address
at the provider keeps the same person, and another person given the old address does not
become them.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, update

from ..db import utcnow
from ..extensions import db
from . import oidc
from .models import User
from .oidc_models import OidcAttempt, OidcIdentity, OidcProvider
from .services import find_user_by_email, normalize_email

#: A trip to the provider must come back within this time.
ATTEMPT_VALID_FOR = timedelta(minutes=10)

UNKNOWN = ("There is no account for that address here. Ask your organization's admin to "
           "add you; signing in does not create an account.")
UNVERIFIED = ("Your sign-in service did not confirm your e-mail address, so you cannot be "
              "signed in with it. Ask your organization's admin.")
STALE = ("This sign-in link is not valid any more (it was used already, or it is older than "
         "10 minutes). Start again from the sign-in page.")
OTHER_PERSON = ("You came back from the sign-in service as a different person. Sign in again "
                "as yourself.")


def provider_of(org_id: int) -> OidcProvider | None:
    return db.session.execute(db.select(OidcProvider).where(
        OidcProvider.organization_id == org_id)).scalar_one_or_none()


def enabled_providers() -> list[OidcProvider]:
    """The providers shown on the sign-in page, by name."""
    return list(db.session.execute(db.select(OidcProvider).where(
        OidcProvider.enabled.is_(True)).order_by(OidcProvider.display_name)).scalars())


def required_for(user: User | None) -> OidcProvider | None:
    """The provider ``user``'s organization requires, or None (passwords allowed)."""
    if user is None:
        return None
    provider = provider_of(user.organization_id)
    return provider if provider is not None and provider.enabled and provider.required else None


def required_covering(email: str) -> OidcProvider | None:
    """A provider that requires itself for the domain of ``email``, known or not (a user
    of another organization with such an address is not that provider's to refuse)."""
    email = normalize_email(email)
    provider = next((p for p in enabled_providers() if p.required and p.covers(email)), None)
    if provider is not None:
        user = find_user_by_email(email)
        if user is not None and user.organization_id != provider.organization_id:
            return None
    return provider


def domains_of_others(org_id: int) -> set[str]:
    """Domains another organization's sign-in service already covers."""
    rows = db.session.execute(db.select(OidcProvider.domains).where(
        OidcProvider.organization_id != org_id)).scalars()
    return {d for row in rows for d in (row or "").split(",") if d}


def signs_in_with_provider(user: User, via_provider: bool) -> OidcProvider | None:
    """The provider through which ``user`` confirms it is them ("sign in again")."""
    provider = provider_of(user.organization_id)
    if provider is None or not provider.enabled:
        return None
    return provider if via_provider or provider.required else None


def begin(provider: OidcProvider, *, purpose: str = "login", user: User | None = None,
          next_path: str = "") -> tuple[str, str]:
    """Record a trip to the provider; (the provider's address, the state for the session)."""
    now = utcnow()
    db.session.execute(delete(OidcAttempt).where(OidcAttempt.created_at < now - timedelta(days=1))
                       .execution_options(synchronize_session=False))
    request = oidc.authorization_request(
        provider, login_hint=user.email if user else "", fresh=purpose == "reauth")
    db.session.add(OidcAttempt(provider_id=provider.id, state_hash=oidc.state_hash(request.state),
                               nonce=request.nonce, code_verifier=request.code_verifier,
                               purpose=purpose, user_id=user.id if user else None,
                               next_path=next_path[:500], created_at=now))
    db.session.flush()
    return request.url, request.state


def spend(state: str) -> OidcAttempt | None:
    """The attempt for ``state``, marked used: None when unknown, used or too old."""
    now = utcnow()
    attempt = db.session.execute(db.select(OidcAttempt).where(
        OidcAttempt.state_hash == oidc.state_hash(state))).scalar_one_or_none()
    if attempt is None:
        return None
    spent = db.session.execute(
        update(OidcAttempt).where(OidcAttempt.id == attempt.id, OidcAttempt.used_at.is_(None),
                                  OidcAttempt.created_at > now - ATTEMPT_VALID_FOR)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    return attempt if spent == 1 else None


def match_user(provider: OidcProvider, claims: dict) -> User:
    """The active user of the provider's organization these claims name; binds the subject
    on first use. OidcError (with a plain message) when there is none."""
    subject = str(claims["sub"])
    identity = db.session.execute(db.select(OidcIdentity).where(
        OidcIdentity.issuer == provider.issuer, OidcIdentity.subject == subject)
    ).scalar_one_or_none()
    if identity is not None:
        user = db.session.get(User, identity.user_id)
    else:
        email = oidc.verified_email(claims)
        if email is None:
            raise oidc.OidcError("email_not_verified", UNVERIFIED)
        if not provider.covers(email):
            raise oidc.OidcError("domain_not_covered", UNKNOWN)
        user = find_user_by_email(email)
        if user is None or user.organization_id != provider.organization_id:
            raise oidc.OidcError("unknown_user", UNKNOWN)
        identity = db.session.execute(db.select(OidcIdentity).where(
            OidcIdentity.user_id == user.id)).scalar_one_or_none()
        if identity is not None and identity.issuer == provider.issuer:
            # Bound to another subject of this same provider: a reassigned address.
            raise oidc.OidcError("email_bound_to_other_subject", UNKNOWN)
        if identity is None:
            identity = OidcIdentity(user_id=user.id, organization_id=user.organization_id)
            db.session.add(identity)
        identity.issuer, identity.subject = provider.issuer, subject  # (re)bound
    if user is None or user.organization_id != provider.organization_id:
        raise oidc.OidcError("unknown_user", UNKNOWN)
    if not user.active:
        raise oidc.OidcError("user_inactive", UNKNOWN)
    identity.last_used_at = utcnow()
    db.session.flush()
    return user


def bound_subject(user: User, provider: OidcProvider) -> str | None:
    identity = db.session.execute(db.select(OidcIdentity).where(
        OidcIdentity.user_id == user.id, OidcIdentity.issuer == provider.issuer)
    ).scalar_one_or_none()
    return identity.subject if identity else None
