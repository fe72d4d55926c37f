"""Every action item is a commitment: made with it, kept in step with the meeting page,
cancelled when the item is removed; a meeting's case is linked once it is recorded.

A ``before_flush`` listener, so action items added anywhere (the live page, the
demo, an import) get their commitment in the same transaction.
"""

from __future__ import annotations

from flask import has_request_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ..extensions import db
from ..meetings.live_models import ActionItem
from ..meetings.models import ActionStatus, Meeting
from ..meetings.outcomes import OUTCOME_HOOKS
from .models import Commitment, CommitmentReview, CommitmentUpdate
from .vocabulary import CommitmentStatus, Source, Via

#: The action item's three statuses as a commitment's.
FROM_ACTION = {ActionStatus.OPEN: CommitmentStatus.NOT_STARTED,
               ActionStatus.IN_PROGRESS: CommitmentStatus.IN_PROGRESS,
               ActionStatus.DONE: CommitmentStatus.DONE}
TO_ACTION = {CommitmentStatus.DONE: ActionStatus.DONE,
             CommitmentStatus.IN_PROGRESS: ActionStatus.IN_PROGRESS}


def _user_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    return current_user.id if getattr(current_user, "is_authenticated", False) else None


def _owner_of(meeting: Meeting, name: str) -> dict:
    """A typed owner name matched to a participant of the meeting, when one has that name."""
    from .services import _participant_language

    wanted = (name or "").strip().casefold()
    for p in meeting.participants:
        if wanted and p.name.strip().casefold() == wanted and p.id is not None:
            return {"owner_participant_id": p.id, "owner_email": p.email,
                    "owner_language": _participant_language(p)}
    return {}


def _commitment_for(session: Session, item: ActionItem) -> Commitment | None:
    if item.id is None:
        return None
    return session.execute(db.select(Commitment).where(
        Commitment.action_item_id == item.id)).scalar_one_or_none()


def _new(session: Session, item: ActionItem) -> None:
    meeting = item.meeting or session.get(Meeting, item.meeting_id)
    if meeting is None:
        return
    from .services import _case_of

    status = FROM_ACTION.get(item.status, CommitmentStatus.NOT_STARTED)
    c = Commitment(organization_id=item.organization_id or meeting.organization_id,
                   family=meeting.family, meeting=meeting, action_item=item,
                   source=Source.ACTION_ITEM, task=(item.task or "")[:500],
                   owner_name=(item.owner or "")[:200], due_on=item.due_date, status=status,
                   case_id=_case_of(meeting) if meeting.id else None,
                   **_owner_of(meeting, item.owner))
    session.add(c)
    session.add(CommitmentUpdate(
        organization_id=c.organization_id, family=meeting.family, commitment=c,
        via=Via.STAFF if _user_id() else Via.SYSTEM, by_user_id=_user_id(),
        status_to=c.status, due_to=c.due_on, note="Recorded as an action item."))
    _review(session, meeting)


def _review(session: Session, meeting: Meeting) -> None:
    """The meeting's review date, made with its first commitment (once per flush)."""
    from datetime import timedelta

    from ..meetings.services import local_zone
    from .services import settings_for

    seen = session.info.setdefault("commitments.reviewed", set())
    if id(meeting) in seen:
        return
    seen.add(id(meeting))
    if meeting.id is not None and session.execute(db.select(CommitmentReview.id).where(
            CommitmentReview.meeting_id == meeting.id)).first() is not None:
        return
    held = meeting.starts_at_utc.astimezone(local_zone()).date()
    days = settings_for(meeting.organization_id).review_days
    session.add(CommitmentReview(organization_id=meeting.organization_id or
                                 meeting.family.organization_id, family=meeting.family,
                                 meeting=meeting, review_on=held + timedelta(days=days)))


def _changed(session: Session, item: ActionItem) -> None:
    c = _commitment_for(session, item)
    if c is None:
        return
    state = inspect(item)
    if not any(state.attrs[n].history.has_changes()
               for n in ("task", "owner", "due_date", "status")):
        return
    old_status, old_due = c.status, c.due_on
    c.task = (item.task or "")[:500]
    if (item.owner or "") != c.owner_display:
        c.owner_name, c.owner_user_id, c.owner_participant_id = (item.owner or "")[:200], None, None
    c.due_on = item.due_date
    if TO_ACTION.get(c.status, ActionStatus.OPEN) != item.status:
        c.status = FROM_ACTION.get(item.status, c.status)
        from .services import today

        c.done_on = (c.done_on or today()) if c.status == CommitmentStatus.DONE else None
    if (c.status, c.due_on) != (old_status, old_due):
        session.add(CommitmentUpdate(
            organization_id=c.organization_id, family_id=c.family_id, commitment=c,
            via=Via.STAFF, by_user_id=_user_id(),
            status_from=old_status if old_status != c.status else "", status_to=c.status,
            due_from=old_due if old_due != c.due_on else None, due_to=c.due_on,
            note="Changed on the meeting page."))


def _removed(session: Session, item: ActionItem) -> None:
    c = _commitment_for(session, item)
    if c is None or c.status == CommitmentStatus.CANCELLED:
        return
    old = c.status
    c.status = CommitmentStatus.CANCELLED
    c.action_item_id = None
    session.add(CommitmentUpdate(
        organization_id=c.organization_id, family_id=c.family_id, commitment=c,
        via=Via.STAFF, by_user_id=_user_id(), status_from=old, status_to=c.status,
        note="The action item was removed from the meeting."))


@event.listens_for(Session, "before_flush")
def _follow_action_items(session: Session, flush_context, instances) -> None:
    """Make, update or cancel the commitment of each action item in this flush."""
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, ActionItem):
                _new(session, obj)
        for obj in list(session.dirty):
            if isinstance(obj, ActionItem):
                _changed(session, obj)
        for obj in list(session.deleted):
            if isinstance(obj, ActionItem):
                _removed(session, obj)
    session.info.pop("commitments.reviewed", None)


def link_case(meeting: Meeting) -> None:
    """Once a meeting's case exists (it was just marked held), its commitments carry it."""
    from .services import _case_of

    case_id = _case_of(meeting)
    if case_id is not None:
        db.session.execute(db.update(Commitment).where(
            Commitment.meeting_id == meeting.id, Commitment.case_id.is_(None))
            .values(case_id=case_id).execution_options(synchronize_session=False))
        from .paths import refresh_cases

        refresh_cases([case_id])
    return None


OUTCOME_HOOKS.append(link_case)
