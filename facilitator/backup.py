"""`flask backup PATH` and `flask restore PATH`: the database and the uploaded files.

A backup is a folder: ``database.sqlite3`` (SQLite's online backup API, a consistent
copy taken while the app runs; never a file copy, which would miss the -wal file) or
``database.dump`` (pg_dump, custom format), ``storage.tar`` (the STORAGE_DIR folder,
taken after the database so every document the copy names is in it), and
``manifest.json`` (engine, schema revision, sha256 of each file). It is written under
a temporary name and renamed when complete. A restore checks everything first (the
checksums, SQLite's integrity_check or pg_restore --list, the schema revision against
this code's migrations, the archive's member names) and changes nothing when a check
fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from glob import glob
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

FORMAT = 1
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
STORAGE_TAR = "storage.tar"
MANIFEST = "manifest.json"


class BackupError(click.ClickException):
    """A backup or restore refused, with a sentence saying why."""


# --- helpers ------------------------------------------------------------------------


def code_head() -> str:
    """The schema revision this code's migrations end at."""
    from alembic.script import ScriptDirectory

    root = Path(__file__).resolve().parent.parent  # as create_app() finds the migrations
    heads = ScriptDirectory(str(root / "migrations")).get_heads()
    if len(heads) != 1:
        raise BackupError(f"The migrations have {len(heads)} heads; merge them first.")
    return heads[0]


def _url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _engine_name(url: URL) -> str:
    name = url.get_backend_name()
    if name not in DB_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, else the newest /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"),
                        key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    if not candidates:
        raise BackupError(f"{name} is not installed (install the postgresql-client package).")
    return candidates[-1]


def _pg_args(url: URL) -> tuple[list[str], dict]:
    """Connection options for the PostgreSQL tools; the password goes in the environment."""
    args = ["--dbname", url.set(drivername="postgresql", password=None)
            .render_as_string(hide_password=False)]
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(cmd: list[str], env: dict, what: str) -> subprocess.CompletedProcess:
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603
    if run.returncode != 0:
        raise BackupError(f"{what} failed: {run.stderr.strip()[-500:]}")
    return run


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path, journal: str | None = None) -> None:
    """Copy a live SQLite database page by page through the backup API."""
    src = sqlite3.connect(source, timeout=15)
    dst = sqlite3.connect(target, timeout=15)
    try:
        src.backup(dst)
        if journal:  # a backup file is one self-contained file, without -wal or -shm
            dst.execute(f"PRAGMA journal_mode={journal}")
    finally:
        dst.close()
        src.close()


def _sqlite_revision(path: Path) -> str | None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def _pg_revision(dump: Path) -> str | None:
    run = _run([pg_tool("pg_restore"), "--data-only", "--table", "alembic_version",
                "--file", "-", str(dump)], dict(os.environ), "Reading the dump")
    lines = run.stdout.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return None if value == "\\." else value
    return None


# --- backup ---------------------------------------------------------------------------


def make_backup(target: Path) -> dict:
    """Write a complete backup folder at ``target``; return its manifest."""
    url = _url()
    engine = _engine_name(url)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.partial-"))
    try:
        db_file = work / DB_FILES[engine]
        if engine == "sqlite":
            _sqlite_copy(_sqlite_path(url), db_file, journal="DELETE")
            revision = _sqlite_revision(db_file)
        else:
            args, env = _pg_args(url)
            _run([pg_tool("pg_dump"), "--format", "custom", "--no-owner", "--no-privileges",
                  "--file", str(db_file), *args], env, "pg_dump")
            revision = _pg_revision(db_file)
        storage = Path(current_app.config["STORAGE_DIR"])
        with tarfile.open(work / STORAGE_TAR, "w") as tar:
            if storage.is_dir():
                for entry in sorted(storage.iterdir()):
                    if entry.name != "tmp":  # packet builds in progress
                        tar.add(entry, arcname=entry.name)
        manifest = {
            "format": FORMAT, "engine": engine, "schema_revision": revision,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {p.name: _sha256(p) for p in (db_file, work / STORAGE_TAR)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


# --- restore --------------------------------------------------------------------------


def check_backup(source: Path) -> dict:
    """Every check a restore makes before it changes anything; the manifest if all pass."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} is not a Facilitator backup (no readable "
                          f"{MANIFEST}: {exc}).") from None
    engine = _engine_name(_url())
    if manifest.get("format") != FORMAT or manifest.get("engine") not in DB_FILES:
        raise BackupError(f"{source} has a backup format this version cannot read.")
    if manifest["engine"] != engine:
        raise BackupError(f"This backup is of a {manifest['engine']} database; the app uses "
                          f"{engine}. Restore it into a {manifest['engine']} database.")
    files = manifest.get("files") or {}
    for name in (DB_FILES[engine], STORAGE_TAR):
        path = source / name
        if name not in files or not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != files[name]:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum. "
                              "Nothing was changed.")
    db_file = source / DB_FILES[engine]
    if engine == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
            try:
                result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            finally:
                conn.close()
        except (sqlite3.Error, ValueError) as exc:  # damage can even break the message's UTF-8
            result = [str(exc) or type(exc).__name__]
        if result != ["ok"]:
            raise BackupError(f"The backup is damaged: integrity check says {result[0]}. "
                              "Nothing was changed.")
        revision = _sqlite_revision(db_file)
    else:
        _run([pg_tool("pg_restore"), "--list", str(db_file)], dict(os.environ),
             "The backup is damaged: pg_restore --list")
        revision = _pg_revision(db_file)
    head = code_head()
    if revision != head:
        raise BackupError(f"The backup's schema version is {revision or 'missing'}; this "
                          f"code expects {head}. Restore it with the version of Facilitator "
                          "that made it, then upgrade. Nothing was changed.")
    try:
        with tarfile.open(source / STORAGE_TAR) as tar:
            for member in tar.getmembers():
                tarfile.data_filter(member, "/restore-check")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"The backup's storage archive is damaged or unsafe: {exc}.") from None
    return manifest


def restore_backup(source: Path) -> dict:
    """Check the backup, then replace the database and the storage folder with it."""
    manifest = check_backup(source)
    url = _url()
    engine = manifest["engine"]
    db_file = source / DB_FILES[engine]
    if engine == "sqlite":
        live = _sqlite_path(url)
        live.parent.mkdir(parents=True, exist_ok=True)
        # Through the backup API into the live file: open connections see the new
        # pages, and the -wal file stays consistent with them.
        _sqlite_copy(db_file, live, journal="WAL")
    else:
        args, env = _pg_args(url)
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--no-privileges", "--single-transaction", "--exit-on-error", *args,
              str(db_file)], env, "pg_restore")
    _restore_storage(source / STORAGE_TAR, Path(current_app.config["STORAGE_DIR"]))
    return manifest


def _restore_storage(archive: Path, storage: Path) -> None:
    """Unpack next to the storage folder, then swap the folders."""
    storage.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(dir=storage.parent, prefix=f".{storage.name}.restore-"))
    with tarfile.open(archive) as tar:
        tar.extractall(fresh, filter="data")
    old = storage.with_name(f".{storage.name}.old-{os.getpid()}")
    if storage.exists():
        storage.rename(old)
    fresh.rename(storage)
    shutil.rmtree(old, ignore_errors=True)


# --- commands -------------------------------------------------------------------------


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the database and the uploaded files into a new folder PATH, while the app runs."""
    manifest = make_backup(path)
    click.echo(f"Backed up the {manifest['engine']} database (schema "
               f"{manifest['schema_revision']}) and the uploaded files to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--check", "check_only", is_flag=True, help="Only check the backup.")
@with_appcontext
def restore_command(path: Path, check_only: bool) -> None:
    """Check the backup in PATH, then replace the database and the uploaded files with it."""
    if check_only:
        manifest = check_backup(path)
        click.echo(f"The backup in {path} is complete and matches this code's schema.")
        return
    manifest = restore_backup(path)
    click.echo(f"Restored the {manifest['engine']} database and the uploaded files from "
               f"{path} (taken {manifest['created_at']}).")
