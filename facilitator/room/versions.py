"""The family's summary from draft to final: a final version is frozen (its content kept
as JSON, never changed); a correction makes the next version and records what changed, and
the family's copy then says it was corrected and which version it is. Flush, never commit.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time

from ..documents import meeting_summary as doc
from ..extensions import db
from ..meetings.models import Meeting
from ..meetings.summary import summary_data
from .models import SummaryVersion
from .readback import marks_for


class VersionError(ValueError):
    """The summary cannot be made final or corrected now; the message says why."""


def _encode(value):
    if isinstance(value, datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if isinstance(value, time):
        return {"__time__": value.isoformat()}
    raise TypeError(type(value))


def _decode(obj: dict):
    if "__datetime__" in obj:
        return datetime.fromisoformat(obj["__datetime__"])
    if "__date__" in obj:
        return date.fromisoformat(obj["__date__"])
    if "__time__" in obj:
        return time.fromisoformat(obj["__time__"])
    return obj


def freeze(data: doc.MeetingSummaryData) -> str:
    return json.dumps(dataclasses.asdict(data), default=_encode, ensure_ascii=False,
                      sort_keys=True)


def _build(cls, raw: dict):
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in raw.items() if k in names})


def thaw(text: str) -> doc.MeetingSummaryData:
    raw = json.loads(text, object_hook=_decode)
    for key, cls in (("participants", doc.Participant), ("concerns", doc.Concern),
                     ("decisions", doc.Decision), ("action_items", doc.ActionItem),
                     ("parking_lot", doc.ParkingLotItem), ("corrections", doc.Correction)):
        raw[key] = [_build(cls, x) for x in raw.get(key) or []]
    if raw.get("next_meeting"):
        raw["next_meeting"] = _build(doc.NextMeeting, raw["next_meeting"])
    return _build(doc.MeetingSummaryData, raw)


def current_data(meeting: Meeting, language: str | None = None) -> doc.MeetingSummaryData:
    """The summary as the records stand now, with the read-back's IEP / side placements."""
    data = summary_data(meeting, language)
    marks = marks_for(meeting)
    for shown, concern in zip(data.concerns, meeting.concerns, strict=True):
        found = marks.get(("agreement", concern.id))
        shown.placement = found.placement if found and shown.agreement else ""
    for shown, decision in zip(data.decisions, meeting.decisions, strict=True):
        found = marks.get(("decision", decision.id))
        shown.placement = found.placement if found else ""
    for shown, action in zip(data.action_items, meeting.action_items, strict=True):
        found = marks.get(("action", action.id))
        shown.placement = found.placement if found else ""
    return data


def versions_of(meeting: Meeting) -> list[SummaryVersion]:
    """Every final version, newest first."""
    return list(db.session.execute(db.select(SummaryVersion).where(
        SummaryVersion.meeting_id == meeting.id).order_by(
        SummaryVersion.number.desc())).scalars())


def _lines(data: doc.MeetingSummaryData) -> dict[str, list[str]]:
    """Each section as the lines a reader compares."""
    return {
        "agreement": [f"{c.text}: {c.agreement}" for c in data.concerns if c.agreement],
        "decision": [d.what for d in data.decisions],
        "action": [f"{a.what} ({a.who or '—'}, {a.due.isoformat() if a.due else '—'})"
                   for a in data.action_items],
        "parking": [p.text for p in data.parking_lot],
        "placement": [f"{x}: {p}" for x, p in
                      [(c.agreement, c.placement) for c in data.concerns if c.placement]
                      + [(d.what, d.placement) for d in data.decisions if d.placement]
                      + [(a.what, a.placement) for a in data.action_items if a.placement]],
    }


def changes_between(old: doc.MeetingSummaryData, new: doc.MeetingSummaryData
                    ) -> list[doc.Correction]:
    """What a correction changed: each section's removed and added lines, paired in order."""
    found: list[doc.Correction] = []
    before, after = _lines(old), _lines(new)
    for section in before:
        removed = [x for x in before[section] if x not in after[section]]
        added = [x for x in after[section] if x not in before[section]]
        for i in range(max(len(removed), len(added))):
            found.append(doc.Correction(section=section,
                                        before=removed[i] if i < len(removed) else "",
                                        after=added[i] if i < len(added) else ""))
    return found


def make_final(meeting: Meeting, user_id: int, reason: str = "") -> SummaryVersion:
    """Freeze the summary as the next final version (1 after the read-back, then corrections)."""
    previous = versions_of(meeting)
    data = current_data(meeting, "en")
    data.corrections = []
    changes: list[doc.Correction] = []
    if previous:
        old = thaw(previous[0].data)
        old.corrections = []
        changes = changes_between(old, data)
        if not changes:
            raise VersionError("Nothing in the summary changed since version "
                               f"{previous[0].number}: change the records first, then make "
                               "the correction.")
        if not reason.strip():
            raise VersionError("Say in a few words what the correction is for.")
    version = SummaryVersion(organization_id=meeting.organization_id, meeting_id=meeting.id,
                             number=(previous[0].number + 1) if previous else 1,
                             data=freeze(data), reason=reason.strip(), made_by_id=user_id,
                             changes=json.dumps([dataclasses.asdict(c) for c in changes],
                                                ensure_ascii=False))
    db.session.add(version)
    db.session.flush()
    return version


def pending_changes(meeting: Meeting) -> list[doc.Correction]:
    """How the records differ from the latest final version (what a correction would carry)."""
    previous = versions_of(meeting)
    if not previous:
        return []
    old = thaw(previous[0].data)
    old.corrections = []
    return changes_between(old, current_data(meeting, "en"))


def family_summary(meeting: Meeting, language: str) -> doc.MeetingSummaryData | None:
    """The family's copy: the latest final version; a draft with the read-back's placements;
    None when neither applies (the meetings feature then builds it as before)."""
    previous = versions_of(meeting)
    if not previous:
        return current_data(meeting, language) if marks_for(meeting) else None
    latest = previous[0]
    data = thaw(latest.data)
    data.language = language
    data.version = latest.number
    data.version_date = latest.made_at.date()
    data.corrections = [_build(doc.Correction, c) for c in json.loads(latest.changes or "[]")]
    return data
