"""The read-back: every agreement, decision and action item, one at a time, read aloud,
marked confirmed or changed, owner and due date confirmed, and placed in the IEP or as a
side agreement. Functions flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..db import utcnow
from ..extensions import db
from ..meetings.live_models import ActionItem, Concern, Decision
from ..meetings.models import ConcernStatus, Meeting
from .models import Placement, ReadBackMark, ReadBackResult, RoomDisplay

KIND_WORDS = {"agreement": "Agreement", "decision": "Decision", "action": "Action item"}


class ReadBackError(ValueError):
    """A read-back step that cannot be saved as given; the message says what to do."""


@dataclass
class ReadBackItem:
    kind: str
    item_id: int
    text: str
    owner: str = ""
    due: date | None = None
    record: object = None

    @property
    def key(self) -> tuple[str, int]:
        return self.kind, self.item_id

    @property
    def kind_label(self) -> str:
        return KIND_WORDS[self.kind]


def readback_items(meeting: Meeting) -> list[ReadBackItem]:
    """What is read back, in order: agreements, then decisions, then action items."""
    items = [ReadBackItem("agreement", c.id, c.agreement.strip(), record=c)
             for c in meeting.concerns
             if c.agreement.strip() and c.status != ConcernStatus.PARKED]
    items += [ReadBackItem("decision", d.id, d.text, record=d) for d in meeting.decisions]
    items += [ReadBackItem("action", a.id, a.task, owner=a.owner, due=a.due_date, record=a)
              for a in meeting.action_items]
    return items


def marks_for(meeting: Meeting) -> dict[tuple[str, int], ReadBackMark]:
    return {(m.kind, m.item_id): m for m in db.session.execute(db.select(ReadBackMark).where(
        ReadBackMark.meeting_id == meeting.id)).scalars()}


def unmarked(meeting: Meeting) -> list[ReadBackItem]:
    marks = marks_for(meeting)
    return [i for i in readback_items(meeting) if i.key not in marks]


def show_step(display: RoomDisplay, step: int) -> None:
    """Put read-back step ``step`` (1-based) on the display."""
    display.readback_active = True
    display.readback_step = step
    db.session.flush()


def end_readback(display: RoomDisplay | None) -> None:
    if display is not None and display.readback_active:
        display.readback_active = False
        display.readback_step = 0
        db.session.flush()


def mark(meeting: Meeting, item: ReadBackItem, *, result: str, placement: str, text: str,
         owner: str, due: date | None, user_id: int) -> ReadBackMark:
    """Save one read-back step: the item's words (when changed), owner and due date."""
    if result not in {r.value for r in ReadBackResult}:
        raise ReadBackError("Say whether the item was confirmed as read or changed.")
    if placement not in {p.value for p in Placement}:
        raise ReadBackError("Say whether it belongs in the IEP or is a side agreement.")
    text = text.strip()
    if not text:
        raise ReadBackError("The item cannot be empty: type what was agreed.")
    record = item.record
    if result == ReadBackResult.CHANGED:
        if isinstance(record, Concern):
            record.agreement = text
        elif isinstance(record, Decision):
            record.text = text
        elif isinstance(record, ActionItem):
            record.task = text
    if isinstance(record, ActionItem):
        if not owner.strip():
            raise ReadBackError("Name who will do this (the owner) before confirming it.")
        if due is None:
            raise ReadBackError("Give the date this is due before confirming it.")
        record.owner = owner.strip()
        record.due_date = due
    found = db.session.execute(db.select(ReadBackMark).where(
        ReadBackMark.meeting_id == meeting.id, ReadBackMark.kind == item.kind,
        ReadBackMark.item_id == item.item_id)).scalar_one_or_none()
    if found is None:
        found = ReadBackMark(organization_id=meeting.organization_id, meeting_id=meeting.id,
                             kind=item.kind, item_id=item.item_id)
        db.session.add(found)
    found.result, found.placement = result, placement
    found.marked_at, found.marked_by_id = utcnow(), user_id
    db.session.flush()
    return found
