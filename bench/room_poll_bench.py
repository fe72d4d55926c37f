"""The room display's poll when nothing changed, against a bare Flask "hello", both under
gunicorn with the same workers in the same run (target: at least 50% of bare Flask's
requests per second).

A device is paired through the real pages (the "enter the code" form), then wrk sends
``GET /room/display/state.json`` with its session cookie and the current ETag, so every
answer is a 304. Usage: ``python bench/room_poll_bench.py [--seconds 8] [--workers 2]``
(needs ``wrk``). SQLite in a temporary folder; DATABASE_URL is ignored.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

SETUP = """
from datetime import timedelta
from flask_migrate import upgrade
from facilitator import create_app
from facilitator.auth.services import create_organization, create_user
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.links import services as links
from facilitator.meetings.services import create_meeting
from facilitator.room.state import display_for

app = create_app()
with app.app_context():
    upgrade()
    org = create_organization("bench", "Bench District", "district")
    user = create_user(org, "f@bench.example", "facilitator", "bench-password-2026", name="F")
    family = Family(organization_id=org.id, student_name="Bench Child")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep",
                                      "starts_at": utcnow() + timedelta(hours=1),
                                      "duration_minutes": 90, "facilitator_id": user.id})
    display_for(meeting, create=True)
    link, code = links.issue("display_pairing", organization_id=org.id, subject_kind="meeting",
                             subject_id=meeting.id, family_id=family.id, short=True,
                             valid_for=timedelta(hours=4))
    db.session.commit()
    print("CODE", code)
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(target: str, workers: int, env: dict) -> tuple[subprocess.Popen, str]:
    port = _port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", str(workers), "-b",
                             f"127.0.0.1:{port}", "--log-level", "warning", target],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            return proc, base
        except urllib.error.HTTPError:
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn {target} did not start")


def _wrk(url: str, seconds: int, headers: list[str]) -> tuple[float, str]:
    args = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency"]
    for h in headers:
        args += ["-H", h]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rate, out


def _pair(base: str, code: str) -> tuple[str, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/room").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    opener.open(base + "/room", urllib.parse.urlencode(
        {"csrf_token": token, "code": code}).encode()).read()
    answer = opener.open(base + "/room/display/state.json")
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, answer.headers["ETag"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("room poll bench: wrk is not installed (apt-get install wrk)")
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="room-bench-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
           "SECRET_KEY": "room-bench-secret-for-this-run", "STORAGE_DIR": str(tmp / "storage"),
           "FLASK_PUBLIC_BASE_URL": "http://127.0.0.1"}
    env.pop("TEST_DATABASE_URL", None)
    setup = subprocess.run([sys.executable, "-c", SETUP], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    if setup.returncode:
        print(setup.stdout, setup.stderr)
        return 1
    code = re.search(r"CODE (\S+)", setup.stdout).group(1)
    results = {}
    procs = []
    try:
        app, base = _serve("wsgi:app", args.workers, env)
        procs.append(app)
        cookie, etag = _pair(base, code)
        check = urllib.request.Request(base + "/room/display/state.json",
                                       headers={"Cookie": cookie, "If-None-Match": etag})
        try:
            urllib.request.urlopen(check)
            raise RuntimeError("the poll did not answer 304")
        except urllib.error.HTTPError as exc:
            assert exc.code == 304, exc.code
        results["poll"], poll_out = _wrk(base + "/room/display/state.json", args.seconds,
                                         [f"Cookie: {cookie}", f"If-None-Match: {etag}"])
        app.terminate()
        app.wait(10)
        bare, bare_base = _serve("bench.bare_flask:app", args.workers, env)
        procs.append(bare)
        results["bare"], bare_out = _wrk(bare_base + "/", args.seconds, [])
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)
    ratio = results["poll"] / results["bare"]
    print(f"room poll (304, nothing changed): {results['poll']:,.0f} requests/s")
    print(f"bare Flask hello:                 {results['bare']:,.0f} requests/s")
    print(f"ratio: {ratio:.1%} of bare Flask (target: at least 50%), "
          f"gunicorn -w {args.workers}, wrk -t2 -c4 -d{args.seconds}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
