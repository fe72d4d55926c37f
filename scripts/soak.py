"""Soak test of the real server: gunicorn with 2 workers, 20 editors autosaving notes.

    python scripts/soak.py --engine sqlite
    bash scripts/with-postgres.sh python scripts/soak.py --engine postgres

On a fresh database (a temporary SQLite file, or a new database in the PostgreSQL
cluster that TEST_DATABASE_URL or DATABASE_URL points at) with the demo data, 20
editors (each signed in with its own session and CSRF token) autosave the notes of
the demo meetings for SOAK_SECONDS (default 180), each typing mostly into its own
paragraph (one save in ten into a paragraph all share), keeping its own base
version, taking the server's automatic merge and re-basing after a 409 as the
browser does, while an advocate builds a packet, an analyst loads the dashboard
and a room watcher checks that no kept live page is stale. Half-way, `flask backup` copies the live
database. Then the whole server (master and workers) is killed with SIGKILL in the
middle of writes and started again, and every acknowledged save is checked against
the stored versions. The backup is restored into a fresh place and checked too.
Exits 1 when any must-be-zero count is not zero.

The people are in soak_people.py, the databases and the checks in soak_database.py.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from soak_database import (  # beside this file
    Place,
    app_env,
    characters_lost,
    check_acks,
    integrity,
    query_rows,
    run_flask,
    stored_versions,
)
from soak_people import (
    EDITOR_ACCOUNTS,
    HANG,
    LOCKED,
    Browser,
    Tally,
    advocate,
    analyst,
    editor,
    reporting,
    room_watcher,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LISTEN_RE = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
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
        meetings = [r[0] for r in query_rows(live.url, """
            SELECT m.id FROM meetings m JOIN organizations o ON o.id = m.organization_id
            WHERE o.slug = 'riverside' ORDER BY m.id""")]
        family_id, packet_id = query_rows(live.url, "SELECT family_id, id FROM packets")[0]
        phase("migrate+demo")
        base = server.start()
        phase("start")
        print(f"soak [{engine}]: gunicorn -w 2 on {base}, {editors} editors on "
              f"{len(meetings)} meetings for {seconds:g} s")
        ready, go = threading.Semaphore(0), threading.Event()
        people = [(f"editor-{i}", editor, (i, base, meetings[i % len(meetings)], tally, stop,
                                           pause, ready, go)) for i in range(editors)]
        people += [("analyst", analyst, (base, tally, stop, go)),
                   ("room watcher", room_watcher, (base, meetings[0], tally, stop, go)),
                   ("advocate", advocate, (base, family_id, packet_id, tally, stop, go))]
        threads = [threading.Thread(target=reporting(tally, fn), args=args, name=name,
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
        run = run_flask(env, "backup", str(backup_dir), check=False)
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
        after = stored_versions(live.url)
        wrong, lost = check_acks(acks, after)
        finals = dict(query_rows(live.url, "SELECT meeting_id, body FROM meeting_notes"))
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
            rr = run_flask(restore_env, "restore", str(backup_dir), check=False)
            if rr.returncode != 0:
                failures.append(f"flask restore failed: {rr.stdout}{rr.stderr}")
                restore_report = "failed"
            else:
                r_check = integrity(restored.url)
                r_wrong, r_lost = check_acks(before_backup, stored_versions(restored.url))
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
