"""Making, assigning and updating commitments; each meeting's review date (flush, never commit).

Every change writes one CommitmentUpdate (who, when, through what, what changed,
a note), so the history is the record. Bad input raises CommitmentError with a
sentence a person can act on, before anything changes.
"""

from __future__ import annotations

from datetime import date, timedelta

from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..i18n import family_language, language_code
from ..meetings.models import ActionStatus, Meeting, Participant
from ..meetings.services import local_zone
from .models import Commitment, CommitmentReview, CommitmentSettings, CommitmentUpdate
from .vocabulary import CommitmentStatus, Source, Via

#: A note is short: what happened, in a sentence or two.
NOTE_MAX = 2000
FAMILY_ROLES = ("parent", "student")


class CommitmentError(ValueError):
    """The change cannot be made as asked; the message says what to do instead."""


def today() -> date:
    """Today where the organization works (FACILITATOR_TIMEZONE)."""
    return utcnow().astimezone(local_zone()).date()


def settings_for(org_id: int) -> CommitmentSettings:
    """The organization's settings (defaults when it never changed them; not added)."""
    found = db.session.execute(db.select(CommitmentSettings).where(
        CommitmentSettings.organization_id == org_id)).scalar_one_or_none()
    return found or CommitmentSettings(organization_id=org_id, review_days=30,
                                       remind_days_before=3)


def save_settings(org_id: int, review_days: int, remind_days_before: int) -> None:
    settings = settings_for(org_id)
    settings.review_days, settings.remind_days_before = review_days, remind_days_before
    db.session.add(settings)
    db.session.flush()


# --- owners ------------------------------------------------------------------------------

def owner_choices(org_id: int, meeting: Meeting | None) -> list[tuple[str, str]]:
    """("participant-3", "Rosa Alvarez (Parent or guardian)"), then ("user-7", "Dana Lee")."""
    out = [("", "Someone else (type the name below)")]
    if meeting is not None:
        out += [(f"participant-{p.id}", f"{p.name} ({p.role_label})")
                for p in meeting.participants]
    users = db.session.execute(db.select(User).where(
        User.organization_id == org_id, User.active.is_(True)).order_by(User.name)).scalars()
    out += [(f"user-{u.id}", f"{u.display_name} (staff)") for u in users]
    return out


def _participant_language(p: Participant) -> str:
    if p.language:
        return language_code(p.language)
    if p.role in FAMILY_ROLES:
        return family_language(p.meeting.family)
    return "en"


def resolve_owner(org_id: int, meeting: Meeting | None, choice: str, name: str = "",
                  email: str = "", language: str = "") -> dict:
    """The owner columns for a choice ("user-7", "participant-3" or "" with a typed name).

    A user of another organization, or a participant of another meeting, is refused.
    """
    kind, _, ident = (choice or "").partition("-")
    out = {"owner_user_id": None, "owner_participant_id": None,
           "owner_name": (name or "").strip()[:200], "owner_email": (email or "").strip(),
           "owner_language": language or "en"}
    if kind == "user" and ident.isdigit():
        user = db.session.get(User, int(ident))
        if user is None or user.organization_id != org_id:
            raise CommitmentError("Choose an owner from your organization or the meeting's "
                                  "participants, or type the owner's name.")
        out.update(owner_user_id=user.id, owner_name=user.display_name[:200],
                   owner_email=out["owner_email"] or user.email, owner_language="en")
    elif kind == "participant" and ident.isdigit():
        p = db.session.get(Participant, int(ident))
        if p is None or meeting is None or p.meeting_id != meeting.id \
                or p.organization_id != org_id:
            raise CommitmentError("Choose an owner from this meeting's participants or your "
                                  "organization, or type the owner's name.")
        out.update(owner_participant_id=p.id, owner_name=p.name[:200],
                   owner_email=out["owner_email"] or p.email,
                   owner_language=language or _participant_language(p))
    elif choice:
        raise CommitmentError("Choose an owner from the list, or type the owner's name.")
    elif not out["owner_name"]:
        raise CommitmentError("Say who will do it: choose an owner or type a name.")
    return out


def _check_due(due_on: date | None, previous: date | None = None) -> None:
    if due_on is not None and due_on < today() and due_on != previous:
        raise CommitmentError("The due date is in the past. Choose today or a later day.")


# --- making and changing ----------------------------------------------------------------------

def _history(c: Commitment, *, via: str, user=None, by_name: str = "", note: str = "",
             kind: str = "update", status_from: str = "", due_from: date | None = None
             ) -> CommitmentUpdate:
    if len(note or "") > NOTE_MAX:
        raise CommitmentError(f"Keep the note under {NOTE_MAX} characters.")
    entry = CommitmentUpdate(
        organization_id=c.organization_id, family_id=c.family_id, commitment=c, kind=kind,
        via=via, by_user_id=getattr(user, "id", None), by_name=by_name[:200],
        status_from=status_from, status_to=c.status, due_from=due_from, due_to=c.due_on,
        note=(note or "").strip())
    db.session.add(entry)
    return entry


def create_commitment(*, family_id: int, org_id: int, task: str, owner: dict,
                      due_on: date | None, meeting: Meeting | None = None, case=None,
                      source: str = Source.OTHER, user=None, check_due: bool = True,
                      **links) -> Commitment:
    """A new commitment with its first history line."""
    task = (task or "").strip()
    if not task:
        raise CommitmentError("Say what will be done.")
    if check_due:
        _check_due(due_on)
    c = Commitment(organization_id=org_id, family_id=family_id, meeting=meeting,
                   case_id=getattr(case, "id", None) or _case_of(meeting), source=source,
                   task=task[:500], due_on=due_on, status=CommitmentStatus.NOT_STARTED,
                   **owner, **links)
    db.session.add(c)
    _history(c, via=Via.STAFF if user else Via.SYSTEM, user=user, note="Commitment recorded.")
    db.session.flush()
    if meeting is not None:
        ensure_review(meeting)
    return c


def _case_of(meeting: Meeting | None) -> int | None:
    if meeting is None:
        return None
    from ..adr.models import AdrCase

    return db.session.execute(db.select(AdrCase.id).where(
        AdrCase.organization_id == meeting.organization_id,
        AdrCase.meeting_id == meeting.id)).scalars().first()


def update_commitment(c: Commitment, *, status: str | None = None, due_on: date | None = None,
                      note: str = "", via: str = Via.STAFF, user=None, by_name: str = "",
                      keep_due: bool = False) -> CommitmentUpdate:
    """Change the status and/or due date, with a note, as one history line."""
    if status is not None and status not in CommitmentStatus._value2member_map_:
        raise CommitmentError("Choose one of the listed statuses.")
    old_status, old_due = c.status, c.due_on
    new_due = old_due if keep_due else due_on
    if not keep_due:
        _check_due(new_due, previous=old_due)
    if status == old_status and new_due == old_due and not (note or "").strip():
        raise CommitmentError("Nothing changed: choose a new status or due date, or add a note.")
    if status is not None:
        c.status = status
        if status == CommitmentStatus.DONE and old_status != CommitmentStatus.DONE:
            c.done_on = today()
            c.family_reported_at = None
        elif status != CommitmentStatus.DONE:
            c.done_on = None
    c.due_on = new_due
    c.updated_at = utcnow()
    entry = _history(c, via=via, user=user, by_name=by_name, note=note,
                     status_from=old_status if old_status != c.status else "",
                     due_from=old_due if old_due != c.due_on else None)
    _write_back(c)
    db.session.flush()
    return entry


def set_owner(c: Commitment, owner: dict, user=None) -> None:
    """Give the commitment another owner (the old one's links stop working)."""
    from ..links import services as links

    before = c.owner_display
    for key, value in owner.items():
        setattr(c, key, value)
    c.updated_at = utcnow()
    links.revoke_all("commitment", c.id, "commitment_update")
    _history(c, via=Via.STAFF, user=user, note=f"Owner changed from {before or 'nobody'} "
                                                f"to {owner.get('owner_name') or 'nobody'}.")
    _write_back(c)
    db.session.flush()


def family_report(c: Commitment, note: str, by_name: str) -> CommitmentUpdate:
    """The family says this has not happened: kept in the history, flagged for staff."""
    note = (note or "").strip()
    if not note:
        raise CommitmentError("Tell us in a few words what has not happened.")
    c.family_reported_at = utcnow()
    entry = _history(c, via=Via.FAMILY_LINK, by_name=by_name, note=note,
                     kind="family_not_happened")
    db.session.flush()
    return entry


def _write_back(c: Commitment) -> None:
    """Keep the meeting's action item (shown in the summary) in step with its commitment."""
    if c.action_item_id is None:
        return
    from ..meetings.live_models import ActionItem

    item = db.session.get(ActionItem, c.action_item_id)
    if item is None:
        return
    item.owner = c.owner_display[:200]
    item.due_date = c.due_on
    item.status = {CommitmentStatus.DONE: ActionStatus.DONE,
                   CommitmentStatus.IN_PROGRESS: ActionStatus.IN_PROGRESS}.get(
        c.status, ActionStatus.OPEN)


# --- review ------------------------------------------------------------------------------

def ensure_review(meeting: Meeting) -> CommitmentReview:
    """The meeting's review date (made once: the meeting's day + the organization's days)."""
    found = db.session.execute(db.select(CommitmentReview).where(
        CommitmentReview.meeting_id == meeting.id)).scalar_one_or_none()
    if found is not None:
        return found
    days = settings_for(meeting.organization_id).review_days
    held = meeting.starts_at_utc.astimezone(local_zone()).date()
    review = CommitmentReview(organization_id=meeting.organization_id,
                              family_id=meeting.family_id, meeting_id=meeting.id,
                              review_on=held + timedelta(days=days))
    db.session.add(review)
    db.session.flush()
    return review


def set_review_date(review: CommitmentReview, day: date) -> None:
    if day < today():
        raise CommitmentError("The review date is in the past. Choose today or a later day.")
    review.review_on = day
    review.reviewed_at = None
    db.session.flush()


def mark_reviewed(review: CommitmentReview, user) -> None:
    review.reviewed_at = utcnow()
    review.reviewed_by_id = user.id
    db.session.flush()


def schedule_follow_up(review: CommitmentReview, starts_at, user) -> Meeting:
    """One step: a follow-up meeting with the same participants, to review the commitments."""
    from ..meetings.services import create_meeting

    source = review.meeting
    if starts_at <= utcnow():
        raise CommitmentError("The follow-up meeting must be in the future.")
    meeting = create_meeting(source.family, {
        "kind": "other", "starts_at": starts_at, "duration_minutes": 45,
        "location": source.location, "video_link": source.video_link,
        "facilitator_id": source.facilitator_id or user.id,
        "purpose": "Follow-up: review the commitments made at the meeting of "
                   f"{source.starts_at_utc.astimezone(local_zone()):%B %-d, %Y}."})
    db.session.flush()
    present = {(p.name.strip().casefold(), (p.email or "").strip().lower())
               for p in meeting.participants}
    for p in source.participants:
        if (p.name.strip().casefold(), (p.email or "").strip().lower()) in present:
            continue
        meeting.participants.append(Participant(
            organization_id=source.organization_id, name=p.name, role=p.role, email=p.email,
            language=p.language, needs=p.needs, interpreter_needed=p.interpreter_needed))
    db.session.flush()
    review.follow_up_meeting_id = meeting.id
    mark_reviewed(review, user)
    return meeting
