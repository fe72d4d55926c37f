"""Requests/s of the live meeting page on gunicorn -w 2, beside a bare Flask "hello" under
the same gunicorn in the same run (wrk), and the page's size.

    .venv/bin/python bench/live_page_bench.py [--seconds 8]

A fresh SQLite database with the demo data; the demo facilitator signed in; the
live page of the demo's first meeting (and the prompts fragment it loads once,
then from the browser's cache). Prints bytes of HTML, requests/s of each and the
ratio to bare Flask. Target: HTML <= 30 KB, live page >= 10% of bare Flask.
Last, one client changes the board (hides or shows a parking-lot topic) before each load,
so that every load it times renders the page afresh (wrk's loads are the kept page; see
meetings/live_cache.py): its time per load beside bare Flask's, one request at a time.
Not run by the test suite (a speed claim belongs here, as a ratio).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-password-2026"  # noqa: S105 - the demo's published password
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
BARE = '''
from flask import Flask
app = Flask(__name__)

@app.get("/")
def hello():
    return "Hello"
'''
RPS_RE = re.compile(r"Requests/sec:\s+([\d.]+)")


def gunicorn(app: str, cwd: Path, env: dict, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([str(BIN / "gunicorn"), "-w", "2",  # noqa: S603 - our own command
                             "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", app], cwd=cwd, env=env,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)  # noqa: S310
            return proc
        except urllib.error.HTTPError:
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{app} did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


def sign_in(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "password": PASSWORD,
                                   "email": "facilitator@riverside.example"}).encode()
    opener.open(base + "/login", data)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return opener, cookie


def wrk(url: str, seconds: int, cookie: str = "", extra: tuple[str, ...] = ()) -> float:
    args = ["wrk", "-t2", "-c4", f"-d{seconds}s", url]
    if cookie:
        args[1:1] = ["-H", f"Cookie: {cookie}"]
    for header in extra:
        args[1:1] = ["-H", header]
    out = subprocess.run(args, capture_output=True, text=True,  # noqa: S603 - our own command
                         check=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:  # an error page is not the page: say so rather than print its speed
        raise RuntimeError(f"{url}: {bad.group(1)} responses were errors\n{out}")
    return float(RPS_RE.search(out).group(1))


def after_change(opener, base: str, html: bytes, seconds: int) -> None:
    """The load that follows a change (the page is rendered afresh, not kept): one client
    that hides and shows a parking-lot topic (not timed) and loads the page (timed),
    beside the same client loading bare Flask, one request at a time."""
    item = re.search(rb'name="item" value="(parking \d+) [01]"', html)
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not (item and token):
        return
    hide = f"{base}/meetings/1/display/hide"
    spent, loads, flip = 0.0, 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        flip = 1 - flip
        data = urllib.parse.urlencode({"csrf_token": token.group(1).decode(),
                                       "item": f"{item.group(1).decode()} {flip}"}).encode()
        opener.open(urllib.request.Request(hide, data), timeout=30).read()  # noqa: S310
        start = time.perf_counter()
        page = opener.open(f"{base}/meetings/1/live", timeout=30).read()
        spent += time.perf_counter() - start
        loads += 1
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page) or token
    hello_spent, hellos = 0.0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.perf_counter()
        urllib.request.urlopen("http://127.0.0.1:5612/", timeout=30).read()  # noqa: S310
        hello_spent += time.perf_counter() - start
        hellos += 1
    page_ms, hello_ms = spent / loads * 1000, hello_spent / hellos * 1000
    print(f"one client, one request at a time: the load after each change {page_ms:.1f} ms "
          f"({loads} loads), bare Flask {hello_ms:.2f} ms: {hello_ms / page_ms:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="live-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}", STORAGE_DIR=str(tmp / "storage"),
               HUEY_FILE=str(tmp / "huey.db"),
               SECRET_KEY="bench-only")  # noqa: S106 - a throwaway database
    (tmp / "bare.py").write_text(BARE)
    subprocess.run([sys.executable, "-c", SETUP],  # noqa: S603 - our own command
                   cwd=ROOT, env=env, check=True, capture_output=True)
    print("load average before: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))
    app = gunicorn("wsgi:app", ROOT, env, 5611)
    bare = gunicorn("bare:app", tmp, env, 5612)
    try:
        base = "http://127.0.0.1:5611"
        opener, cookie = sign_in(base)
        live = f"{base}/meetings/1/live"
        with opener.open(live) as resp:
            html = resp.read()
        links = re.findall(rb'data-prompts-src="([^"]+)"', html)
        fragment = 0
        etag = ""
        if links:
            with opener.open(base + links[0].decode().replace("&amp;", "&")) as resp:
                fragment = len(resp.read())
                etag = resp.headers.get("ETag", "")
        print(f"live page HTML: {len(html):,} bytes"
              + (f"; prompts fragment {fragment:,} bytes, loaded once and cached "
                 f"(ETag {etag})" if fragment else ""))
        hello = wrk("http://127.0.0.1:5612/", args.seconds)
        page = wrk(live, args.seconds, cookie)
        hello2 = wrk("http://127.0.0.1:5612/", args.seconds)
        rows = [("bare Flask hello (before)", hello), ("live page", page),
                ("bare Flask hello (after)", hello2)]
        if links:
            url = base + links[0].decode().replace("&amp;", "&")
            rows.append(("prompts fragment, 304", wrk(url, args.seconds, cookie,
                                                       (f"If-None-Match: {etag}",))))
        baseline = (hello + hello2) / 2
        print(f"gunicorn -w 2, wrk -t2 -c4 -d{args.seconds}s")
        for name, rps in rows:
            print(f"  {name:28} {rps:9,.1f} req/s  {rps / baseline:7.1%} of bare Flask")
        after_change(opener, base, html, args.seconds)
    finally:
        stop(app)
        stop(bare)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
