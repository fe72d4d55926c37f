"""Parts of the live page kept as rendered, under the meeting's change counter.

The live page is reloaded after every change a facilitator makes, and a paired tablet or
a second note-taker loads it too; most of it (the agenda, the boards, the display's data)
only changes when the shared record does. Every change to that record raises the
meeting's counter in the same transaction (room/counter.py), to a value never issued
before, so a part rendered under one counter value is exactly what a new rendering from
the database would give for as long as the counter stays there. Each request reads the
counter itself, so a page never shows a part older than what it read.

What varies within one counter value goes into the key (the language, whether the user
may edit); what varies per request is never kept: the tick forms' CSRF token is a
placeholder replaced on the way out, the agenda timer is added afresh. Kept in each
process (a few hundred entries, least recently used first out), nothing shared between
processes and nothing on disk.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, g, render_template
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

#: Where the room (which owns the counter) answers "the meeting's counter now". These
#: hooks and ``LATE_HOOKS`` are given the live page's head (``live_fragments.LiveHead``:
#: ``id``, ``organization_id``), read before the meeting is loaded, not the mapped meeting.
COUNTER_HOOKS: list[Callable[[Any], int | None]] = []
#: What the room puts in late (``late``), asked on every load, kept page or not.
LATE_HOOKS: list[Callable[[Any], None]] = []
#: How many rendered parts each process keeps.
CAPACITY = 256
#: Stands for the CSRF token in kept HTML: random per process, so no text can forge it.
CSRF_PLACEHOLDER = f"csrf-{secrets.token_hex(16)}"


def counter(meeting) -> int | None:
    """The meeting's change counter as stored now (None: not kept, render afresh)."""
    for hook in COUNTER_HOOKS:
        return hook(meeting)
    return None


class _Kept:
    """A small least-recently-used store (gunicorn's sync workers use one thread; the
    development server uses several, hence the lock)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.items: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                self.hits += 1
                return self.items[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.capacity:
                self.items.popitem(last=False)


def store() -> _Kept:
    return current_app.extensions.setdefault("facilitator.live_cache", _Kept(CAPACITY))


#: A CSRF token's value in rendered HTML.
_TOKEN_VALUE = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')


def _keepable(value: Any) -> bool:
    """HTML may be kept only when every CSRF token in it is the placeholder: a real one is
    this session's and must never reach another's page."""
    if not isinstance(value, str):
        return True
    return all(token == CSRF_PLACEHOLDER for token in _TOKEN_VALUE.findall(value))


def kept(part: str, meeting_id: int, version: int | None, key: tuple,
         produce: Callable[[], Any]) -> Any:
    """The part as kept under (meeting, counter, key), else produced now (and kept)."""
    if version is None:
        return produce()
    full_key = (part, meeting_id, version, *key)
    found = store().get(full_key)
    if found is None:
        found = produce()
        if _keepable(found):
            store().put(full_key, found)
        else:
            current_app.logger.error("live page part %r holds a real CSRF token: not kept",
                                     part)
    return found


def kept_html(part: str, meeting_id: int, version: int | None, key: tuple, template: str,
              context: Callable[[], dict]) -> Markup:
    """A template rendered (or kept) under the counter; ``context`` makes its variables
    (called only when it is rendered).

    The template is rendered with ``csrf_token()`` giving the placeholder, and the HTML
    keeps it: ``finish`` puts this request's token in, once, in the whole page. Macros
    that make forms must be imported ``with context`` to see the placeholder (a real
    token in the output keeps it from being kept, see ``_keepable``)."""
    return Markup(kept(part, meeting_id, version, key, lambda: render_template(  # noqa: S704
        template, **context(), csrf_token=placeholder)))


def placeholder() -> str:
    return CSRF_PLACEHOLDER


def late(marker: str, html: str) -> None:
    """Put ``html`` (rendered now, escaped by its template) where ``marker`` stands in the
    page, when ``finish`` runs: for what changes without the counter (a pairing code
    used, a running timer)."""
    g.setdefault("_live_late", {})[marker] = html


def finish(html: str) -> str:
    """The page as sent: this request's CSRF token and late parts in their places."""
    for marker, part in g.pop("_live_late", {}).items():
        html = html.replace(marker, part)
    return html.replace(CSRF_PLACEHOLDER, generate_csrf())
