"""OpenID Connect, the protocol side: the client secret's encryption, discovery, the
authorization request (code flow, PKCE S256, state, nonce) and the ID token checks.

Authlib's OAuth2Session builds the request and redeems the code; joserfc (Authlib's JOSE
library) checks the ID token: signature against the provider's JWKS, issuer, audience
(and azp), expiry, issue time, nonce, and for "sign in again" the time of the sign-in.
Nothing here logs or returns a token.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError, MissingClaimError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from .oidc_models import OidcProvider

SCOPES = "openid email profile"
#: Asymmetric signatures only: "none" and shared-secret HMAC are never accepted.
SIGNING_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                "ES512", "EdDSA")
CACHE_SECONDS = 3600
#: A JWKS is fetched again for an unknown key id at most this often (key rotation).
JWKS_REFRESH_SECONDS = 60
LEEWAY_SECONDS = 60

_cache: dict[str, tuple[float, dict]] = {}
_cache_lock = threading.Lock()


class OidcError(Exception):
    """A sign-in through the provider failed: ``reason`` is logged, ``message`` shown."""

    def __init__(self, reason: str, message: str):
        super().__init__(reason)
        self.reason = reason
        self.message = message


UNREACHABLE = ("The sign-in service of your organization did not answer. Try again in a "
               "few minutes; if it keeps failing, tell your organization's admin.")
UNTRUSTED = ("The sign-in service's answer could not be trusted, so you are not signed "
                 "in. Try again; if it keeps failing, tell your organization's admin.")


# --- the client secret: encrypted with the instance key, never stored plain ---------


def _fernet() -> Fernet:
    key = current_app.config.get("OIDC_SECRET_KEY") or os.environ.get("OIDC_SECRET_KEY")
    if not key:
        path = Path(current_app.instance_path) / "oidc_secret_key"
        if not path.exists():
            # Written aside, then linked into place: a second worker starting at the same
            # moment never reads a half-written key, and the first key made wins.
            spare = path.with_name(f".oidc_secret_key.{os.getpid()}.{secrets.token_hex(4)}")
            fd = os.open(spare, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(Fernet.generate_key().decode())
            try:
                os.link(spare, path)
            except FileExistsError:
                pass
            finally:
                spare.unlink()
        key = path.read_text().strip()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def env_secret_name(org_slug: str) -> str:
    """The environment variable that, when set, holds this organization's client secret."""
    return "OIDC_CLIENT_SECRET_" + re.sub(r"[^A-Z0-9]", "_", org_slug.upper())


def env_secret(org_slug: str) -> str:
    return os.environ.get(env_secret_name(org_slug), "")


def client_secret(provider: OidcProvider) -> str:
    """The secret from the environment if set there, else the stored one decrypted."""
    from_env = env_secret(provider.organization.slug)
    if from_env:
        return from_env
    if not provider.secret_encrypted:
        return ""
    try:
        return _fernet().decrypt(provider.secret_encrypted.encode()).decode()
    except InvalidToken as exc:
        raise OidcError("secret_undecryptable", UNREACHABLE) from exc


# --- discovery and keys ---------------------------------------------------------------


def issuer_problem(issuer: str) -> str | None:
    """Why ``issuer`` cannot be an issuer URL, or None."""
    parts = urlsplit(issuer)
    allowed = ("https", "http") if current_app.config.get("OIDC_ALLOW_HTTP") else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        return "Enter the issuer as an https:// address, e.g. https://accounts.google.com."
    if parts.query or parts.fragment or parts.username or parts.password:
        return "The issuer address has no query, fragment or user name."
    return None


def _get_json(url: str) -> dict:
    if issuer_problem(url):
        raise OidcError("bad_url", UNREACHABLE)
    try:
        response = requests.get(url, timeout=current_app.config.get("OIDC_HTTP_TIMEOUT", 10),
                                allow_redirects=False)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise OidcError(f"unreachable {type(exc).__name__}", UNREACHABLE) from exc
    if not isinstance(data, dict):
        raise OidcError("not_json_object", UNREACHABLE)
    return data


def _cached(url: str, max_age: float = CACHE_SECONDS) -> dict:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(url)
    if hit and now - hit[0] < max_age:
        return hit[1]
    data = _get_json(url)
    with _cache_lock:
        _cache[url] = (now, data)
    return data


def discover(issuer: str) -> dict:
    """The provider's metadata; its issuer must be exactly the configured one."""
    meta = _cached(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if meta.get("issuer") != issuer:
        raise OidcError("issuer_mismatch_in_discovery", UNREACHABLE)
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(meta.get(name), str) or issuer_problem(meta[name]):
            # (https only: the token endpoint gets the client secret and the code)
            raise OidcError(f"discovery_bad_{name}", UNREACHABLE)
    return meta


def _keys(meta: dict, kid: str | None) -> KeySet:
    url = meta["jwks_uri"]
    data = _cached(url)
    known = {k.get("kid") for k in data.get("keys", []) if isinstance(k, dict)}
    if kid is not None and kid not in known:
        data = _cached(url, max_age=JWKS_REFRESH_SECONDS)  # a rotated key
    try:
        return KeySet.import_key_set(data)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError) as exc:
        raise OidcError("bad_jwks", UNREACHABLE) from exc


# --- the authorization request and the answer -----------------------------------------


@dataclass
class Request:
    url: str
    state: str
    nonce: str
    code_verifier: str


def redirect_uri() -> str:
    """The one callback address to register with every provider."""
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/login/oidc/callback"


def _session(provider: OidcProvider, secret: str = "") -> OAuth2Session:
    return OAuth2Session(provider.client_id, secret, scope=SCOPES,
                         redirect_uri=redirect_uri(), code_challenge_method="S256",
                         token_endpoint_auth_method="client_secret_basic",  # noqa: S106
                         default_timeout=current_app.config.get("OIDC_HTTP_TIMEOUT", 10))


def authorization_request(provider: OidcProvider, *, login_hint: str = "",
                          fresh: bool = False) -> Request:
    """Where to send the browser: a new state, nonce and PKCE verifier each time.
    ``fresh`` asks the provider to have the person sign in again (prompt=login, max_age=0)."""
    meta = discover(provider.issuer)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    extra: dict = {"nonce": nonce}
    if login_hint:
        extra["login_hint"] = login_hint
    if fresh:
        extra.update(prompt="login", max_age=0)
    with _session(provider) as client:
        url, _ = client.create_authorization_url(meta["authorization_endpoint"], state=state,
                                                 code_verifier=verifier, **extra)
    return Request(url, state, nonce, verifier)


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def redeem(provider: OidcProvider, code: str, code_verifier: str) -> str:
    """Trade the code (with the PKCE verifier) for the ID token, at the token endpoint."""
    meta = discover(provider.issuer)
    try:
        with _session(provider, client_secret(provider)) as client:
            token = client.fetch_token(meta["token_endpoint"], grant_type="authorization_code",
                                       code=code, code_verifier=code_verifier)
    except OidcError:
        raise
    except Exception as exc:  # Authlib's OAuthError, requests' errors, a bad body
        error = getattr(exc, "error", None) or type(exc).__name__
        raise OidcError(f"token_endpoint {str(error)[:60]}", UNREACHABLE) from exc
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("no_id_token", UNTRUSTED)
    return id_token


def verify_id_token(provider: OidcProvider, id_token: str, nonce: str, *,
                    signed_in_after: int | None = None) -> dict:
    """The ID token's claims, after every check; OidcError naming the first that failed."""
    meta = discover(provider.issuer)
    offered = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in offered if a in SIGNING_ALGS]
    try:
        header = extract_compact(id_token.encode()).headers()
    except (JoseError, ValueError):
        raise OidcError("id_token_malformed", UNTRUSTED) from None
    try:
        token = jwt.decode(id_token, _keys(meta, header.get("kid")), algorithms=algorithms)
    except JoseError as exc:
        raise OidcError(f"id_token_signature {type(exc).__name__}", UNTRUSTED) from exc
    except ValueError as exc:
        raise OidcError("id_token_malformed", UNTRUSTED) from exc
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": provider.issuer},
        aud={"essential": True, "value": provider.client_id},
        sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
        nonce={"essential": True, "value": nonce})
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise OidcError("id_token_expired", UNTRUSTED) from exc
    except (InvalidClaimError, MissingClaimError) as exc:
        raise OidcError(f"id_token_claim {getattr(exc, 'claim', '')}".strip(),
                        UNTRUSTED) from exc
    except JoseError as exc:
        raise OidcError(f"id_token_claims {type(exc).__name__}", UNTRUSTED) from exc
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audience) > 1 and claims.get("azp") != provider.client_id:
        raise OidcError("id_token_claim azp", UNTRUSTED)
    if not isinstance(claims["iat"], int) or claims["iat"] > time.time() + LEEWAY_SECONDS:
        raise OidcError("id_token_claim iat", UNTRUSTED)
    if signed_in_after is not None:
        auth_time = claims.get("auth_time")
        if not isinstance(auth_time, int) or auth_time < signed_in_after - LEEWAY_SECONDS:
            raise OidcError("id_token_not_fresh", UNTRUSTED)
    return claims


def verified_email(claims: dict) -> str | None:
    """The address the provider vouches for: email_verified true (Microsoft Entra ID: the
    optional claim xms_edov, "domain owner verified"), else None."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        return None
    if claims.get("email_verified") is True or claims.get("xms_edov") is True:
        return email.strip().lower()
    return None
