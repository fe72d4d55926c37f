"""What the room display and the read-back keep: the display's state and change counter,
items hidden from it, read-back marks, and the final summary's versions."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary


class Preset(Vocabulary):
    SMALL_ROOM = "small_room", "Small room (a table, a laptop screen)"
    LARGE_ROOM = "large_room", "Large room (a TV across the table)"
    PROJECTOR = "projector", "Projector (read from the back of the room)"


class ReadBackResult(Vocabulary):
    CONFIRMED = "confirmed", "Confirmed as read"
    CHANGED = "changed", "Changed, then confirmed"


class Placement(Vocabulary):
    IEP = "iep", "Belongs in the IEP"
    SIDE = "side", "Side agreement (not part of the IEP)"


def time_stamp() -> int:
    """Microseconds since 1970: the least value the change counter takes next."""
    return time.time_ns() // 1000


class RoomDisplay(db.Model):
    """One meeting's display: what it shows besides the records, and its change counter."""

    __tablename__ = "meeting_room_displays"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    #: The change counter (the poll's ETag, the key of the live page's kept parts): goes
    #: up in the same transaction as every change to what the display shows, to
    #: max(itself + 1, microseconds since 1970), so a value never names two states, not
    #: even after a restore (see room/counter.py).
    version: Mapped[int] = mapped_column(BigInteger, default=lambda: time_stamp())
    #: The agenda item the meeting is on, and its timer (elapsed seconds, running since).
    current_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_items.id", ondelete="SET NULL"))
    timer_elapsed: Mapped[int] = mapped_column(Integer, default=0)
    timer_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The language of the display's fixed words ("en", "es"); empty: the family's.
    language: Mapped[str] = mapped_column(String(8), default="")
    #: Type size for the room (see Preset).
    preset: Mapped[str] = mapped_column(String(20), default=Preset.LARGE_ROOM)
    #: "Snapshot and clear": the display is blank from then on; the final state is kept.
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    snapshot: Mapped[str] = mapped_column(Text, default="")
    snapshot_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The read-back: while active, the display shows item ``readback_step`` (1-based).
    readback_active: Mapped[bool] = mapped_column(Boolean, default=False)
    readback_step: Mapped[int] = mapped_column(Integer, default=0)


class _MeetingItem:
    """A row about one record of a meeting's board, named by its kind and id."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    item_id: Mapped[int] = mapped_column(Integer)


class HiddenItem(_MeetingItem, db.Model):
    """A concern, decision, action item or parking-lot topic kept off the display."""

    __tablename__ = "meeting_display_hidden"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "item_id"),)

    #: concerns, decisions, actions or parking (the meetings' record kinds).
    kind: Mapped[str] = mapped_column(String(20))


class ReadBackMark(_MeetingItem, db.Model):
    """One agreement, decision or action item read aloud at the end of the meeting."""

    __tablename__ = "meeting_readback_marks"
    __table_args__ = (UniqueConstraint("meeting_id", "kind", "item_id"),)

    #: agreement (a concern's agreement), decision or action.
    kind: Mapped[str] = mapped_column(String(20))
    #: confirmed as read, or changed then confirmed (see ReadBackResult).
    result: Mapped[str] = mapped_column(String(20))
    #: Whether it belongs in the IEP or is a side agreement (see Placement).
    placement: Mapped[str] = mapped_column(String(10))
    marked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class SummaryVersion(db.Model):
    """A final (locked) version of the family's summary; a correction adds the next one."""

    __tablename__ = "meeting_summary_versions"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: The summary's content as it was made final (JSON of MeetingSummaryData).
    data: Mapped[str] = mapped_column(Text)
    #: What changed from the version before (JSON list), empty for version 1.
    changes: Mapped[str] = mapped_column(Text, default="[]")
    #: Why a correction was made (said by the facilitator).
    reason: Mapped[str] = mapped_column(String(500), default="")
    made_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
