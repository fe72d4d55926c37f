"""`flask backup` and `flask restore` on the engine under test (SQLite, or PostgreSQL via
TEST_DATABASE_URL): a real migrated database with the demo data and its stored files.
A backup taken under concurrent writes is restored by scripts/soak.py (make test)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from facilitator import create_app
from facilitator.backup import code_head


class Place:
    """A fresh database (a SQLite file, or a new database in the test cluster) + storage."""

    def __init__(self, database_url: str, tmp: Path):
        self.storage = tmp / f"storage-{uuid.uuid4().hex[:6]}"
        self.admin = None
        if database_url.startswith("sqlite"):
            self.url = f"sqlite:///{tmp / (uuid.uuid4().hex[:8] + '.db')}"
        else:
            self.admin = database_url
            self.name = f"backup_{uuid.uuid4().hex[:10]}"
            self._sql_admin(f'CREATE DATABASE "{self.name}"')
            self.url = make_url(database_url).set(database=self.name).render_as_string(
                hide_password=False)
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": self.url, "TESTING": True,
                               "SECRET_KEY": "test", "STORAGE_DIR": str(self.storage),
                               "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})

    def _sql_admin(self, sql: str) -> None:
        engine = create_engine(self.admin, poolclass=NullPool)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(sql))
        engine.dispose()

    def flask(self, *args: str):
        with self.app.app_context():  # as `flask` itself provides
            return self.app.test_cli_runner().invoke(args=list(args))

    def sql(self, statement: str, **params):
        engine = create_engine(self.url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return result.all() if result.returns_rows else None
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self.admin:
            self._sql_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture()
def places(database_url, tmp_path):
    """Factory: places(demo=True) -> a migrated Place, with the demo data if asked."""
    made: list[Place] = []

    def factory(demo: bool = True) -> Place:
        place = Place(database_url, tmp_path)
        made.append(place)
        result = place.flask("db", "upgrade")
        assert result.exit_code == 0, result.output
        if demo:
            result = place.flask("demo")
            assert result.exit_code == 0, result.output
        return place

    yield factory
    for place in made:
        place.drop()


def _notes(place: Place) -> list[tuple]:
    return place.sql("SELECT meeting_id, version, body FROM meeting_notes ORDER BY meeting_id")


def _stored_files(place: Place) -> dict[str, bytes]:
    return {str(p.relative_to(place.storage)): p.read_bytes()
            for p in sorted(place.storage.rglob("*")) if p.is_file()}


def test_backup_then_restore_brings_back_the_database_and_the_files(places, tmp_path):
    live = places()
    notes, files = _notes(live), _stored_files(live)
    assert notes and files  # the demo has notes and uploaded documents
    result = live.flask("backup", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["schema_revision"] == code_head()
    assert sorted(p.name for p in (tmp_path / "bk").iterdir()) == sorted(
        ["manifest.json", "storage.tar",
         "database.sqlite3" if live.url.startswith("sqlite") else "database.dump"])

    # Later changes, then the restore into the same (running) place undoes them.
    live.sql("UPDATE meeting_notes SET body = 'changed after the backup', version = version + 1")
    first = next(p for p in live.storage.rglob("*") if p.is_file())
    first.unlink()
    (live.storage / "added-after.txt").write_text("x")
    reader = None
    if live.url.startswith("sqlite"):  # a connection the running app holds open
        reader = sqlite3.connect(make_url(live.url).database)
        reader.execute("SELECT 1 FROM meeting_notes").fetchall()
    result = live.flask("restore", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert _notes(live) == notes
    assert _stored_files(live) == files
    if reader is not None:
        assert reader.execute("SELECT body FROM meeting_notes ORDER BY meeting_id"
                              ).fetchall() == [(n[2],) for n in notes]
        assert reader.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert reader.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        reader.close()

    # The same backup restores into an empty database elsewhere.
    other = places(demo=False)
    result = other.flask("restore", str(tmp_path / "bk"))
    assert result.exit_code == 0, result.output
    assert _notes(other) == notes and _stored_files(other) == files
    assert "already exists" in live.flask("backup", str(tmp_path / "bk")).output


def _rewrite_checksum(backup: Path, name: str) -> None:
    import hashlib

    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["files"][name] = hashlib.sha256((backup / name).read_bytes()).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))


def test_a_damaged_backup_is_refused_and_nothing_changes(places, tmp_path):
    live = places()
    assert live.flask("backup", str(tmp_path / "bk")).exit_code == 0
    live.sql("UPDATE meeting_notes SET body = 'kept'")
    db_name = "database.sqlite3" if live.url.startswith("sqlite") else "database.dump"
    copy = tmp_path / "bk" / db_name
    data = bytearray(copy.read_bytes())

    # A changed byte: the checksum no longer matches.
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    result = live.flask("restore", str(tmp_path / "bk"))
    assert result.exit_code != 0
    assert f"The backup is damaged: {db_name} does not match its checksum" in result.output

    # Damage the checksum cannot see (the manifest rewritten to match): the database
    # checks themselves refuse it.
    if db_name == "database.sqlite3":
        data[4096 * 2:4096 * 3] = b"\x0d" + b"\xee" * 4095  # a b-tree page overwritten
        expected = "The backup is damaged: integrity check says"
    else:
        data[:5] = b"XXXXX"  # the dump's header
        expected = "The backup is damaged: pg_restore --list failed"
    copy.write_bytes(bytes(data))
    _rewrite_checksum(tmp_path / "bk", db_name)
    result = live.flask("restore", str(tmp_path / "bk"))
    assert result.exit_code != 0
    assert expected in result.output, result.output

    # A damaged archive of the uploaded files, in an otherwise good backup.
    assert live.flask("backup", str(tmp_path / "bk2")).exit_code == 0
    (tmp_path / "bk2" / "storage.tar").write_bytes(b"not a tar file" * 100)
    _rewrite_checksum(tmp_path / "bk2", "storage.tar")
    result = live.flask("restore", str(tmp_path / "bk2"))
    assert result.exit_code != 0
    assert "The backup's storage archive is damaged or unsafe" in result.output, result.output

    (tmp_path / "notabackup").mkdir()
    result = live.flask("restore", str(tmp_path / "notabackup"))
    assert result.exit_code != 0 and "is not a Facilitator backup" in result.output
    assert {row[0] for row in live.sql("SELECT body FROM meeting_notes")} == {"kept"}


def test_a_backup_of_another_schema_version_is_refused(places, tmp_path):
    live = places()
    old = places(demo=False)
    old.sql("UPDATE alembic_version SET version_num = '0001'")
    assert old.flask("backup", str(tmp_path / "old")).exit_code == 0
    result = live.flask("restore", str(tmp_path / "old"))
    assert result.exit_code != 0
    assert (f"The backup's schema version is 0001; this code expects {code_head()}"
            in result.output), result.output
    assert live.sql("SELECT version_num FROM alembic_version") == [(code_head(),)]
    assert _notes(live)  # the demo data is untouched
