"""The display's change counter: raised in the same transaction as every change to what
the display shows, whichever view or service makes it.

A ``before_flush`` listener looks at every new, changed or deleted record of the kinds the
display shows (the meeting itself, agenda items, ground rules, concerns, decisions, action
items, parking-lot topics, the display's own state, hidden items, read-back marks) and
notes their meetings; ``after_flush`` raises those meetings' counters with one UPDATE,
to max(counter + 1, microseconds since 1970): a value is never issued twice, not even
after a restore brings back an older database (the live page keeps rendered parts
under it). A new meeting gets its display row, and so its counter, in the same flush.
So a feature that adds a write path (a continued meeting carrying items over, an action
item's status changed from a commitment link) moves the display without knowing of it.
"""

from __future__ import annotations

from sqlalchemy import case, event, insert, select, update
from sqlalchemy.orm import Session

from ..families.models import Contact, Family
from ..meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from ..meetings.models import AgendaItem, GroundRule, Meeting
from .models import HiddenItem, Preset, ReadBackMark, RoomDisplay, time_stamp

WATCHED = (AgendaItem, GroundRule, Concern, Decision, ActionItem, ParkingLotItem,
           HiddenItem, ReadBackMark, RoomDisplay)
_PENDING = "facilitator.room.changed_meetings"
_FAMILIES = "facilitator.room.changed_families"


def _meeting_id(obj) -> int | None:
    if isinstance(obj, Meeting):
        return obj.id
    found = getattr(obj, "meeting_id", None)
    if found is None:
        meeting = obj.__dict__.get("meeting")  # appended through the relationship
        found = getattr(meeting, "id", None)
    return found


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, flush_context, instances) -> None:
    changed: set[int] = session.info.setdefault(_PENDING, set())
    families: set[int] = session.info.setdefault(_FAMILIES, set())
    for obj in list(session.new) + list(session.deleted) + list(session.dirty):
        # The display speaks the family's language (its guardians', else its own).
        if isinstance(obj, Contact | Family) and (obj not in session.dirty
                                                  or session.is_modified(obj)):
            fid = obj.id if isinstance(obj, Family) else obj.family_id
            if fid is not None:
                families.add(fid)
    for obj in list(session.new) + list(session.deleted):
        if isinstance(obj, WATCHED):
            mid = _meeting_id(obj)
            if mid is not None:
                changed.add(mid)
    for obj in session.dirty:
        if isinstance(obj, WATCHED + (Meeting,)) and session.is_modified(obj):
            mid = _meeting_id(obj)
            if mid is not None:
                changed.add(mid)


@event.listens_for(Session, "after_flush")
def _raise_counters(session: Session, flush_context) -> None:
    # session.new still lists what this flush inserted (with their ids by now).
    new_meetings = [obj for obj in session.new if isinstance(obj, Meeting)]
    if new_meetings:  # every meeting has its counter from the start
        session.connection().execute(insert(RoomDisplay.__table__), [
            {"organization_id": m.organization_id, "meeting_id": m.id,
             "version": time_stamp(), "timer_elapsed": 0, "language": "",
             "preset": Preset.LARGE_ROOM.value, "snapshot": "", "readback_active": False,
             "readback_step": 0} for m in new_meetings])
    changed = session.info.pop(_PENDING, None) or set()
    families = session.info.pop(_FAMILIES, None)
    table = RoomDisplay.__table__
    raised = table.c.version + 1
    now = time_stamp()
    if changed:
        session.connection().execute(
            update(table).where(table.c.meeting_id.in_(sorted(changed)))
            .values(version=case((raised > now, raised), else_=now)))
    if families:
        meetings = Meeting.__table__
        session.connection().execute(
            update(table).where(table.c.meeting_id.in_(
                select(meetings.c.id).where(meetings.c.family_id.in_(sorted(families)))))
            .values(version=case((raised > now, raised), else_=now)))
