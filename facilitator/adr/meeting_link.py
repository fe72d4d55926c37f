"""A facilitated IEP or mediation meeting held in the app keeps its case up to date.

Registered in the meetings feature's OUTCOME_HOOKS: marking such a meeting held
with its outcome creates or updates the case in the same transaction;
cancelling it withdraws the case ("not held").
"""

from __future__ import annotations

from ..extensions import db
from ..meetings.models import Meeting, MeetingKind, MeetingStatus
from ..meetings.outcomes import OUTCOME_HOOKS
from ..meetings.services import to_local
from .models import AdrCase, Process
from .services import CaseError, record_meeting_outcome

PROCESS_OF_KIND = {
    MeetingKind.FACILITATED_IEP: Process.FACILITATED_IEP,
    MeetingKind.MEDIATION: Process.MEDIATION,
}


def _existing_case(meeting: Meeting) -> AdrCase | None:
    return db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == meeting.organization_id,
        AdrCase.meeting_id == meeting.id)).scalar_one_or_none()


def on_meeting_outcome(meeting: Meeting) -> str | None:
    """Create, update or withdraw the meeting's case; a sentence for the user."""
    process = PROCESS_OF_KIND.get(meeting.kind)
    if process is None:
        return None
    family = meeting.family
    common = {"process": process, "student_ref": family.student_ref or "",
              "school": family.school, "family_id": family.id, "meeting_id": meeting.id}
    try:
        if meeting.status == MeetingStatus.CANCELLED:
            if _existing_case(meeting) is None:
                return None
            case = record_meeting_outcome(meeting.organization_id, held_on=None, agreement=None,
                                          status="withdrawn", **common)
            return f"Dispute-resolution case {case.case_ref} is marked withdrawn (not held)."
        if meeting.status != MeetingStatus.HELD or not meeting.outcome:
            return None
        held_on = to_local(meeting.starts_at).date()
        case = record_meeting_outcome(meeting.organization_id, held_on=held_on,
                                      agreement=meeting.outcome, **common)
    except CaseError as exc:
        raise ValueError(f"The dispute-resolution case could not be updated: {exc}") from exc
    return f"Dispute-resolution case {case.case_ref} is up to date."


def register() -> None:
    if on_meeting_outcome not in OUTCOME_HOOKS:
        OUTCOME_HOOKS.append(on_meeting_outcome)


register()
