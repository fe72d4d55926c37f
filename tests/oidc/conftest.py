"""Fixtures for sign-in through a real OpenID Connect provider (tests/oidc_provider.py)."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from oidc_provider import APP_BASE, CLIENT_ID, CLIENT_SECRET, Provider, missing, new_jwk

from facilitator.auth import oidc
from facilitator.auth.oidc_models import OidcProvider
from facilitator.extensions import db


@pytest.fixture(scope="session")
def provider_jwk():
    return new_jwk()


@pytest.fixture()
def start_provider(tmp_path, provider_jwk):
    """Factory: start_provider(redirect_uris=None, clock_offset=0, id_token_ttl=3600)."""
    if reason := missing():
        pytest.skip(reason)
    started: list[Provider] = []

    def factory(redirect_uris: list[str] | None = None, **options) -> Provider:
        workdir = tmp_path / f"provider-{len(started)}"
        workdir.mkdir()
        p = Provider(workdir, provider_jwk,
                     redirect_uris or [f"{APP_BASE}/login/oidc/callback"], **options)
        started.append(p)
        return p

    yield factory
    for p in started:
        p.stop()


@pytest.fixture()
def oidc_app(app):
    """The app set up for a provider on plain http://127.0.0.1 (test only)."""
    app.config.update(PUBLIC_BASE_URL=APP_BASE, OIDC_ALLOW_HTTP=True,
                      OIDC_SECRET_KEY=Fernet.generate_key().decode())
    oidc._cache.clear()  # a provider of an earlier test may have had the same port
    yield app
    oidc._cache.clear()


@pytest.fixture()
def configure(oidc_app):
    """Factory: configure(org, provider, domains=..., required=False) -> OidcProvider."""

    def factory(org, provider: Provider, domains: str = "", required: bool = False,
                client_id: str = CLIENT_ID) -> OidcProvider:
        settings = OidcProvider(
            organization_id=org.id, display_name=f"{org.name} Google", issuer=provider.issuer,
            client_id=client_id, secret_encrypted=oidc.encrypt_secret(CLIENT_SECRET),
            domains=domains or f"{org.slug}.example", enabled=True, required=required)
        db.session.add(settings)
        db.session.commit()
        return settings

    return factory
