"""The organization's commitments page, its CSV, and the start page's short lists.

One filtered SELECT with the meeting and family joined, paged by the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from .. import access
from ..extensions import db
from ..families.models import Family
from ..web import protect
from .models import Commitment, CommitmentReview
from .services import today
from .vocabulary import OPEN, CommitmentStatus

VIEWS = {"all": "All commitments", "week": "Due this week", "overdue": "Overdue",
         "reported": "Family says it has not happened", "open": "Still open"}
CSV_HEADER = ["id", "task", "owner", "owner_email", "due_on", "status", "done_on",
              "school", "student", "meeting_date", "source", "family_reported_at",
              "last_update"]


@dataclass
class Filters:
    view: str = "all"
    status: str = ""
    school: str = ""
    owner: str = ""
    meeting: int | None = None

    @classmethod
    def from_args(cls, args) -> Filters:
        from ..validation import query_text

        view = args.get("view", "all")
        status = args.get("status", "")
        meeting = args.get("meeting", "")
        return cls(view=view if view in VIEWS else "all",
                   status=status if status in CommitmentStatus._value2member_map_ else "",
                   school=query_text(args.get("school")),
                   owner=query_text(args.get("owner")),
                   meeting=int(meeting) if meeting.isdigit() and len(meeting) < 10 else None)

    def args(self) -> dict:
        return {k: v for k, v in vars(self).items() if v not in ("", None, "all")}


def statement(org_id: int, f: Filters, day: date | None = None):
    """The filtered commitments of an organization, soonest due first."""
    day = day or today()
    open_ = [s.value for s in OPEN]
    stmt = (access.restrict(select(Commitment), Commitment, org_id)
            .join(Family, Family.id == Commitment.family_id)
            .options(joinedload(Commitment.family), joinedload(Commitment.meeting),
                     joinedload(Commitment.owner_user)))
    if f.view == "week":
        stmt = stmt.where(Commitment.status.in_(open_), Commitment.due_on >= day,
                          Commitment.due_on <= day + timedelta(days=7))
    elif f.view == "overdue":
        stmt = stmt.where(Commitment.status.in_(open_), Commitment.due_on < day)
    elif f.view == "reported":
        stmt = stmt.where(Commitment.family_reported_at.is_not(None))
    elif f.view == "open":
        stmt = stmt.where(Commitment.status.in_(open_))
    if f.status:
        stmt = stmt.where(Commitment.status == f.status)
    if f.school:
        stmt = stmt.where(Family.school == f.school)
    if f.owner:
        stmt = stmt.where(Commitment.owner_name.ilike(f"%{_like(f.owner)}%", escape="\\"))
    if f.meeting is not None:
        stmt = stmt.where(Commitment.meeting_id == f.meeting)
    return stmt.order_by(Commitment.due_on.is_(None), Commitment.due_on, Commitment.id)


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def schools(org_id: int) -> list[str]:
    return list(db.session.execute(select(Family.school).distinct().join(
        Commitment, Commitment.family_id == Family.id).where(
        Commitment.organization_id == org_id, Family.school != "")
        .order_by(Family.school)).scalars())


def csv_rows(org_id: int, f: Filters):
    """The header, then one formula-safe row per commitment (every cell through protect)."""
    yield CSV_HEADER
    for c in db.session.execute(statement(org_id, f)).unique().scalars():
        last = c.updates[0] if c.updates else None
        yield [protect(str(v)) for v in (
            c.id, c.task, c.owner_display, c.owner_email,
            c.due_on.isoformat() if c.due_on else "", c.status,
            c.done_on.isoformat() if c.done_on else "", c.family.school,
            c.family.student_name,
            c.meeting.starts_at_utc.date().isoformat() if c.meeting else "", c.source,
            c.family_reported_at.isoformat() if c.family_reported_at else "",
            last.note if last else "")]


def start_page(user) -> dict:
    """What the start page shows the user: their open commitments, reviews due, reports."""
    day = today()
    open_ = [s.value for s in OPEN]
    mine = db.session.execute(select(Commitment).where(
        Commitment.organization_id == user.organization_id,
        or_(Commitment.owner_user_id == user.id),
        Commitment.status.in_(open_)).order_by(Commitment.due_on.is_(None), Commitment.due_on)
        .limit(20)).scalars().all()
    from ..meetings.models import Meeting

    reviews = db.session.execute(select(CommitmentReview).join(
        Meeting, Meeting.id == CommitmentReview.meeting_id).where(
        CommitmentReview.organization_id == user.organization_id,
        Meeting.facilitator_id == user.id, CommitmentReview.reviewed_at.is_(None),
        CommitmentReview.review_on <= day).order_by(CommitmentReview.review_on)
        .limit(20)).scalars().all()
    reported = db.session.execute(select(Commitment).join(
        Meeting, Meeting.id == Commitment.meeting_id).where(
        Commitment.organization_id == user.organization_id,
        Meeting.facilitator_id == user.id, Commitment.family_reported_at.is_not(None))
        .order_by(Commitment.family_reported_at.desc()).limit(20)).scalars().all()
    return {"mine": mine, "reviews": reviews, "reported": reported, "today": day}
