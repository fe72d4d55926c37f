"""The database: the declarative base, the ``db`` extension object, the UTC time helper
and the SQLite connection settings."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

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
        statement = _begin_statement()
        if statement != "BEGIN IMMEDIATE":
            conn.exec_driver_sql(statement)
            return
        _take_writers_lock(conn)
        try:
            _begin_immediate(conn)
        except BaseException:
            _release_writers_lock(conn)
            raise


def _begin_immediate(conn) -> None:
    """BEGIN IMMEDIATE, tried again for the busy timeout when SQLite answers "locked"
    without waiting itself: right after a writer was killed, its locks on the database
    may outlive its writers' lock by a moment, and a recovery may be running."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)


# --- SQLite writers wait in the kernel, not in SQLite's busy loop ---------------------
#
# A writer that finds SQLite's write lock taken sleeps in SQLite's busy handler for 1, 2,
# 5, 10, ... ms before it looks again, even when the lock was freed a few microseconds
# later; with every page view writing its record of access, the workers spent a third of
# their time asleep. So a writer first takes an exclusive flock() on a file beside the
# database (one open file per connection, so threads of one process exclude each other
# too): the kernel wakes the next writer the moment the lock is let go. It is let go
# when the transaction ends (commit or rollback), and by the kernel when a process dies
# (kill -9 included). SQLite's own lock and busy timeout stay underneath, unchanged.

_LOCK_FD = "facilitator_writers_lock_fd"
_LOCK_HELD = "facilitator_writers_lock_held"


def _writers_lock_path(conn) -> str | None:
    database = conn.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + ".writers"


def _take_writers_lock(conn) -> None:
    info = conn.connection.info  # the pooled DBAPI connection's own
    if info.get(_LOCK_HELD):
        return
    fd = info.get(_LOCK_FD)
    if fd is None:
        path = _writers_lock_path(conn)
        if path is None:
            return
        fd = info[_LOCK_FD] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    info[_LOCK_HELD] = True


def _release_writers_lock(conn) -> None:
    info = conn.connection.info
    if info.pop(_LOCK_HELD, False):
        fcntl.flock(info[_LOCK_FD], fcntl.LOCK_UN)


@event.listens_for(Engine, "commit")
def _sqlite_commit(conn) -> None:
    if conn.dialect.name == "sqlite":
        _release_writers_lock(conn)


@event.listens_for(Engine, "rollback")
def _sqlite_rollback(conn) -> None:
    if conn.dialect.name == "sqlite":
        _release_writers_lock(conn)


@event.listens_for(Pool, "checkin")
def _writers_lock_checkin(dbapi_connection, connection_record) -> None:
    """A connection back in the pool holds no lock, whatever ended its transaction."""
    if connection_record is not None and connection_record.info.pop(_LOCK_HELD, False):
        fcntl.flock(connection_record.info[_LOCK_FD], fcntl.LOCK_UN)


@event.listens_for(Pool, "close")
def _writers_lock_close(dbapi_connection, connection_record) -> None:
    fd = connection_record.info.pop(_LOCK_FD, None) if connection_record is not None else None
    if fd is not None:
        connection_record.info.pop(_LOCK_HELD, None)
        os.close(fd)


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
