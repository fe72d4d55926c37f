"""Sign-in through an organization's OpenID Connect provider: the settings, the people
bound to the provider's subject, and the sign-ins under way.

The client secret is kept encrypted (auth/oidc.py holds the key handling); a person is
matched once by verified e-mail and then by the provider's subject id.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import utcnow
from ..extensions import db
from .models import Organization


class OidcProvider(db.Model):
    """An organization's OpenID Connect provider (Google Workspace, Microsoft Entra ID, ...)."""

    __tablename__ = "oidc_providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    #: What the sign-in button says after "Sign in with", e.g. "Riverside Google account".
    display_name: Mapped[str] = mapped_column(String(80))
    #: The issuer URL; its /.well-known/openid-configuration must name the same issuer.
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(300))
    #: The client secret, Fernet-encrypted with the instance key (never the plain secret).
    secret_encrypted: Mapped[str] = mapped_column(Text, default="")
    #: E-mail domains this provider vouches for, lower-case, comma-separated.
    domains: Mapped[str] = mapped_column(String(1000), default="")
    #: Off: the button is hidden and the provider is not used.
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: On: nobody of the organization signs in or resets with a password.
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    organization: Mapped[Organization] = relationship()

    @property
    def domain_list(self) -> list[str]:
        return [d for d in (self.domains or "").split(",") if d]

    def covers(self, email: str) -> bool:
        """Whether ``email``'s domain is one this provider vouches for."""
        return email.rpartition("@")[2].lower() in self.domain_list


class OidcIdentity(db.Model):
    """A user bound to a provider's subject id: a later change of address keeps the person."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(300))
    #: The provider's "sub" claim: stable for the person at that issuer.
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OidcAttempt(db.Model):
    """One trip to the provider: spent once, by the browser that started it, within minutes."""

    __tablename__ = "oidc_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("oidc_providers.id", ondelete="CASCADE"),
                                             index=True)
    #: SHA-256 of the "state" sent to the provider.
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(100))
    #: PKCE: kept here, only its S256 hash goes out.
    code_verifier: Mapped[str] = mapped_column(String(128))
    #: "login", or "reauth" (sign in again before an export or a destruction).
    purpose: Mapped[str] = mapped_column(String(10), default="login")
    #: For "reauth": who must come back.
    user_id: Mapped[int | None] = mapped_column(Integer)
    next_path: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
