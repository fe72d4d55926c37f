"""The database layer: SQLite settings, and migrations that match the models."""

import threading

import pytest
from sqlalchemy import create_engine, text

from facilitator.extensions import db


def test_sqlite_pragmas(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_concurrent_read_then_write_transactions_do_not_fail(app, make_org):
    """Writers that read first must wait for each other, not fail with 'locked'."""
    from facilitator.auth.models import Organization

    org_id = make_org("counter-org", name="0").id
    db.session.commit()
    app.config["SQLITE_BEGIN_OUTSIDE_REQUESTS"] = "BEGIN IMMEDIATE"  # as in the CLI
    errors: list[Exception] = []

    def bump():
        try:
            with app.app_context():
                for _ in range(10):
                    o = db.session.get(Organization, org_id)
                    o.name = str(int(o.name) + 1)
                    db.session.commit()
                db.session.remove()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    db.session.expire_all()
    if db.engine.dialect.name == "sqlite":
        # IMMEDIATE serializes read-modify-write: no update is lost.
        assert db.session.get(Organization, org_id).name == "40"


def test_migrations_build_the_same_schema_as_the_models(app, tmp_path):
    """`flask db upgrade` on an empty database leaves nothing for autogenerate to add."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'migrated.db'}"
    else:
        from sqlalchemy.pool import NullPool

        admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS facilitator_migrations"))
            conn.execute(text("CREATE DATABASE facilitator_migrations"))
        admin.dispose()
        target = url.rsplit("/", 1)[0] + "/facilitator_migrations"
    from sqlalchemy.pool import NullPool

    from facilitator import create_app

    migrated = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": target,
                           "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(
                conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == [], diff


def test_begin_write_makes_a_background_job_take_the_write_lock_up_front(app):
    from facilitator.db import _begin_statement, begin_write

    with app.app_context():  # a background job's own context, no request
        app.config["SQLITE_BEGIN_OUTSIDE_REQUESTS"] = "BEGIN"
        assert _begin_statement() == "BEGIN"
        begin_write()
        assert _begin_statement() == "BEGIN IMMEDIATE"
    with app.test_request_context("/", method="GET"):
        assert _begin_statement() == "BEGIN"
    with app.test_request_context("/", method="POST"):
        assert _begin_statement() == "BEGIN IMMEDIATE"


HOLDER = """
import sys, time
from sqlalchemy import create_engine, text
import facilitator.db  # the writers' lock and the BEGIN statements
engine = create_engine(sys.argv[1])
conn = engine.connect()
conn.begin()  # outside a request: BEGIN IMMEDIATE, after the writers' lock
conn.execute(text("UPDATE organizations SET name = name"))
print("holding", flush=True)
time.sleep(3600)
"""


def test_a_writer_waits_in_the_kernel_and_a_killed_holder_frees_the_lock(app, make_org):
    """A writer waits for the writers' lock held by another process, and goes on once that
    process is killed with SIGKILL (the kernel lets go of its lock)."""
    import os
    import signal
    import subprocess
    import sys

    from helpers import HANG

    from facilitator.auth.models import Organization

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    org_id = make_org("locked-org", name="before").id
    db.session.commit()
    app.config["SQLITE_BEGIN_OUTSIDE_REQUESTS"] = "BEGIN IMMEDIATE"  # a writer, as in the CLI
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(db.engine.url)],  # noqa: S603
                              stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        done = threading.Event()
        errors: list[Exception] = []

        def write():
            try:
                with app.app_context():
                    db.session.get(Organization, org_id).name = "after"
                    db.session.commit()
                    db.session.remove()
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            done.set()

        writer = threading.Thread(target=write)
        writer.start()
        assert not done.is_set()  # it cannot have written: the holder has the lock
        os.killpg(holder.pid, signal.SIGKILL)
        writer.join(HANG)
        assert done.is_set() and not errors, errors
    finally:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    db.session.expire_all()
    assert db.session.get(Organization, org_id).name == "after"
