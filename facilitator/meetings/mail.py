"""Mail about meetings: invitations, updates, cancellations and reminders.

Everything here is idempotent and derived from the meeting as it is now:
:func:`sync_invitations` makes sure every participant with an email address
has the invitation (or update, or cancellation) for the meeting's current
calendar SEQUENCE, and the worker's clock calls :func:`sync_upcoming` and
:func:`queue_due_reminders` every minute. The idempotency keys hold the
meeting's UID, SEQUENCE (and for reminders the start time and the day), so a
moved or cancelled meeting's old reminder is a different message that is
never made; one already queued is skipped when the worker re-checks it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, selectinload

from ..auth.models import Organization
from ..db import utcnow
from ..extensions import db
from ..i18n import gettext_for, language_code
from ..notify.models import MessageStatus, OutboxMessage
from ..notify.sending import STILL_WANTED
from ..notify.services import idempotency_key, queue_message
from .calendar import meeting_calendar, organizer_address
from .models import Meeting, MeetingStatus, Participant, ParticipantRole, as_utc
from .services import local_zone

#: Changing one of these changes the calendar event: SEQUENCE goes up.
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "location", "video_link")
FAMILY_ROLES = {ParticipantRole.PARENT, ParticipantRole.STUDENT}
INVITE_KINDS = ("invitation", "update")
#: Features that add to an invitation (or update) for one participant, e.g. the family's
#: input link: (meeting, participant, kind) -> extra template values.
INVITATION_EXTRAS: list = []
#: An invitation in one of these states reached (or may have reached) the person.
WENT_OUT = (MessageStatus.SENT, MessageStatus.SENDING)


@event.listens_for(Session, "before_flush")
def _bump_sequence(session: Session, flush_context, instances) -> None:
    """A meeting whose time, place, link or cancellation changed gets a new SEQUENCE."""
    for obj in session.dirty:
        if not isinstance(obj, Meeting):
            continue
        state = inspect(obj)
        changed = False
        for name in CALENDAR_FIELDS:
            hist = state.attrs[name].history
            if hist.deleted and hist.added:
                old, new = hist.deleted[0], hist.added[0]
                if name == "starts_at":
                    old, new = as_utc(old), as_utc(new)
                changed = changed or old != new
        hist = state.attrs.status.history
        if hist.deleted and hist.added and MeetingStatus.CANCELLED in (
                hist.deleted[0], hist.added[0]) and hist.deleted[0] != hist.added[0]:
            changed = True
        if changed:
            obj.calendar_sequence = (obj.calendar_sequence or 0) + 1


def participant_language(p: Participant) -> str:
    """The person's own language, else the family's for the family's side, else English."""
    if p.language:
        return language_code(p.language)
    if p.role in FAMILY_ROLES:
        return language_code(p.meeting.family.primary_language)
    return "en"


def meeting_context(meeting: Meeting, language: str) -> dict:
    """What the meeting mails say, with the date, time and labels written for ``language``."""
    _ = gettext_for(language)
    zone: ZoneInfo = local_zone()
    start = meeting.starts_at_utc.astimezone(zone)
    org = db.session.get(Organization, meeting.organization_id)
    contact_name, contact_email = organizer_address(meeting)
    return {
        "meeting": meeting,
        "kind": _(meeting.kind_label),
        # The calendar title (kind and organization, no names) in the reader's language.
        "title": f"{_(meeting.kind_label)} ({org.name})" if org else _(meeting.kind_label),
        "organization": org.name if org else "",
        "date": format_date(start.date(), "full", locale=language),
        "time": format_time(start, "short", tzinfo=zone, locale=language),
        "zone": get_timezone_name(zone, locale=language),
        "duration": meeting.duration_minutes,
        "location": meeting.location,
        "video_link": meeting.video_link,
        "purpose": meeting.purpose,
        "people": [(p.name, _(p.role_label)) for p in meeting.participants],
        "contact_name": contact_name,
        "contact_email": contact_email,
    }


def _recipients(meeting: Meeting) -> list[Participant]:
    seen, out = set(), []
    for p in meeting.participants:
        address = (p.email or "").strip().lower()
        if address and address not in seen:
            seen.add(address)
            out.append(p)
    return out


def _already_invited(meeting: Meeting) -> set[str]:
    """Who has had an invitation or update go out (one skipped as stale or never sent does
    not count: that person's next message must be an invitation, not "Changed:")."""
    return {r.lower() for r in db.session.execute(db.select(OutboxMessage.recipient).where(
        OutboxMessage.meeting_id == meeting.id, OutboxMessage.kind.in_(INVITE_KINDS),
        OutboxMessage.status.in_(WENT_OUT))).scalars()}


def _known_keys(meeting: Meeting) -> set[str]:
    return set(db.session.execute(db.select(OutboxMessage.idempotency_key).where(
        OutboxMessage.meeting_id == meeting.id)).scalars())


def _queue(meeting: Meeting, p: Participant, kind: str, template: str, key: str,
           attachment: tuple[str, str, bytes] | None, **extra) -> None:
    language = participant_language(p)
    for hook in INVITATION_EXTRAS:
        extra.update(hook(meeting, p, kind))
    queue_message(
        organization_id=meeting.organization_id, key=key, kind=kind, recipient=p.email,
        recipient_name=p.name, reply_to=organizer_address(meeting)[1], template=template,
        language=language, context={**meeting_context(meeting, language), "person": p.name,
                                    **extra},
        attachment=attachment, meeting_id=meeting.id, family_id=meeting.family_id,
        meeting_sequence=meeting.calendar_sequence)


def sync_invitations(meeting: Meeting, now: datetime | None = None,
                     sent: tuple[set[str], set[str]] | None = None) -> int:
    """Queue what each participant lacks for the meeting's current version; returns the count.

    ``sent`` is (keys, invited addresses) already in the outbox, when the caller has them.
    """
    now = now or utcnow()
    if meeting.starts_at_utc <= now or meeting.status == MeetingStatus.HELD:
        return 0
    known, invited = sent if sent is not None else (_known_keys(meeting),
                                                      _already_invited(meeting))
    seq = meeting.calendar_sequence
    count = 0
    calendars: dict[str, bytes] = {}  # one file per language: the reader's title and agenda
    for p in _recipients(meeting):
        address = p.email.strip().lower()
        if meeting.status == MeetingStatus.CANCELLED:
            key = idempotency_key("cancel", meeting.calendar_uid, seq, address)
            if address not in invited or key in known:
                continue
            method, kind = "CANCEL", "cancellation"
        else:
            key = idempotency_key("invite", meeting.calendar_uid, seq, address)
            if key in known:
                continue
            method, kind = "REQUEST", "update" if address in invited else "invitation"
        language = participant_language(p)
        if language not in calendars:
            calendars[language] = meeting_calendar(meeting, method=method, language=language)
        _queue(meeting, p, kind, kind, key, ("meeting.ics",
               f"text/calendar; method={method}; charset=utf-8", calendars[language]))
        count += 1
    return count


def sync_upcoming(now: datetime) -> int:
    """The clock's pass: invitations for participants added since the last change."""
    meetings = db.session.execute(db.select(Meeting).where(
        Meeting.starts_at > now, Meeting.status != MeetingStatus.HELD)
        .options(selectinload(Meeting.participants))).scalars().all()
    sent: dict[int, tuple[set[str], set[str]]] = {m.id: (set(), set()) for m in meetings}
    for chunk in range(0, len(meetings), 500):  # what the outbox holds, in a few queries
        ids = [m.id for m in meetings[chunk:chunk + 500]]
        for meeting_id, key, recipient, kind, status in db.session.execute(db.select(
                OutboxMessage.meeting_id, OutboxMessage.idempotency_key,
                OutboxMessage.recipient, OutboxMessage.kind, OutboxMessage.status).where(
                OutboxMessage.meeting_id.in_(ids))):
            sent[meeting_id][0].add(key)
            if kind in INVITE_KINDS and status in WENT_OUT:
                sent[meeting_id][1].add(recipient.lower())
    return sum(sync_invitations(m, now, sent[m.id]) for m in meetings)


def queue_due_reminders(now: datetime) -> int:
    """Reminders N days before (the organization's reminder days), each only once."""
    days_of = {o.id: o.reminder_day_list for o in db.session.execute(
        db.select(Organization)).scalars()}
    horizon = max((d for days in days_of.values() for d in days), default=0)
    if not horizon:
        return 0
    meetings = db.session.execute(db.select(Meeting).where(
        Meeting.status == MeetingStatus.SCHEDULED, Meeting.starts_at > now,
        Meeting.starts_at <= now + timedelta(days=horizon))
        .options(selectinload(Meeting.participants))).scalars().all()
    count = 0
    for meeting in meetings:
        start = meeting.starts_at_utc
        known = None
        for days in days_of.get(meeting.organization_id, []):
            due = start - timedelta(days=days)
            # Due for one day; a meeting planned after that moment got its invitation instead.
            if not (due <= now < due + timedelta(days=1)) or as_utc(meeting.created_at) > due:
                continue
            known = known if known is not None else _known_keys(meeting)
            for p in _recipients(meeting):
                key = idempotency_key("reminder", meeting.calendar_uid,
                                      meeting.calendar_sequence, start.isoformat(), days,
                                      p.email.strip().lower())
                if key not in known:
                    _queue(meeting, p, "reminder", "reminder", key, None, days=days)
                    count += 1
    return count


def _still_wanted(message: OutboxMessage) -> str | None:
    """Checked by the worker just before sending: is this still the meeting as it is?"""
    meeting = db.session.get(Meeting, message.meeting_id) if message.meeting_id else None
    if meeting is None:
        return "The meeting was deleted."
    if message.meeting_sequence is not None \
            and meeting.calendar_sequence != message.meeting_sequence:
        return "The meeting changed after this was written; a newer message replaces it."
    if message.kind == "cancellation":
        return None if meeting.status == MeetingStatus.CANCELLED else "The meeting is on again."
    if meeting.status != MeetingStatus.SCHEDULED:
        return f"The meeting is {meeting.status_label.lower()}."
    if meeting.starts_at_utc <= utcnow():
        return "The meeting has already started."
    return None


for _kind in ("invitation", "update", "cancellation", "reminder"):
    STILL_WANTED[_kind] = _still_wanted
