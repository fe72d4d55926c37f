"""The soak's databases (scripts/soak.py): the places it runs in, the flask commands it
runs, and what it checks afterwards (acknowledged saves against the stored versions,
characters lost, integrity: SQLite's integrity_check, PostgreSQL's amcheck)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from soak_people import HANG, Ack  # beside this file

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run_flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    run = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=HANG)
    if check and run.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{run.stdout}{run.stderr}")
    return run


def _engine(url: str):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1),
                         poolclass=NullPool)


def query_rows(url: str, sql: str, **params) -> list[tuple]:
    from sqlalchemy import text

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def stored_versions(url: str) -> dict[tuple[int, int], str]:
    return {(m, v): body for m, v, body in query_rows(url, """
        SELECT n.meeting_id, v.version, v.body FROM meeting_note_versions v
        JOIN meeting_notes n ON n.id = v.note_id""")}


def characters_lost(acks: list[Ack], versions: dict[tuple[int, int], str],
                    finals: dict[int, str]) -> int:
    """Characters of acknowledged typing found neither in the final notes nor in a kept
    version of the same meeting."""
    kept: dict[int, list[str]] = {}
    for (m, _), body in versions.items():
        kept.setdefault(m, []).append(body)
    return sum(len(a.inserted) for a in acks if a.inserted
               and a.inserted not in finals.get(a.meeting_id, "")
               and not any(a.inserted in body for body in kept.get(a.meeting_id, ())))


def check_acks(acks: list[Ack], versions: dict[tuple[int, int], str]) -> tuple[int, int]:
    """(mis-acknowledged, lost): an ack whose version holds other text; a text not kept."""
    kept = {(m, body) for (m, _), body in versions.items()}
    wrong = sum(1 for a in acks if versions.get((a.meeting_id, a.version)) != a.body)
    lost = sum(1 for a in acks if (a.meeting_id, a.body) not in kept)
    return wrong, lost


def integrity(url: str) -> str:
    """'ok', or what is wrong: SQLite's integrity_check; on PostgreSQL amcheck and sanity."""
    problems = []
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1]
        conn = sqlite3.connect(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            problems += [] if result == ["ok"] else result[:5]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
            problems += [f"foreign key: {row}" for row in fk[:5]]
        finally:
            conn.close()
    else:
        from sqlalchemy import text

        engine = _engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS amcheck"))
                indexes = conn.execute(text("""
                    SELECT c.oid::regclass::text FROM pg_index i
                    JOIN pg_class c ON c.oid = i.indexrelid
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    JOIN pg_am a ON a.oid = c.relam
                    WHERE n.nspname = 'public' AND a.amname = 'btree'""")).scalars().all()
                for name in indexes:
                    conn.execute(text("SELECT bt_index_check(CAST(:n AS regclass), true)"),
                                 {"n": name})
        except Exception as exc:  # noqa: BLE001 - reported, and the run fails
            problems.append(f"amcheck: {exc}")
        finally:
            engine.dispose()
    # Both engines: each note's text is its newest version, and no version is missing.
    for meeting_id, version, count, newest_matches in query_rows(url, """
            SELECT n.meeting_id, n.version, COUNT(v.id),
                   SUM(CASE WHEN v.version = n.version AND v.body = n.body THEN 1 ELSE 0 END)
            FROM meeting_notes n LEFT JOIN meeting_note_versions v ON v.note_id = n.id
            GROUP BY n.id, n.meeting_id, n.version"""):
        if version and (count != version or newest_matches != 1):
            problems.append(f"meeting {meeting_id}: version {version}, {count} versions kept")
    return "ok" if not problems else "; ".join(str(p) for p in problems)


class Place:
    """A fresh database and storage folder: a temporary SQLite file, or a new PostgreSQL
    database in the cluster that admin_url names."""

    def __init__(self, engine: str, tmp: Path, name: str, admin_url: str | None):
        self.engine, self.admin_url, self.name = engine, admin_url, name
        self.storage = tmp / f"{name}-storage"
        if engine == "sqlite":
            self.url = f"sqlite:///{tmp / (name + '.db')}"
        else:
            from sqlalchemy import text

            self.db = f"soak_{os.getpid()}_{name}"
            admin = _engine(admin_url)
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db}"'))
                conn.execute(text(f'CREATE DATABASE "{self.db}"'))
            admin.dispose()
            base, _, _ = admin_url.rpartition("/")
            self.url = f"{base}/{self.db}"

    def drop(self) -> None:
        if self.engine == "postgresql":
            from sqlalchemy import text

            admin = _engine(self.admin_url)
            with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)'))
            admin.dispose()


def app_env(place: Place) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=place.url, STORAGE_DIR=str(place.storage),
               HUEY_FILE=str(place.storage.parent / f"{place.storage.name}-huey.db"),
               SECRET_KEY="soak-secret-key-for-this-run-only", PYTHONUNBUFFERED="1")
    if not os.environ.get("SOAK_LIBREOFFICE"):
        env["FLASK_PACKETS_DISABLE_LIBREOFFICE"] = "true"
    return env
