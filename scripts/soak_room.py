"""The soak's room watcher: is a kept live page ever stale on a real server?

Each gunicorn worker keeps the rendered live page in its own memory, under the meeting's
change counter and the notes' version (facilitator/meetings/live_cache.py). A change
made through one worker must show on the next load from every worker. The watcher parks
a topic with a text of its own (acknowledged by the redirect), then loads the live page
a few times (the workers answer in turn) and counts every load that lacks the topic, or
shows notes older than the version the server gave just before the load, as stale. The
editors of the soak keep saving notes to the same meeting meanwhile.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading

NOTES_CONFIG = re.compile(rb'<script type="application/json" id="notes-config">(.*?)</script>')
#: Loads after each change: enough that both workers answer some.
LOADS = 4


def room_watcher(browser, meeting_id: int, tally, stop: threading.Event,
                 go: threading.Event) -> None:
    """Park topics and load the live page until ``stop``; count the loads and the stale
    loads in ``tally``."""
    rng = random.Random(meeting_id)
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


def _change_and_load(browser, meeting_id: int, n: int, rng: random.Random, tally,
                     stop: threading.Event) -> None:
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
