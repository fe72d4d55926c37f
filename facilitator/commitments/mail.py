"""Mail about commitments: the owner's link, reminders before and after the due date,
and the facilitator's review reminder. All through the outbox, each only once.

The worker's clock calls :func:`queue_due` every minute. The idempotency keys hold
the commitment and its due date (a reminder before, one once it has passed), so a
reminder is never made twice; a moved due date is a new date with its own two.
Done or cancelled commitments get none, and one already queued is skipped when the
worker checks it just before sending.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.dates import format_date

from ..auth.models import Organization, User
from ..extensions import db
from ..links import services as links
from ..meetings.models import Meeting
from ..notify.models import OutboxMessage
from ..notify.sending import STILL_WANTED
from ..notify.services import idempotency_key, public_url, queue_message
from .models import Commitment, CommitmentReview, CommitmentSettings
from .services import today
from .vocabulary import CLOSED, OPEN

PURPOSE = "commitment_update"
FAMILY_PURPOSE = "family_commitments"
#: How long an owner's link works after its due date (at least MIN_VALID from now).
VALID_AFTER_DUE = timedelta(days=30)
MIN_VALID = timedelta(days=14)


def owner_link(c: Commitment, user=None) -> str:
    """A new link for the commitment's owner (single purpose, their language, expiring)."""
    valid = MIN_VALID
    if c.due_on is not None:
        valid = max(valid, timedelta(days=(c.due_on - today()).days) + VALID_AFTER_DUE)
    _, token = links.issue(PURPOSE, organization_id=c.organization_id,
                           subject_kind="commitment", subject_id=c.id, family_id=c.family_id,
                           valid_for=valid, language=c.owner_language or "en",
                           created_by=user)
    return links.url("commitments.owner_page", token)


def family_link(meeting: Meeting, language: str, user=None,
                valid_for: timedelta = timedelta(days=180)) -> str:
    """A new link for the family: the meeting's commitments and their status, in ``language``."""
    _, token = links.issue(FAMILY_PURPOSE, organization_id=meeting.organization_id,
                           subject_kind="meeting", subject_id=meeting.id,
                           family_id=meeting.family_id, valid_for=valid_for,
                           language=language, created_by=user)
    return links.url("commitments.family_page", token)


def _context(c: Commitment, language: str) -> dict:
    org = db.session.get(Organization, c.organization_id)
    return {"person": c.owner_display, "task": c.task,
            "due": format_date(c.due_on, "long", locale=language) if c.due_on else "",
            "organization": org.name if org else ""}


def _address(c: Commitment) -> str:
    if c.owner_email:
        return c.owner_email
    user = db.session.get(User, c.owner_user_id) if c.owner_user_id else None
    return user.email if user is not None else ""


def _link_for(c: Commitment) -> str:
    if c.owner_user_id is not None:
        return public_url("commitments.detail", commitment_id=c.id)
    return owner_link(c)


def send_owner_link(c: Commitment, user=None) -> OutboxMessage | None:
    """Mail the owner their link now (a new one each time it is asked for)."""
    address = _address(c)
    if not address:
        return None
    language = c.owner_language or "en"
    from ..db import utcnow

    message, _ = queue_message(
        organization_id=c.organization_id,
        key=idempotency_key("commitment-link", c.id, address, utcnow().isoformat()),
        kind="commitment_link", recipient=address, recipient_name=c.owner_display,
        template="commitment_link", language=language,
        context={**_context(c, language), "link": _link_for(c)},
        meeting_id=c.meeting_id, family_id=c.family_id, ref=f"commitment:{c.id}")
    return message


def _remind(c: Commitment, which: str) -> bool:
    address = _address(c)
    if not address:
        return False
    key = idempotency_key("commitment-reminder", which, c.id, c.due_on.isoformat(),
                          address.lower())
    if db.session.execute(db.select(OutboxMessage.id).where(
            OutboxMessage.idempotency_key == key)).first() is not None:
        return False  # never twice, and no new link for a reminder already made
    language = c.owner_language or "en"
    _, created = queue_message(
        organization_id=c.organization_id, key=key, kind="commitment_reminder",
        recipient=address, recipient_name=c.owner_display, template="commitment_reminder",
        language=language, context={**_context(c, language), "link": _link_for(c),
                                    "overdue": which == "overdue"},
        meeting_id=c.meeting_id, family_id=c.family_id, ref=f"commitment:{c.id}")
    return created


def queue_reminders(now: datetime | None = None, day: date | None = None) -> int:
    """Reminders due today: N days before the due date, and once it has passed."""
    day = day or today()
    before = {s.organization_id: s.remind_days_before for s in db.session.execute(
        db.select(CommitmentSettings)).scalars()}
    horizon = max([3, *before.values()])
    rows = db.session.execute(db.select(Commitment).where(
        Commitment.status.in_([s.value for s in OPEN]), Commitment.due_on.is_not(None),
        Commitment.due_on <= day + timedelta(days=horizon))
        .order_by(Commitment.id)).scalars().all()
    count = 0
    for c in rows:
        if c.due_on < day:
            count += _remind(c, "overdue")
        elif c.due_on - timedelta(days=before.get(c.organization_id, 3)) <= day:
            count += _remind(c, "before")
    return count


def queue_reviews(day: date | None = None) -> int:
    """Ask each facilitator to review a meeting's commitments on its review date."""
    day = day or today()
    count = 0
    reviews = db.session.execute(db.select(CommitmentReview).where(
        CommitmentReview.review_on <= day, CommitmentReview.reviewed_at.is_(None))).scalars()
    for review in reviews:
        meeting = review.meeting
        user = meeting.facilitator
        if user is None or not user.email:
            continue
        org = db.session.get(Organization, review.organization_id)
        _, created = queue_message(
            organization_id=review.organization_id,
            key=idempotency_key("commitment-review", review.id, review.review_on.isoformat()),
            kind="commitment_review", recipient=user.email, recipient_name=user.display_name,
            template="commitment_review", language="en",
            context={"person": user.display_name, "organization": org.name if org else "",
                     "date": format_date(meeting.starts_at_utc.date(), "long", locale="en"),
                     "link": public_url("commitments.meeting_page", meeting_id=meeting.id)},
            meeting_id=meeting.id, family_id=meeting.family_id, ref=f"review:{review.id}")
        count += created
    return count


def queue_due(now: datetime | None = None) -> int:
    """The clock's pass (facilitator/tasks.py): reminders and review requests; open cases
    past a due date settled as not kept (paths.settle)."""
    from .paths import settle

    settle()
    return queue_reminders(now) + queue_reviews()


def _still_wanted(message: OutboxMessage) -> str | None:
    """Checked by the worker just before sending."""
    kind, _, ident = (message.ref or "").partition(":")
    if kind == "commitment" and ident.isdigit():
        c = db.session.get(Commitment, int(ident))
        if c is None:
            return "The commitment was deleted."
        if message.kind == "commitment_reminder" and c.status in CLOSED:
            return f"The commitment is {c.status_label.lower()}: no reminder is needed."
    if kind == "review" and ident.isdigit():
        review = db.session.get(CommitmentReview, int(ident))
        if review is None or review.reviewed_at is not None:
            return "The commitments were already reviewed."
    return None


for _kind in ("commitment_reminder", "commitment_link", "commitment_review"):
    STILL_WANTED[_kind] = _still_wanted
