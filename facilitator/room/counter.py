"""The display's change counter: raised in the same transaction as every change to what
the display shows, whichever view or service makes it.

A ``before_flush`` listener looks at every new, changed or deleted record of the kinds the
display shows (the meeting itself, agenda items, ground rules, concerns, decisions, action
items, parking-lot topics, the display's own state, hidden items, read-back marks) and
notes their meetings; ``after_flush`` raises those meetings' counters with one UPDATE.
So a feature that adds a write path (a continued meeting carrying items over, an action
item's status changed from a commitment link) moves the display without knowing of it.
"""

from __future__ import annotations

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from ..meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from ..meetings.models import AgendaItem, GroundRule, Meeting
from .models import HiddenItem, ReadBackMark, RoomDisplay

WATCHED = (AgendaItem, GroundRule, Concern, Decision, ActionItem, ParkingLotItem,
           HiddenItem, ReadBackMark, RoomDisplay)
_PENDING = "facilitator.room.changed_meetings"


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
    changed = session.info.pop(_PENDING, None)
    if changed:
        session.connection().execute(
            update(RoomDisplay.__table__)
            .where(RoomDisplay.__table__.c.meeting_id.in_(sorted(changed)))
            .values(version=RoomDisplay.__table__.c.version + 1))
