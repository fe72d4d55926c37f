"""A facilitated IEP or mediation meeting held in the app keeps its case up to date.

Registered in the meetings feature's OUTCOME_HOOKS: marking such a meeting held
with its outcome creates or updates the case in the same transaction;
cancelling it withdraws the case ("not held").

A meeting continued in follow-on meetings is one facilitation: the chain has one
case, kept on its first meeting. Continuing puts that case back to pending; the
follow-on held with its outcome closes it; a cancelled follow-on leaves it be.
"""

from __future__ import annotations

from ..extensions import db
from ..meetings.continuation import first_of_chain
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
    first = first_of_chain(meeting)
    common = {"process": process, "student_ref": family.student_ref or "",
              "school": family.school, "family_id": family.id, "meeting_id": first.id}
    try:
        if meeting.status == MeetingStatus.CONTINUED:
            if _existing_case(first) is None:
                return None
            case = record_meeting_outcome(meeting.organization_id, held_on=None, agreement=None,
                                          status="pending", **common)
            return f"Dispute-resolution case {case.case_ref} is pending until the follow-on."
        if meeting.status == MeetingStatus.CANCELLED:
            if first is not meeting or _existing_case(meeting) is None:
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
