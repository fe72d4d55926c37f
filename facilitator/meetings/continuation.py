"""Meetings that run out of time: the meeting is marked continued and a follow-on meeting
carries what was left open (agenda items chosen as open, unresolved concerns, the
parking lot, open action items), with the same participants, ground rules and place.

For the dispute-resolution record the chain is one facilitation: its case belongs to
the first meeting of the chain (``first_of_chain``), see adr/meeting_link.py.
Functions flush and never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..db import utcnow
from ..extensions import db
from .live_models import ActionItem, Concern, ParkingLotItem
from .models import AgendaItem, GroundRule, Meeting, MeetingStatus, Participant
from .outcomes import run_hooks
from .services import MeetingError, create_meeting, to_local
from .vocabulary import ActionStatus, ConcernStatus

#: How many meetings one facilitation may run across (a guard against a loop).
MAX_CHAIN = 50


class MeetingContinuation(db.Model):
    """One meeting continued in a follow-on meeting (each side at most once)."""

    __tablename__ = "meeting_continuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: The meeting that ran out of time.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            unique=True)
    #: The meeting that carries on from it.
    follow_on_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                              unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))


def follow_on_of(meeting: Meeting) -> Meeting | None:
    """The meeting this one continues in, if any."""
    link = db.session.execute(db.select(MeetingContinuation).where(
        MeetingContinuation.meeting_id == meeting.id)).scalar_one_or_none()
    return db.session.get(Meeting, link.follow_on_id) if link else None


def continued_from(meeting: Meeting) -> Meeting | None:
    """The meeting this one carries on from, if any."""
    link = db.session.execute(db.select(MeetingContinuation).where(
        MeetingContinuation.follow_on_id == meeting.id)).scalar_one_or_none()
    return db.session.get(Meeting, link.meeting_id) if link else None


def first_of_chain(meeting: Meeting) -> Meeting:
    """The first meeting of a chain of continued meetings (the meeting itself if none)."""
    current = meeting
    for _ in range(MAX_CHAIN):
        earlier = continued_from(current)
        if earlier is None:
            return current
        current = earlier
    return current


def continue_meeting(meeting: Meeting, starts_at: datetime, duration_minutes: int,
                     open_agenda_ids: set[int], user) -> Meeting:
    """Mark ``meeting`` continued and schedule its follow-on, carrying what is still open."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise MeetingError("A cancelled meeting cannot be continued.")
    if follow_on_of(meeting) is not None:
        raise MeetingError("This meeting is already continued in a follow-on meeting.")
    if starts_at <= meeting.starts_at_utc:
        raise MeetingError("The follow-on meeting must start after this one.")
    when = to_local(meeting.starts_at).strftime("%d %b %Y")
    purpose = f"Continued from the meeting of {when}"
    if meeting.purpose:
        purpose += f": {meeting.purpose}"
    follow = create_meeting(meeting.family, {
        "kind": meeting.kind, "starts_at": starts_at, "duration_minutes": duration_minutes,
        "location": meeting.location, "video_link": meeting.video_link,
        "facilitator_id": meeting.facilitator_id, "purpose": purpose[:2000]},
        with_defaults=False)
    org = meeting.organization_id
    for n, a in enumerate(a for a in meeting.agenda_items if a.id in open_agenda_ids):
        follow.agenda_items.append(AgendaItem(organization_id=org, position=n, title=a.title,
                                              minutes=a.minutes, description=a.description))
    for g in meeting.ground_rules:
        follow.ground_rules.append(GroundRule(organization_id=org, position=g.position,
                                              text=g.text))
    for p in meeting.participants:
        follow.participants.append(Participant(
            organization_id=org, name=p.name, role=p.role, needs=p.needs, email=p.email,
            interpreter_needed=p.interpreter_needed, language=p.language))
    for c in meeting.concerns:
        if c.status != ConcernStatus.AGREED:
            follow.concerns.append(Concern(
                organization_id=org, title=c.title, positions=c.positions,
                interests=c.interests, options=c.options, agreement=c.agreement,
                status=ConcernStatus.OPEN))
    for item in meeting.parking_lot:
        if not item.resolved:
            follow.parking_lot.append(ParkingLotItem(
                organization_id=org, text=item.text, raised_by=item.raised_by,
                follow_up=item.follow_up))
    for a in meeting.action_items:
        if a.status != ActionStatus.DONE:
            follow.action_items.append(ActionItem(
                organization_id=org, task=a.task, owner=a.owner, due_date=a.due_date,
                status=a.status))
    meeting.status = MeetingStatus.CONTINUED
    db.session.add(MeetingContinuation(organization_id=org, meeting_id=meeting.id,
                                       follow_on_id=follow.id,
                                       created_by_id=getattr(user, "id", None)))
    db.session.flush()
    run_hooks(meeting)  # dispute resolution: the facilitation is not over yet
    return follow
