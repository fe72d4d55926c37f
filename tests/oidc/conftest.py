"""Fixtures for sign-in through a real OpenID Connect provider (tests/oidc_provider.py)."""

from oidc_provider import configure, oidc_app, provider_jwk, start_provider  # noqa: F401
