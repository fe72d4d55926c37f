"""Organizations (the tenants) and the people who sign in to them."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary


def hash_method() -> str:
    """The configured password hash method (PASSWORD_HASH_METHOD), scrypt by default."""
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if has_app_context() \
        else "scrypt"

class OrgKind(Vocabulary):
    """What sort of organization a tenant is."""

    DISTRICT = "district", "School district (LEA)"
    ADVOCACY = "advocacy", "Advocacy organization"
    STATE = "state", "State agency (SEA)"
    PROVIDER = "provider", "Facilitation provider"


class Role(Vocabulary):
    """A user's one role within their organization."""

    ADMIN = "admin", "Admin"
    FACILITATOR = "facilitator", "Facilitator"
    ADVOCATE = "advocate", "Advocate"
    ANALYST = "analyst", "Analyst"
    #: A contracted facilitator or mediator of a state program: sees only the cases
    #: assigned to them, until each case closes (see access.py).
    NEUTRAL = "neutral", "Neutral (contracted facilitator or mediator)"


class Organization(db.Model):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Short unique name used on the command line and in imports.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: district (LEA), advocacy organization, state agency (SEA) or facilitation provider.
    kind: Mapped[str] = mapped_column(String(20))
    #: Days before a meeting that participants get a reminder, e.g. "7,1"; empty: none.
    reminder_days: Mapped[str] = mapped_column(String(40), default="7,1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")

    @property
    def kind_label(self) -> str:
        return OrgKind(self.kind).label

    @property
    def reminder_day_list(self) -> list[int]:
        """The reminder days as numbers, largest first."""
        days = {int(d) for d in (self.reminder_days or "").replace(" ", "").split(",")
                if d.isdigit() and 0 < int(d) <= 60}
        return sorted(days, reverse=True)


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Stored lower-case; unique across all organizations because it is the login.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    #: Job title shown on the staff access list (34 CFR 300.623(d)), e.g. "School psychologist".
    position: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    #: admin, facilitator, advocate or analyst.
    role: Mapped[str] = mapped_column(String(20))
    #: Deactivated users cannot sign in and lose their sessions.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Part of every session cookie; changing it ends all of the user's sessions.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    organization: Mapped[Organization] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:  # used by Flask-Login
        return self.active

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def get_id(self) -> str:
        """The session identity: id and the revocable token together."""
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=hash_method())
        self.revoke_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def revoke_sessions(self) -> None:
        """End every session this user has, on every device."""
        self.session_token = new_session_token()
