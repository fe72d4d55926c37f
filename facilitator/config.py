"""Configuration: defaults here, then instance/config.py, then the environment.

Environment variables: DATABASE_URL, SECRET_KEY (or FLASK_SECRET_KEY), STORAGE_DIR,
MAIL_* and REDIS_URL (see MAIL_AND_QUEUE_ENV),
and any FLASK_<NAME> setting (for example FLASK_SESSION_COOKIE_SECURE=true).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask


class Defaults:
    """Settings every deployment starts from."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # A meeting can run three hours: the CSRF token stays valid for the whole
    # session (it is still bound to it) instead of expiring after an hour.
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: None: on when PREFERRED_URL_SCHEME is https (set FLASK_SESSION_COOKIE_SECURE to decide).
    SESSION_COOKIE_SECURE: bool | None = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PREFERRED_URL_SCHEME = "http"
    #: Minutes without activity (autosave counts) after which a session signs out.
    FACILITATOR_IDLE_MINUTES = 30
    #: How long a "sign in again" (password re-entry) stays valid for sensitive steps.
    FACILITATOR_REAUTH_MINUTES = 5
    SESSION_COOKIE_NAME = "facilitator_session"
    PERMANENT_SESSION_LIFETIME = 12 * 60 * 60
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    #: Bad logins allowed from one address in LOGIN_FAILURE_WINDOW before 429.
    LOGIN_FAILURE_LIMIT = 10
    LOGIN_FAILURE_WINDOW = "5 minutes"
    #: Number of trusted reverse proxies in front of the app (X-Forwarded-For).
    PROXY_COUNT = 0
    PAGE_SIZE = 25
    #: Hours a family export's ZIP stays in the storage folder before it is deleted.
    FAMILY_EXPORT_HOURS = 24
    # Mail (see facilitator/notify): no MAIL_SERVER means messages stay in the outbox,
    # readable, marked "not sent - no mail server configured".
    MAIL_SERVER = ""
    MAIL_PORT = 0  # 0: 587 for starttls, 465 for tls, 25 for none
    MAIL_SECURITY = "starttls"  # starttls | tls | none
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "Facilitator <no-reply@facilitator.invalid>"
    MAIL_TIMEOUT = 30
    #: Werkzeug's password hash method: "scrypt" is n=2**15, r=8, p=1. (The test suite sets a
    #: lower work factor of the same algorithm: its thousand sign-ins are not an attack.)
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    #: The address people reach the app at; links in mail use it, never the request's Host.
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    # The task queue (facilitator/tasks.py): SQLite file by default, Redis when REDIS_URL is set.
    REDIS_URL = ""
    HUEY_FILE = ""  # default instance/huey.db
    HUEY_IMMEDIATE = False
    # Sign-in through an organization's OpenID Connect provider (facilitator/auth/oidc.py).
    #: Fernet key for the stored client secrets; empty: OIDC_SECRET_KEY or instance/oidc_secret_key.
    OIDC_SECRET_KEY = ""
    #: Seconds to wait for the provider (discovery, keys, token endpoint).
    OIDC_HTTP_TIMEOUT = 10
    #: Accept http:// issuers: for the tests' local provider only.
    OIDC_ALLOW_HTTP = False


def _secret_key(instance_path: Path) -> str:
    """The secret key from the environment, else one generated once into instance/."""
    for name in ("SECRET_KEY", "FLASK_SECRET_KEY"):
        if os.environ.get(name):
            return os.environ[name]
    path = instance_path / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


def _database_url(url: str) -> str:
    """Accept the common postgres:// spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


#: Read from plain environment variables as well as FLASK_<NAME>.
MAIL_AND_QUEUE_ENV = ("MAIL_SERVER", "MAIL_PORT", "MAIL_SECURITY", "MAIL_USERNAME",
                      "MAIL_PASSWORD", "MAIL_SENDER", "PUBLIC_BASE_URL", "REDIS_URL", "HUEY_FILE")


def configure(app: Flask, overrides: dict | None = None) -> None:
    """Load defaults, instance/config.py, the environment, then test overrides."""
    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.from_object(Defaults)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'facilitator.db'}"
    app.config["STORAGE_DIR"] = str(instance / "storage")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env()
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("STORAGE_DIR"):
        app.config["STORAGE_DIR"] = os.environ["STORAGE_DIR"]
    for name in MAIL_AND_QUEUE_ENV:
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    app.config["MAIL_PORT"] = int(app.config["MAIL_PORT"] or 0)
    if overrides:
        app.config.update(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if os.environ.get("SESSION_COOKIE_SECURE") and "SESSION_COOKIE_SECURE" not in (overrides or {}):
        app.config["SESSION_COOKIE_SECURE"] = os.environ["SESSION_COOKIE_SECURE"].lower() in (
            "1", "true", "yes", "on")
    if app.config["SESSION_COOKIE_SECURE"] is None:
        app.config["SESSION_COOKIE_SECURE"] = app.config["PREFERRED_URL_SCHEME"] == "https"
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance)
