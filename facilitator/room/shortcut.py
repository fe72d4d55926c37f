"""The paired device's poll when nothing changed, answered before Flask: one signed cookie
checked with an HMAC, one indexed query on a pooled connection, a 304.

A room display polls every second for as long as a meeting lasts, from as many devices
as are paired; the answer is almost always "nothing changed". So this WSGI middleware
answers exactly that case (a GET of the poll address carrying the device cookie and the
ETag it has, the pairing active, the counter unchanged) and passes every other request,
including every poll that has something to send, to the Flask view
(``room.device_state_json``), which checks everything again and builds the data.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie

#: The device's cookie: "<pairing link id>.<HMAC of it>" (no session, nothing else in it).
COOKIE = "room_display"
PATH = "/room/display/state.json"


def _mac(key: bytes, link_id: int) -> str:
    return hmac.new(key, f"room-display:{link_id}".encode(), hashlib.sha256).hexdigest()


def secret(app) -> bytes:
    return hashlib.sha256(b"room-display-cookie:" + str(app.secret_key).encode()).digest()


def cookie_value(app, link_id: int) -> str:
    """What the device's cookie holds once it entered a good code."""
    return f"{link_id}.{_mac(secret(app), link_id)}"


def link_id_from(app, value: str | None) -> int | None:
    """The pairing named by a device cookie whose signature holds, else None."""
    number, _, mac = (value or "").partition(".")
    if not number.isdigit() or len(number) > 10:
        return None
    link_id = int(number)
    return link_id if hmac.compare_digest(mac, _mac(secret(app), link_id)) else None


def etag(meeting_id: int, version: int | None) -> str:
    return f'"room-{meeting_id}-{version or 0}"'


#: The active pairing's meeting and its counter (psycopg's placeholders; "?" for SQLite).
_SQL = ("SELECT l.subject_id, d.version FROM external_links l JOIN meeting_room_displays d "
        "ON d.meeting_id = l.subject_id WHERE l.id = %s AND l.purpose = 'display_pairing' "
        "AND l.subject_kind = 'meeting' AND l.revoked_at IS NULL AND l.expires_at > %s")


class PollShortcut:
    """WSGI middleware in front of the Flask app (see the module docstring)."""

    def __init__(self, wsgi_app, app):
        self.wsgi_app, self.app = wsgi_app, app
        self._engine = None
        self._sql = None

    def _query(self, link_id: int):
        if self._engine is None:
            from ..extensions import db

            with self.app.app_context():
                self._engine = db.engine
            qmark = self._engine.dialect.paramstyle == "qmark"
            self._sql = _SQL.replace("%s", "?") if qmark else _SQL
        now = datetime.now(UTC)
        if self._engine.dialect.name == "sqlite":  # stored as naive UTC text
            now = now.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        raw = self._engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(self._sql, (link_id, now))
            row = cursor.fetchone()
            cursor.close()
            raw.rollback()
        finally:
            raw.close()
        return row

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == PATH and environ.get("REQUEST_METHOD") == "GET":
            tag = environ.get("HTTP_IF_NONE_MATCH")
            if tag and "HTTP_COOKIE" in environ:
                try:
                    morsel = SimpleCookie(environ["HTTP_COOKIE"]).get(COOKIE)
                except CookieError:
                    morsel = None
                link_id = link_id_from(self.app, morsel.value if morsel else None)
                row = self._query(link_id) if link_id is not None else None
                if row is not None and etag(row[0], row[1]) == tag:
                    start_response("304 Not Modified", [
                        ("ETag", tag), ("Cache-Control", "no-store"),
                        ("X-Content-Type-Options", "nosniff")])
                    return [b""]
        return self.wsgi_app(environ, start_response)
