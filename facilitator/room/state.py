"""What the display shows, as plain data: only what the whole table may read.

Built field by field from the shared record (agenda, ground rules, the concerns board,
decisions, action items, parking lot) so that nothing private can ride along: the notes,
the tip file, the prompts, the checklists and the reflection are never read here.
"""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date
from flask import g, has_request_context, request
from sqlalchemy import bindparam, func

from .. import i18n
from ..db import SAFE_METHODS, utcnow
from ..extensions import db
from ..links import services as links
from ..links.models import ExternalLink
from ..meetings.models import Meeting, MeetingStatus, as_utc
from ..meetings.services import to_local
from .models import HiddenItem, Preset, RoomDisplay
from .readback import readback_items
from .shortcut import etag  # noqa: F401 - the poll's ETag, one definition for both paths

#: Record kinds a facilitator can keep off the display.
HIDEABLE = ("concerns", "decisions", "actions", "parking")


#: The purpose of a room device's pairing code (links from outside).
PURPOSE = "display_pairing"

#: Built once (they run on every load of the live page and every poll). A page view
#: reads the row's columns (no unit of work) with how many pairing codes are still open
#: (most often none, and then the panel does not look them up).
_DISPLAY = db.select(RoomDisplay).where(RoomDisplay.meeting_id == bindparam("meeting"))
_DISPLAY_VIEW = db.select(*RoomDisplay.__table__.columns, db.select(
    func.count(ExternalLink.id)).where(
    *links.not_withdrawn("meeting", RoomDisplay.meeting_id, PURPOSE)).scalar_subquery()
    .label("open_codes")).where(RoomDisplay.meeting_id == bindparam("meeting"))
_VERSION = db.select(RoomDisplay.version).where(RoomDisplay.meeting_id == bindparam("meeting"))


def display_for(meeting: Meeting, create: bool = False) -> RoomDisplay | None:
    """The meeting's display row (made on first use when ``create``).

    A page view (a GET that does not write) reads it once, as a read-only row with the
    same attributes: the live page asks for its counter, then its panel for the row. A
    write gets the mapped record, fresh."""
    reading = (has_request_context() and request.method in SAFE_METHODS and not create
               and not g.get("_db_writes"))
    if reading and meeting.id in g.get("_room_displays", {}):
        return g._room_displays[meeting.id]
    if reading:
        row = db.session.connection().execute(_DISPLAY_VIEW, {"meeting": meeting.id}
                                              ).one_or_none()
        g.setdefault("_room_displays", {})[meeting.id] = row
        g.setdefault("_room_open_codes", {})[meeting.id] = row.open_codes if row else None
        return row
    found = db.session.execute(_DISPLAY, {"meeting": meeting.id}).scalar_one_or_none()
    if found is None and create:
        found = RoomDisplay(organization_id=meeting.organization_id, meeting_id=meeting.id,
                            version=1, preset=Preset.LARGE_ROOM, language="", timer_elapsed=0)
        db.session.add(found)
        db.session.flush()
    return found


def open_codes_read(meeting: Meeting) -> int | None:
    """How many pairing codes were open when this page view read the display row (None:
    not read that way)."""
    return g.get("_room_open_codes", {}).get(meeting.id) if has_request_context() else None


def current_version(meeting_id: int) -> int | None:
    """The counter as stored now (the object in the session may lag an UPDATE)."""
    return db.session.execute(_VERSION, {"meeting": meeting_id}).scalar_one_or_none()


def live_counter(meeting: Meeting) -> int | None:
    """The counter for a page view: read with the display row the page shows too."""
    display = display_for(meeting)
    return display.version if display else None


def hidden_keys(meeting_id: int) -> set[tuple[str, int]]:
    return {(h.kind, h.item_id) for h in db.session.execute(db.select(HiddenItem).where(
        HiddenItem.meeting_id == meeting_id)).scalars()}


def display_language(meeting: Meeting, display: RoomDisplay | None) -> str:
    """The language the display's fixed words are in: chosen, else the family's."""
    chosen = i18n.supported(display.language if display else "")
    return chosen or i18n.family_language(meeting.family)


def timer_seconds(display: RoomDisplay | None) -> int:
    if display is None:
        return 0
    elapsed = display.timer_elapsed or 0
    if display.timer_started_at is not None:
        elapsed += int((utcnow() - as_utc(display.timer_started_at)).total_seconds())
    return max(0, elapsed)


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def display_state(meeting: Meeting, display: RoomDisplay | None,
                  version: int | None = None,
                  hidden: set[tuple[str, int]] | None = None) -> dict:
    """The display's data: whitelisted fields of the shared record, nothing else.

    ``hidden``: the meeting's hidden items when the caller has just read them."""
    lang = display_language(meeting, display)
    _ = i18n.gettext_for(lang)
    hidden = hidden_keys(meeting.id) if hidden is None else hidden
    cleared = bool(display and display.cleared_at)
    state = {
        "version": version if version is not None else (display.version if display else 0),
        "meeting": meeting.id,
        "language": lang,
        "preset": display.preset if display else Preset.LARGE_ROOM.value,
        "cleared": cleared,
        "closed": meeting.status != MeetingStatus.SCHEDULED,
    }
    if cleared:
        return state  # a cleared display is blank: no record at all
    start = to_local(meeting.starts_at)
    state.update({
        "title": _(meeting.kind_label),
        "date": format_date(start.date(), format="long", locale=lang),
        "agenda": [{"id": a.id, "title": a.title, "minutes": a.minutes}
                   for a in meeting.agenda_items],
        "current": display.current_item_id if display else None,
        "timer": {"elapsed": timer_seconds(display),
                  "running": bool(display and display.timer_started_at)},
        "rules": [g.text for g in meeting.ground_rules],
        "concerns": [{"id": c.id, "title": c.title, "interests": _lines(c.interests),
                      "options": _lines(c.options), "agreement": c.agreement.strip(),
                      "status": c.status}
                     for c in meeting.concerns if ("concerns", c.id) not in hidden],
        "decisions": [{"id": d.id, "text": d.text} for d in meeting.decisions
                      if ("decisions", d.id) not in hidden],
        "actions": [{"id": a.id, "task": a.task, "owner": a.owner,
                     "due": format_date(a.due_date, format="medium", locale=lang)
                     if a.due_date else ""}
                    for a in meeting.action_items if ("actions", a.id) not in hidden],
        "parking": [{"id": p.id, "text": p.text, "resolved": p.resolved}
                    for p in meeting.parking_lot if ("parking", p.id) not in hidden],
        "readback": _readback(meeting, display, lang),
    })
    return state


def _readback(meeting: Meeting, display: RoomDisplay | None, lang: str) -> dict | None:
    """The item being read back, when a read-back is on."""
    if display is None or not display.readback_active:
        return None
    items = readback_items(meeting)
    if not items or not 1 <= display.readback_step <= len(items):
        return None
    item = items[display.readback_step - 1]
    return {"step": display.readback_step, "total": len(items), "kind": item.kind,
            "text": item.text, "owner": item.owner,
            "due": format_date(item.due, format="long", locale=lang) if item.due else ""}


def pairing_valid_for(meeting: Meeting) -> timedelta:
    """A pairing code lasts to the end of the planned meeting plus a day, at least 12 hours."""
    left = as_utc(meeting.ends_at_utc) - utcnow()
    return max(left, timedelta(0)) + timedelta(hours=24) if left > timedelta(0) \
        else timedelta(hours=12)
