"""Demo family input: the Kim family shared what they want the team to know before
Noah's eligibility meeting (strengths, concerns, priorities, an interpreter needed), so
the Prepare page shows a family's voice and its concerns can go on the board."""

from __future__ import annotations

from datetime import timedelta

from ..db import utcnow
from ..extensions import db
from ..meetings.models import Meeting, MeetingKind, MeetingStatus
from .models import FamilyConcern, InputStatus
from .services import guardians, input_for

CONCERNS = (
    "Noah gets upset when the classroom is loud and we do not know how the school helps him.",
    "We want to understand the evaluation results before anything is decided.",
)


def load(ctx) -> None:
    """Add the Kim family's shared input (flushes, no commit)."""
    org = ctx.orgs["riverside"]
    meeting = db.session.execute(db.select(Meeting).where(
        Meeting.organization_id == org.id, Meeting.kind == MeetingKind.ELIGIBILITY,
        Meeting.status == MeetingStatus.SCHEDULED)).scalars().first()
    if meeting is None or not guardians(meeting):
        return
    item = input_for(meeting, guardians(meeting)[0])
    item.strengths = ("Noah loves building with blocks and counts everything he sees. "
                      "He is kind to his little sister.")
    item.working = "The picture schedule his teacher made helps him in the morning."
    item.priorities = "A plan the whole team understands, and a way to hear how he is doing."
    item.questions = "Who will explain the test results to us, and can we ask questions?"
    item.bringing = "Noah's grandmother."
    item.need_interpreter = True
    item.needs_note = "A Korean interpreter, please. Mornings are easier for us."
    for n, text in enumerate(CONCERNS):
        item.concerns.append(FamilyConcern(organization_id=org.id, meeting_id=meeting.id,
                                           position=n, text=text))
    item.status = InputStatus.SHARED
    item.shared_at = utcnow() - timedelta(days=1)
    db.session.flush()
