"""Meeting rules: times, defaults, agenda order, status, the reflection and tip-file step,
the calendar file. (Checklists: checklists.py; notes: notes.py.)

Functions flush and never commit; the view commits once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..families.models import Family, TipEntry
from ..families.services import add_tip
from ..i18n import N_
from .live_models import MeetingNote
from .models import (
    AgendaItem,
    GroundRule,
    Meeting,
    MeetingStatus,
    Participant,
    ParticipantRole,
    Reflection,
    as_utc,
)

DEFAULT_TIMEZONE = "America/Los_Angeles"

#: The shape of a facilitated IEP meeting (issue 3; seed 003): a default agenda.
#: The titles are marked: a calendar file mailed to a family shows them in its language.
DEFAULT_AGENDA = (
    (N_("Welcome and introductions"), 10),
    (N_("Purpose of the meeting"), 5),
    (N_("Agenda, ground rules and how decisions are made"), 5),
    (N_("Student strengths and the family's hopes"), 10),
    (N_("Concerns and the IEP work"), 45),
    (N_("Parking lot review"), 5),
    (N_("Next steps, action plan and how the meeting went"), 10),
)

#: A starting set of ground rules, written in our own words; each meeting can change them.
DEFAULT_GROUND_RULES = (
    "Keep the student at the center of every discussion.",
    "One person speaks at a time; everyone gets a turn.",
    "Use plain words; ask when a term or acronym is unclear.",
    "Listen to understand before answering.",
    "It is fine to disagree; stay respectful and talk about ideas, not people.",
    "Anyone may ask for a short break.",
    "Topics off the agenda go to the parking lot so they are not lost.",
    "What is said about other students stays out of the room.",
)


class MeetingError(ValueError):
    """A meeting rule was broken; the message says what to do."""


# --- time --------------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    """The time zone meetings are entered and shown in (FACILITATOR_TIMEZONE)."""
    return ZoneInfo(current_app.config.get("FACILITATOR_TIMEZONE") or DEFAULT_TIMEZONE)


def to_local(value: datetime | None) -> datetime | None:
    value = as_utc(value)
    return value.astimezone(local_zone()) if value is not None else None


def from_local(naive: datetime) -> datetime:
    """A wall-clock time typed by the user, as UTC."""
    return naive.replace(tzinfo=local_zone()).astimezone(UTC)


def local_today_bounds() -> tuple[datetime, datetime]:
    """Start and end of today in the local zone, as UTC."""
    now = utcnow().astimezone(local_zone())
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


# --- meetings ------------------------------------------------------------------------

MEETING_FIELDS = ("kind", "starts_at", "duration_minutes", "location", "video_link",
                  "facilitator_id", "purpose")


def create_meeting(family: Family, data: dict, with_defaults: bool = True) -> Meeting:
    """Plan a meeting for a family with the default agenda, ground rules and empty notes."""
    if family.archived_at is not None:
        raise MeetingError("This family is archived. Bring it back before planning a meeting.")
    meeting = Meeting(organization_id=family.organization_id, family=family)
    _apply_meeting(meeting, data)
    db.session.add(meeting)
    if with_defaults:
        for position, (title, minutes) in enumerate(DEFAULT_AGENDA):
            meeting.agenda_items.append(AgendaItem(
                organization_id=meeting.organization_id, position=position, title=title,
                minutes=minutes))
        for position, text in enumerate(DEFAULT_GROUND_RULES):
            meeting.ground_rules.append(GroundRule(
                organization_id=meeting.organization_id, position=position, text=text))
        # The family's guardians and the facilitator are invited from the start.
        for contact in family.contacts:
            if contact.is_guardian:
                meeting.participants.append(Participant(
                    organization_id=meeting.organization_id, name=contact.name,
                    email=contact.email or "", language=contact.preferred_language or "",
                    role=ParticipantRole.PARENT, interpreter_needed=family.interpreter_needed,
                    needs=(f"Interpreter: {contact.preferred_language or family.primary_language}"
                           if family.interpreter_needed else "")))
        if meeting.facilitator_id is not None:
            facilitator = db.session.get(User, meeting.facilitator_id)
            if facilitator is not None and facilitator.organization_id == family.organization_id:
                meeting.participants.append(Participant(
                    organization_id=meeting.organization_id, name=facilitator.display_name,
                    email=facilitator.email, role=ParticipantRole.FACILITATOR))
    meeting.note = MeetingNote(organization_id=meeting.organization_id, body="", version=0)
    db.session.flush()
    return meeting


def _apply_meeting(meeting: Meeting, data: dict) -> None:
    if data.get("duration_minutes") is not None and data["duration_minutes"] <= 0:
        raise MeetingError("The planned length must be more than zero minutes.")
    for name in MEETING_FIELDS:
        if name in data:
            value = data[name]
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)


def update_meeting(meeting: Meeting, data: dict) -> None:
    """Change when, where and why a meeting happens."""
    _apply_meeting(meeting, data)
    db.session.flush()


def set_status(meeting: Meeting, status: str) -> None:
    if status not in {s.value for s in MeetingStatus}:
        raise MeetingError(f"Unknown status '{status}'.")
    meeting.status = status
    db.session.flush()


def mark_tips_reviewed(meeting: Meeting, user_id: int) -> None:
    """Record who reviewed the family's tip file for this meeting, and when."""
    meeting.tips_reviewed_at = utcnow()
    meeting.tips_reviewed_by_id = user_id
    db.session.flush()


def meetings_today(org_id: int):
    start, end = local_today_bounds()
    return db.select(Meeting).where(Meeting.organization_id == org_id,
                                    Meeting.starts_at >= start, Meeting.starts_at < end)


# --- positioned children (agenda, ground rules) ----------------------------------------


def next_position(items) -> int:
    return max((i.position for i in items), default=-1) + 1


def move(item, siblings: list, direction: str) -> bool:
    """Swap an agenda item or ground rule with its neighbour; False at either end."""
    ordered = sorted(siblings, key=lambda s: (s.position, s.id))
    for index, sibling in enumerate(ordered):
        sibling.position = index  # repair any gaps or ties first
    i = ordered.index(item)
    j = i - 1 if direction == "up" else i + 1
    if j < 0 or j >= len(ordered):
        return False
    ordered[i].position, ordered[j].position = j, i
    db.session.flush()
    return True


# --- after the meeting ---------------------------------------------------------------


def save_reflection(meeting: Meeting, what_worked: str, what_did_not: str,
                    user_id: int) -> Reflection:
    """Keep the facilitator's look back on the meeting."""
    reflection = meeting.reflection
    if reflection is None:
        reflection = Reflection(organization_id=meeting.organization_id)
        meeting.reflection = reflection
    reflection.what_worked = what_worked.strip()
    reflection.what_did_not = what_did_not.strip()
    reflection.author_id = user_id
    db.session.flush()
    return reflection


def reflection_tip_text(meeting: Meeting) -> str:
    """A starting text for the tip-file entry made from a reflection."""
    r = meeting.reflection
    if r is None:
        return ""
    when = to_local(meeting.starts_at).strftime("%d %b %Y")
    parts = [f"From the meeting on {when} ({meeting.kind_label})."]
    if r.what_worked:
        parts.append(f"What worked: {r.what_worked}")
    if r.what_did_not:
        parts.append(f"What did not: {r.what_did_not}")
    return "\n".join(parts)


def reflection_to_tip(meeting: Meeting, kind: str, text: str, user_id: int) -> TipEntry:
    """One step: the reflection becomes an entry in the family's tip file."""
    if meeting.reflection is None:
        raise MeetingError("Write the reflection first, then add it to the tip file.")
    tip = add_tip(meeting.family, kind, text, user_id)
    meeting.reflection.tip_id = tip.id
    db.session.flush()
    return tip


# --- calendar ------------------------------------------------------------------------


def meeting_ics(meeting: Meeting) -> bytes:
    """The meeting as an iCalendar (RFC 5545) file to download (see meetings/calendar.py)."""
    from .calendar import meeting_calendar

    return meeting_calendar(meeting, method="PUBLISH")
