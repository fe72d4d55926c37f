"""What the room keeps about a meeting, for the family export: the display's final snapshot,
the read-back marks and every final version of the summary (with what each corrected)."""

from __future__ import annotations

import json

from ..extensions import db
from ..meetings.models import Meeting
from .models import HiddenItem, ReadBackMark, RoomDisplay, SummaryVersion


def _row(obj) -> dict:
    """Every column; times as ISO text (rights/export.py writes it with ``default=str``)."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def room_records(meeting: Meeting) -> dict:
    """The room's rows of one meeting, JSON-ready (the snapshot and versions decoded)."""
    def rows(model):
        return list(db.session.execute(db.select(model).where(
            model.meeting_id == meeting.id).order_by(model.id)).scalars())

    displays = [{**_row(d), "snapshot": json.loads(d.snapshot) if d.snapshot else None}
                for d in rows(RoomDisplay)]
    versions = [{**_row(v), "data": json.loads(v.data), "changes": json.loads(v.changes or "[]")}
                for v in rows(SummaryVersion)]
    return {"room_display": displays[0] if displays else None,
            "display_hidden_items": [_row(h) for h in rows(HiddenItem)],
            "readback_marks": [_row(m) for m in rows(ReadBackMark)],
            "summary_versions": versions}
