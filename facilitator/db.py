"""The database: the declarative base, the ``db`` extension object, the UTC time helper
and the SQLite connection settings."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints keep Alembic's batch mode on SQLite able to drop and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: The Flask-SQLAlchemy extension (bound in create_app; re-exported by extensions.py).
db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """The current time in UTC, timezone-aware."""
    return datetime.now(UTC)


SQLITE_BUSY_TIMEOUT_MS = 15000


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    """WAL, a busy timeout and foreign keys for every SQLite connection."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # The busy timeout first: even switching to WAL may have to wait for a lock.
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Freed space is overwritten with zeros: an edited or destroyed child's record
    # leaves no old copy in the file (34 CFR 300.624; see facilitator/rights/destroy.py).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _begin_statement() -> str:
    """BEGIN IMMEDIATE for anything that may write; a plain BEGIN for page reads.

    A deferred BEGIN that reads and then writes fails at once with "database
    is locked" when another writer committed in between; IMMEDIATE takes the
    write lock up front and waits for it within the busy timeout. Reads (GET)
    stay deferred so that, with WAL, they never wait for writers.
    """
    from flask import current_app, g, has_app_context, has_request_context, request

    if has_app_context() and g.get("_db_writes"):
        return "BEGIN IMMEDIATE"
    if has_request_context():
        return "BEGIN" if request.method in SAFE_METHODS else "BEGIN IMMEDIATE"
    if has_app_context():
        return current_app.config.get("SQLITE_BEGIN_OUTSIDE_REQUESTS", "BEGIN IMMEDIATE")
    return "BEGIN IMMEDIATE"


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    """Begin SQLite transactions ourselves (see _begin_statement)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(_begin_statement())


def begin_write() -> None:
    """Call at the start of a GET view that writes (a recorded download, say), or of a
    background job's app context: its transactions then begin IMMEDIATE."""
    from flask import g

    g._db_writes = True
    if db.session().in_transaction():  # the session itself; the scoped proxy lacks it
        db.session.commit()  # end the read so the write transaction begins IMMEDIATE


def init_app(app) -> None:
    """A web request's session keeps what it read and wrote after its commit.

    With SQLAlchemy's default (expire_on_commit), reading an attribute after commit()
    loads the row again, and by then another worker may have changed it: a notes save
    was acknowledged with another editor's later version. A request commits once and
    its session ends with it, so nothing it keeps goes stale. CLI commands and
    background jobs, which commit in loops and read again, keep the default.
    """

    @app.before_request
    def _keep_state_after_commit() -> None:
        db.session().expire_on_commit = False
