"""Shared fixtures: the app on SQLite (or TEST_DATABASE_URL), a client, a CLI runner,
a sign-in helper that goes through the real form with CSRF on, and factories."""

from __future__ import annotations

import contextvars
import os
import threading
import time
from collections.abc import Iterator

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from helpers import PASSWORD, sign_in
from hypothesis import HealthCheck, settings
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from facilitator import create_app, queue
from facilitator.auth.models import Organization, User
from facilitator.auth.services import create_organization, create_user
from facilitator.extensions import db

# Hypothesis's clocks (a 200 ms deadline per example, a "too slow" health check on data
# generation) make a property fail on a busy machine: no test depends on speed.
settings.register_profile("any-speed", deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("any-speed")

#: scrypt with n=2**10 instead of 2**15 (same algorithm and code path, less work).
TEST_HASH_METHOD = "scrypt:1024:8:1"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """One database per test run; tables are created once and emptied after each test."""
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory) -> Iterator[None]:
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("storage")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()
    yield
    with app.app_context():
        db.drop_all()
        db.session.remove()
        db.engine.dispose()


def _test_config(database_url: str, storage) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Engines are dropped between tests; NullPool leaves no connection behind.
        "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
        "RATELIMIT_STORAGE_URI": "memory://",
        "STORAGE_DIR": str(storage),
        "SERVER_NAME": None,
        # The test holds a session open between requests: let it read without
        # taking SQLite's write lock (requests still write with BEGIN IMMEDIATE).
        "SQLITE_BEGIN_OUTSIDE_REQUESTS": "BEGIN",
        # Queue tasks run at once, in their own app context (tests/notify starts real workers).
        "HUEY_IMMEDIATE": True,
        # The same scrypt at 1/32 of the work: a thousand sign-ins took minutes of the suite.
        # (tests/auth/test_security.py checks the production default stays at full strength.)
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
    }


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own context, as in production.

    The test itself holds an app context (for factories and queries); without
    this, every request would share that context's ``g`` and database session.
    """

    def open(self, *args, **kwargs):
        # The test's own transaction ends first, as a finished request's would.
        # (A followed redirect calls open() again from inside the request's context.)
        if has_app_context():
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture()
def app(_schema, database_url, tmp_path):
    """A fresh app on the shared test database; every row is deleted afterwards."""
    application = create_app(_test_config(database_url, tmp_path / "storage"))
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
        from facilitator.audit.models import AccessEntry, reset_whole_database

        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                if table is AccessEntry.__table__:
                    reset_whole_database(conn)  # its guards refuse a plain DELETE
                else:
                    conn.execute(table.delete())
        db.engine.dispose()


class _StoppedClock:
    """The ``time`` module as the rate limiter sees it, with its clock stopped."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def __getattr__(self, name: str):
        return getattr(time, name)


@pytest.fixture()
def limiter_clock(monkeypatch):
    """Rate-limit windows that do not end while a busy machine sends a test's requests
    (the 31st request in a minute is refused, however long the 31 take to send)."""
    import limits.storage.memory

    monkeypatch.setattr(limits.storage.memory, "time", _StoppedClock(time.time()))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def make_org(app):
    """Factory: make_org("riverside", kind="district") -> Organization."""
    counter = iter(range(1, 10_000))

    def factory(slug: str | None = None, kind: str = "district", name: str | None = None):
        slug = slug or f"org-{next(counter)}"
        org = create_organization(slug, name or slug.replace("-", " ").title(), kind)
        db.session.commit()
        return org

    return factory


@pytest.fixture()
def make_user(app, make_org):
    """Factory: make_user(role="facilitator", org=None, email=None) -> User."""
    counter = iter(range(1, 10_000))

    def factory(role: str = "facilitator", org: Organization | None = None,
                email: str | None = None, password: str = PASSWORD, name: str = "") -> User:
        org = org or make_org()
        email = email or f"{role}{next(counter)}@{org.slug}.example"
        user = create_user(org, email, role, password, name=name or email.split("@")[0])
        db.session.commit()
        return user

    return factory


@pytest.fixture()
def signed_in(client, make_user):
    """Factory: signed_in(role="facilitator", org=None) -> the signed-in User."""

    def factory(role: str = "facilitator", org: Organization | None = None, **kw) -> User:
        user = make_user(role=role, org=org, **kw)
        response = sign_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return factory


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture()
def live_server(app) -> Iterator[LiveServer]:
    """The app served over real HTTP on a free local port, for the browser tests."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture()
def real_queue(app, tmp_path):
    """Tasks go through Huey's SQLite file (not run at once); drain() runs what is queued."""
    app.config.update(HUEY_IMMEDIATE=False, HUEY_FILE=str(tmp_path / "huey.db"))
    queue.init_app(app)

    def drain() -> int:
        ran = 0
        with app.app_context():
            while (task := queue.huey.dequeue()) is not None:
                queue.huey.execute(task)
                ran += 1
        return ran

    yield drain
    app.config.update(HUEY_IMMEDIATE=True, HUEY_FILE=None)
    queue.init_app(app)


@pytest.fixture()
def smtp(app):
    """A running SMTP server (aiosmtpd) the app is configured to use (no TLS)."""
    from mailtest import SmtpServer, use_server

    server = SmtpServer().start()
    use_server(app, server.port)
    yield server
    server.stop()
