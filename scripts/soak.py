"""Soak test of the real server: gunicorn with 2 workers, 20 editors autosaving notes.

    python scripts/soak.py --engine sqlite
    bash scripts/with-postgres.sh python scripts/soak.py --engine postgres

On a fresh database (a temporary SQLite file, or a new database in the PostgreSQL
cluster that TEST_DATABASE_URL or DATABASE_URL points at) with the demo data, 20
editors (each signed in with its own session and CSRF token) autosave the notes of
the demo meetings for SOAK_SECONDS (default 180), each typing mostly into its own
paragraph (one save in ten into a paragraph all share), keeping its own base
version, taking the server's automatic merge and re-basing after a 409 as the
browser does, while an advocate builds a packet
and an analyst loads the dashboard. Half-way, `flask backup` copies the live
database. Then the whole server (master and workers) is killed with SIGKILL in the
middle of writes and started again, and every acknowledged save is checked against
the stored versions. The backup is restored into a fresh place and checked too.
Exits 1 when any must-be-zero count is not zero.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import soak_room  # beside this file

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"
EDITOR_ACCOUNTS = ("facilitator@riverside.example", "admin@riverside.example")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LISTEN_RE = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
LOCKED = "database is locked"
#: Seconds after which a wait is a hang: a busy machine is slow, never this slow. Every wait
#: below is for a condition; none of these limits is a speed requirement.
HANG = 600
#: `flask db upgrade` then `flask demo`, in one process (each start costs seconds).
SETUP = """
from flask_migrate import upgrade
from facilitator import create_app, demo
from facilitator.extensions import db
app = create_app()
with app.app_context():
    upgrade()
    demo.load()
    db.session.commit()
"""


@dataclass
class Ack:
    meeting_id: int
    version: int
    body: str
    finished: float
    #: The line this save typed (to look for it afterwards; "" for the merged text's ack).
    inserted: str = ""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    acks: list[Ack] = field(default_factory=list)
    refused: int = 0
    merged: int = 0
    server_errors: int = 0
    locked: int = 0
    other: dict[str, int] = field(default_factory=dict)
    save_times: list[float] = field(default_factory=list)
    dashboard_loads: int = 0
    packet_builds: int = 0
    in_flight: int = 0
    live_loads: int = 0
    stale_loads: int = 0

    def count_other(self, what: str) -> None:
        with self.lock:
            self.other[what] = self.other.get(what, 0) + 1


class Browser:
    """One signed-in person: a cookie jar and the CSRF token of the page they opened."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.token = ""

    def request(self, method: str, path: str, data: bytes | None = None,
                headers: dict | None = None, timeout: float = HANG) -> tuple[int, bytes]:
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with self.opener.open(req, timeout=timeout) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def page_token(self, path: str) -> str:
        status, body = self.request("GET", path)
        match = CSRF_RE.search(body.decode())
        if status != 200 or not match:
            raise RuntimeError(f"GET {path}: {status}, no CSRF token")
        self.token = match.group(1)
        return self.token

    def post_form(self, path: str, fields: dict) -> tuple[int, bytes]:
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        return self.request("POST", path, data,
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def sign_in(self, email: str) -> None:
        self.page_token("/login")
        status, _ = self.post_form("/login", {"email": email, "password": PASSWORD})
        if status != 200 or not any(c.name == "facilitator_session" for c in self.jar):
            raise RuntimeError(f"sign-in as {email} failed: {status}")


class Server:
    """The app as deployed: gunicorn with 2 workers on a free port of 127.0.0.1, and one
    queue worker (huey_consumer: packet builds, mail), each in its own process group."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.proc, self.port = env, log, None, 0
        self.worker: subprocess.Popen | None = None

    def start(self) -> str:
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log.with_name("worker.log"), "ab") as worker_log:
            self.worker = subprocess.Popen(
                [str(BIN / "huey_consumer"), "facilitator.worker.huey", "--workers", "2",
                 "--worker-type", "thread"],
                cwd=ROOT, env=self.env, start_new_session=True,
                stdout=worker_log, stderr=subprocess.STDOUT)
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "2", "-b", "127.0.0.1:0", "--timeout", str(HANG),
             "--error-logfile", str(self.log), "--capture-output", "wsgi:app"],
            cwd=ROOT, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + HANG
        while time.monotonic() < deadline:
            text = self.log.read_text(errors="replace")[offset:] if self.log.exists() else ""
            match = LISTEN_RE.search(text)
            if match and text.count("Booting worker") >= 2:
                self.port = int(match.group(1))
                base = f"http://127.0.0.1:{self.port}"
                if _healthy(base):
                    return base
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: see {self.log}")
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start within {HANG} s")

    def kill9(self) -> None:
        """SIGKILL to every process at once: the master, its workers and the queue worker."""
        for proc in (self.proc, self.worker):
            os.killpg(proc.pid, signal.SIGKILL)
        for proc in (self.proc, self.worker):
            proc.wait(HANG)

    def stop(self) -> None:
        for proc in (self.proc, self.worker):
            if proc and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in (self.proc, self.worker):
            if proc:
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


# --- the people -----------------------------------------------------------------------


#: Share of saves typed into the paragraph everyone writes in (the rest go into the
#: editor's own paragraph, as note-takers mostly do): the real overlaps.
SHARED_SHARE = 0.1
#: Lines kept per paragraph: older ones are deleted, as a note-taker tidies up.
KEEP_LINES = 6


def _typed(text: str, n: int, line: str, shared: bool) -> str:
    """The notes with ``line`` typed at the top of editor n's paragraph (or the shared one)."""
    head = "== everyone ==" if shared else f"== editor {n} =="
    paragraphs = text.split("\n\n") if text else []
    for i, para in enumerate(paragraphs):
        lines = para.split("\n")
        if lines[0] == head:
            paragraphs[i] = "\n".join([head, line] + lines[1:KEEP_LINES])
            return "\n\n".join(paragraphs)
    if shared:
        return "\n\n".join([f"{head}\n{line}"] + paragraphs)
    return "\n\n".join(paragraphs + [f"{head}\n{line}"])


def editor(n: int, base: str, meeting_id: int, tally: Tally, stop: threading.Event,
           pause: float, ready: threading.Semaphore, go: threading.Event) -> None:
    """Autosave like static/js/meeting-notes.js: a base version, the server's merge taken
    as the new text, re-based after a 409 (a real overlap the person merges by hand)."""
    rng = random.Random(n)
    b = Browser(base)
    b.sign_in(EDITOR_ACCOUNTS[n % len(EDITOR_ACCOUNTS)])
    b.page_token(f"/meetings/{meeting_id}/live")
    status, raw = b.request("GET", f"/meetings/{meeting_id}/notes")
    state = json.loads(raw)
    version, text, saves = state["version"], state["body"], 0
    ready.release()
    go.wait()
    while not stop.is_set():
        saves += 1
        line = f"editor {n} save {saves} {rng.getrandbits(48):012x}"
        body = _typed(text, n, line, rng.random() < SHARED_SHARE)
        data = json.dumps({"body": body, "base_version": version}).encode()
        started = time.monotonic()
        with tally.lock:
            tally.in_flight += 1
        try:
            status, raw = b.request("POST", f"/meetings/{meeting_id}/notes", data,
                                    {"Content-Type": "application/json",
                                     "X-CSRFToken": b.token})
        except (OSError, http.client.HTTPException):  # killed under this request (even
            # half-way through its answer, now that a merge answers with the notes): not
            # acknowledged
            if stop.is_set():
                return
            tally.count_other("connection error")
            time.sleep(0.5)
            continue
        finally:
            with tally.lock:
                tally.in_flight -= 1
        elapsed = time.monotonic() - started
        if LOCKED.encode() in raw:
            with tally.lock:
                tally.locked += 1
        if status == 200:
            answer = json.loads(raw)
            now = time.monotonic()
            with tally.lock:
                tally.save_times.append(elapsed)
                if answer.get("merged"):
                    tally.merged += 1
                    # Two versions: this save as sent, and the merged text now current.
                    if answer["version"] == answer["mine_version"]:  # nothing new to add
                        tally.acks.append(Ack(meeting_id, answer["version"], answer["body"],
                                              now, line))
                    else:
                        tally.acks.append(Ack(meeting_id, answer["mine_version"], body, now,
                                              line))
                        tally.acks.append(Ack(meeting_id, answer["version"], answer["body"],
                                              now))
                else:
                    tally.acks.append(Ack(meeting_id, answer["version"], body, now, line))
            version, text = answer["version"], answer.get("body", body)
        elif status == 409:
            server = json.loads(raw)
            with tally.lock:
                tally.refused += 1
                tally.save_times.append(elapsed)
            # The person merges by hand: keep their line on top of the server's text.
            version, text = server["server_version"], server["server_body"]
        elif status >= 500:
            with tally.lock:
                tally.server_errors += 1
        else:
            tally.count_other(f"notes {status}")
        if pause:
            time.sleep(rng.uniform(0, pause))


def analyst(base: str, tally: Tally, stop: threading.Event, go: threading.Event) -> None:
    """Load the dispute-resolution dashboard again and again."""
    b = Browser(base)
    b.sign_in("analyst@riverside.example")
    go.wait()
    while not stop.is_set():
        try:
            status, raw = b.request("GET", "/adr/dashboard")
        except OSError:
            if stop.is_set():
                return
            tally.count_other("dashboard connection error")
            continue
        _count_page(tally, status, raw, "dashboard")
        if status == 200:
            with tally.lock:
                tally.dashboard_loads += 1
        time.sleep(0.2)


def advocate(base: str, family_id: int, packet_id: int, tally: Tally,
             stop: threading.Event, go: threading.Event) -> None:
    """Build the demo packet, wait for it to finish, build it again."""
    b = Browser(base)
    b.sign_in("advocate@familyvoices.example")
    go.wait()
    page = f"/records/families/{family_id}/packets/{packet_id}"
    while not stop.is_set():
        try:
            b.page_token(page)
            status, raw = b.post_form(page + "/build", {})
            _count_page(tally, status, raw, "packet build")
            while not stop.is_set():
                status, raw = b.request("GET", page + "/status")
                _count_page(tally, status, raw, "packet status")
                state = json.loads(raw) if status == 200 else {}
                if state.get("status") in ("done", "failed"):
                    if state["status"] == "done":
                        with tally.lock:
                            tally.packet_builds += 1
                    else:
                        tally.count_other("packet build failed")
                    break
                time.sleep(0.5)
        except (OSError, RuntimeError):
            if stop.is_set():
                return
            raise


def _watching(base: str, meeting_id: int, tally: Tally, stop: threading.Event,
              go: threading.Event) -> None:
    b = Browser(base)
    b.sign_in(EDITOR_ACCOUNTS[0])
    soak_room.room_watcher(b, meeting_id, tally, stop, go)


def _reporting(tally: Tally, fn):
    """Run a person's loop; an exception is counted (and fails the run), not lost."""

    def run(*args):
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - reported as a failure of the run
            tally.count_other(f"{threading.current_thread().name} stopped: {exc!r}"[:200])

    return run


def _count_page(tally: Tally, status: int, raw: bytes, what: str) -> None:
    if LOCKED.encode() in raw:
        with tally.lock:
            tally.locked += 1
    if status >= 500:
        with tally.lock:
            tally.server_errors += 1
    elif status not in (200, 302):
        tally.count_other(f"{what} {status}")


# --- the database ---------------------------------------------------------------------


def _flask(env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
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


def _rows(url: str, sql: str, **params) -> list[tuple]:
    from sqlalchemy import text

    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def _versions(url: str) -> dict[tuple[int, int], str]:
    return {(m, v): body for m, v, body in _rows(url, """
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
    for meeting_id, version, count, newest_matches in _rows(url, """
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


# --- the run ----------------------------------------------------------------------------


def soak(engine: str, seconds: float, editors: int, pause: float) -> int:
    """Run one soak on one engine; print the figures; return 0 when all must-be-zero hold."""
    admin_url = None
    if engine == "postgresql":
        admin_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
        if not admin_url or not admin_url.startswith("postgres"):
            print("soak: --engine postgresql needs TEST_DATABASE_URL (scripts/with-postgres.sh)")
            return 2
    tmp = Path(tempfile.mkdtemp(prefix=f"soak-{engine}-"))
    live = Place(engine, tmp, "live", admin_url)
    restored = Place(engine, tmp, "restored", admin_url)
    env = app_env(live)
    log = tmp / "server.log"
    server = Server(env, log)
    stop = threading.Event()
    tally = Tally()
    failures: list[str] = []
    phases: dict[str, float] = {}
    mark = [time.monotonic()]

    def phase(name: str) -> None:
        now = time.monotonic()
        phases[name] = now - mark[0]
        mark[0] = now

    try:
        setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=HANG)
        if setup.returncode != 0:
            raise RuntimeError(f"migrate and demo failed:\n{setup.stdout}{setup.stderr}")
        meetings = [r[0] for r in _rows(live.url, """
            SELECT m.id FROM meetings m JOIN organizations o ON o.id = m.organization_id
            WHERE o.slug = 'riverside' ORDER BY m.id""")]
        family_id, packet_id = _rows(live.url, "SELECT family_id, id FROM packets")[0]
        phase("migrate+demo")
        base = server.start()
        phase("start")
        print(f"soak [{engine}]: gunicorn -w 2 on {base}, {editors} editors on "
              f"{len(meetings)} meetings for {seconds:g} s")
        ready, go = threading.Semaphore(0), threading.Event()
        people = [(f"editor-{i}", editor, (i, base, meetings[i % len(meetings)], tally, stop,
                                           pause, ready, go)) for i in range(editors)]
        people += [("analyst", analyst, (base, tally, stop, go)),
                   ("room watcher", _watching, (base, meetings[0], tally, stop, go)),
                   ("advocate", advocate, (base, family_id, packet_id, tally, stop, go))]
        threads = [threading.Thread(target=_reporting(tally, fn), args=args, name=name,
                                    daemon=True) for name, fn, args in people]
        for t in threads:
            t.start()
        for _ in range(editors):  # everyone signed in and on the page: start the clock
            if not ready.acquire(timeout=HANG):
                raise RuntimeError(f"the editors could not sign in within {HANG} s")
        go.set()
        phase("sign-in")
        started = time.monotonic()

        # Half-way: a backup of the live database while the editors keep writing.
        time.sleep(seconds / 2)
        with tally.lock:
            before_backup = list(tally.acks)
        backup_dir = tmp / "backup"
        b0 = time.monotonic()
        run = _flask(env, "backup", str(backup_dir), check=False)
        backup_s = time.monotonic() - b0
        if run.returncode != 0:
            failures.append(f"flask backup failed: {run.stdout}{run.stderr}")
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        # A busy machine is slow: the run lasts `seconds` and then until each kind of work
        # was done once (a save acknowledged, a dashboard loaded, a packet built), or a
        # person's loop stopped; the ceiling only catches a hang.
        deadline = time.monotonic() + HANG
        while not (tally.acks and tally.dashboard_loads and tally.packet_builds) \
                and not tally.other and time.monotonic() < deadline:
            time.sleep(0.2)

        # The end: kill -9 of master and workers while the editors are still saving.
        # No new requests after this; the ones under way are killed with the server.
        stop.set()
        with tally.lock:
            acked_at_kill, in_flight = len(tally.acks), tally.in_flight
        server.kill9()
        for t in threads:
            t.join(HANG)
        alive = [t.name for t in threads if t.is_alive()]
        if alive:
            failures.append(f"threads still running: {alive}")
        acks = list(tally.acks)
        phase("run+kill")

        base = server.start()  # restart on the same database
        after = _versions(live.url)
        wrong, lost = check_acks(acks, after)
        finals = dict(_rows(live.url, "SELECT meeting_id, body FROM meeting_notes"))
        chars_lost = characters_lost(acks, after, finals)
        duplicate = len(acks) - len({(a.meeting_id, a.version) for a in acks})
        check = integrity(live.url)
        served = [json.loads(_served(base, m))["version"] for m in meetings[:1]]
        server.stop()
        # The web server's log and the queue worker's: neither may hold a lock error or a
        # traceback.
        log_text = log.read_text(errors="replace") + "".join(
            w.read_text(errors="replace") for w in [log.with_name("worker.log")] if w.exists())
        locked_in_log = log_text.count(LOCKED)
        tracebacks = log_text.count("Traceback")

        phase("restart+checks")
        restore_report = "skipped (backup failed)"
        if run.returncode == 0:
            restore_env = app_env(restored)
            rr = _flask(restore_env, "restore", str(backup_dir), check=False)
            if rr.returncode != 0:
                failures.append(f"flask restore failed: {rr.stdout}{rr.stderr}")
                restore_report = "failed"
            else:
                r_check = integrity(restored.url)
                r_wrong, r_lost = check_acks(before_backup, _versions(restored.url))
                restore_report = (f"integrity {r_check}; {len(before_backup)} saves "
                                  f"acknowledged before the backup: {r_lost} missing, "
                                  f"{r_wrong} with another text; backup took {backup_s:.1f} s")
                if r_check != "ok" or r_lost or r_wrong:
                    failures.append("the restored backup lacks acknowledged saves or is damaged")

        phase("restore")
        times = sorted(tally.save_times)
        p50 = statistics.median(times) * 1000 if times else 0
        p95 = times[int(0.95 * (len(times) - 1))] * 1000 if times else 0
        print(f"soak [{engine}] results after {seconds:g} s:")
        print(f"  saves acknowledged        {sum(1 for a in acks if a.inserted)} "
              f"({len(acks)} versions: a merge keeps the save as sent and the merge)")
        print(f"  merged automatically      {tally.merged}")
        print(f"  sent to the person (409)  {tally.refused}")
        print(f"  characters lost           {chars_lost}   (every acknowledged line looked "
              "for in the final notes and the kept versions)")
        print(f"  acknowledged, wrong ver.  {wrong}   (two acks with one version: {duplicate})")
        print(f"  lost                      {lost}")
        print(f"  5xx                       {tally.server_errors}")
        print(f"  database is locked        {tally.locked} in responses, "
              f"{locked_in_log} in the server log")
        print(f"  save time p50 / p95       {p50:.0f} ms / {p95:.0f} ms")
        print(f"  dashboard loads           {tally.dashboard_loads}")
        print(f"  live page loads, stale    {tally.live_loads}, {tally.stale_loads}   (a kept "
              "page without the change just made, or with older notes)")
        print(f"  packet builds finished    {tally.packet_builds}")
        print(f"  other responses           {tally.other or 'none'}")
        print(f"  kill -9 (web and queue)   after {acked_at_kill} acks, {in_flight} saves in "
              "flight; restarted; "
              f"{lost} of {len(acks)} acknowledged saves missing; integrity {check}; "
              f"server answers version {served[0]} for meeting {meetings[0]}")
        print(f"  backup mid-run, restored  {restore_report}")
        print(f"  server logs               {tracebacks} tracebacks ({log}, worker.log)")
        print("  wall time                 " + ", ".join(f"{k} {v:.0f} s"
                                                        for k, v in phases.items()))
        for name, value in (("mis-acknowledged", wrong), ("duplicate versions", duplicate),
                            ("lost", lost), ("characters lost", chars_lost),
                            ("5xx", tally.server_errors),
                            ("locked", tally.locked + locked_in_log),
                            ("tracebacks in the server log", tracebacks),
                            ("stale live pages", tally.stale_loads),
                            ("other responses", sum(tally.other.values()))):
            if value:
                failures.append(f"{name}: {value}")
        if check != "ok":
            failures.append(f"integrity: {check}")
        if not acks or not tally.dashboard_loads or not tally.live_loads:
            failures.append("nothing was acknowledged or loaded: the soak did not run")
        if not tally.packet_builds:
            failures.append("no packet build finished: is the queue worker running?")
    finally:
        stop.set()
        server.stop()
        live.drop()
        restored.drop()
    if failures:
        print(f"soak [{engine}] FAILED: " + " | ".join(failures))
        print(f"  (files kept in {tmp})")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"soak [{engine}] passed")
    return 0


def _served(base: str, meeting_id: int) -> bytes:
    b = Browser(base)
    b.sign_in(EDITOR_ACCOUNTS[0])
    status, raw = b.request("GET", f"/meetings/{meeting_id}/notes")
    if status != 200:
        raise RuntimeError(f"after the restart: GET notes {status}")
    return raw


def main() -> int:
    """Parse the options and run the soak on the engine asked for."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--seconds", type=float,
                        default=float(os.environ.get("SOAK_SECONDS", "180")))
    parser.add_argument("--editors", type=int, default=int(os.environ.get("SOAK_EDITORS", "20")))
    parser.add_argument("--pause", type=float, default=float(os.environ.get("SOAK_PAUSE", "0.5")),
                        help="each editor waits up to this many seconds between saves")
    args = parser.parse_args()
    return soak(args.engine, args.seconds, args.editors, args.pause)


if __name__ == "__main__":
    sys.exit(main())
