"""The people of the soak (scripts/soak.py): each signed in with its own session, each a
thread. Editors autosave notes as the browser does, an analyst loads the dashboard, an
advocate builds a packet, and a room watcher checks that a kept live page is never stale.

The room watcher: each gunicorn worker keeps the rendered live page in its own memory,
under the meeting's change counter and the notes' version (facilitator/meetings/
live_cache.py). A change made through one worker must show on the next load from every
worker. The watcher parks a topic with a text of its own (acknowledged by the redirect),
then loads the live page a few times (the workers answer in turn) and counts every load
that lacks the topic, or shows notes older than the version the server gave just before
the load, as stale. The editors keep saving notes to the same meeting meanwhile.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import random
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

PASSWORD = "demo-password-2026"
EDITOR_ACCOUNTS = ("facilitator@riverside.example", "admin@riverside.example")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOCKED = "database is locked"
#: Seconds after which a wait is a hang: a busy machine is slow, never this slow. Every wait
#: below is for a condition; none of these limits is a speed requirement.
HANG = 600


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


def reporting(tally: Tally, fn):
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


# --- the room watcher -------------------------------------------------------------------

NOTES_CONFIG = re.compile(rb'<script type="application/json" id="notes-config">(.*?)</script>')
#: Loads after each change: enough that both workers answer some.
LOADS = 4


def room_watcher(base: str, meeting_id: int, tally: Tally, stop: threading.Event,
                 go: threading.Event) -> None:
    """Park topics and load the live page until ``stop``; count the loads and the stale
    loads in ``tally``."""
    rng = random.Random(meeting_id)
    browser = Browser(base)
    browser.sign_in(EDITOR_ACCOUNTS[0])
    browser.page_token(f"/meetings/{meeting_id}/live")
    go.wait()
    n = 0
    while not stop.is_set():
        n += 1
        try:
            _change_and_load(browser, meeting_id, n, rng, tally, stop)
        except (OSError, http.client.HTTPException):  # the server killed at the end of the run
            if stop.is_set():
                return
            raise


def _change_and_load(browser: Browser, meeting_id: int, n: int, rng: random.Random,
                     tally: Tally, stop: threading.Event) -> None:
    """Park one topic, then load the live page ``LOADS`` times."""
    live = f"/meetings/{meeting_id}/live"
    topic = f"kept page check {n} {rng.getrandbits(40):010x}"
    browser.page_token(live)
    status, raw = browser.post_form(f"/meetings/{meeting_id}/parking/new?next=live",
                                    {"text": topic})
    if stop.is_set():
        return
    if status != 200 or topic.encode() not in raw:  # the redirect to the page, with it
        tally.count_other(f"parking a topic: {status}")
        return
    for _ in range(LOADS):
        status, raw = browser.request("GET", f"/meetings/{meeting_id}/notes")
        if status != 200:
            tally.count_other(f"notes {status}")
            break
        saved = json.loads(raw)["version"]
        status, raw = browser.request("GET", live)
        if status != 200:
            tally.count_other(f"live page {status}")
            break
        shown = NOTES_CONFIG.search(raw)
        stale = topic.encode() not in raw or not shown or \
            json.loads(shown.group(1))["version"] < saved
        with tally.lock:
            tally.live_loads += 1
            tally.stale_loads += stale
