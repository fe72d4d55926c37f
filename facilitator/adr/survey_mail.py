"""Survey links by mail after a facilitated IEP meeting or mediation is held.

Each participant with an email address (the facilitator aside) gets one
single-use link; after 5 days, those whose link is still unused get one
reminder with a fresh link (the old one is deleted, so each person still has
one usable link). Answers stay unlinked: a SurveyResponse holds no invitation,
case or person. The outbox keeps which invitation a mail carried (``ref``) only
until the reminder is decided, then forgets it; and once a mail is sent its
stored copy loses the link (the token itself is never kept in clear after that).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from ..extensions import db
from ..meetings.mail import participant_language
from ..meetings.models import Meeting, MeetingKind, MeetingStatus, ParticipantRole
from ..meetings.outcomes import OUTCOME_HOOKS
from ..notify.models import MessageStatus, OutboxMessage
from ..notify.sending import SCRUB_AFTER_SEND, STILL_WANTED
from ..notify.services import idempotency_key, public_url, queue_message
from . import meeting_link  # noqa: F401 - the case hook first: the survey needs the case
from .models import AdrCase, SurveyInvitation
from .services import create_invitations, hash_token

REMIND_AFTER = timedelta(days=5)
SURVEY_KINDS = {MeetingKind.FACILITATED_IEP, MeetingKind.MEDIATION}
LINK_RE = re.compile(r"/survey/[A-Za-z0-9_\-]+")


def _case(meeting: Meeting) -> AdrCase | None:
    return db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == meeting.organization_id,
        AdrCase.meeting_id == meeting.id)).scalar_one_or_none()


def _recipients(meeting: Meeting):
    seen = set()
    for p in meeting.participants:
        address = (p.email or "").strip().lower()
        if address and address not in seen and p.role != ParticipantRole.FACILITATOR:
            seen.add(address)
            yield p, address


def _queue(meeting: Meeting, case: AdrCase, p, key: str, kind: str) -> None:
    language = participant_language(p)
    # The link opens the survey in its reader's language, as the mail around it is written.
    token = create_invitations(case, 1, language)[0]
    invitation_id = db.session.execute(db.select(SurveyInvitation.id).where(
        SurveyInvitation.token_hash == hash_token(token))).scalar_one()
    from ..meetings.mail import meeting_context

    queue_message(organization_id=meeting.organization_id, key=key, kind=kind,
                  recipient=p.email, recipient_name=p.name, template=kind, language=language,
                  context={**meeting_context(meeting, language), "person": p.name,
                           "link": public_url("adr.survey", token=token)},
                  meeting_id=meeting.id, case_id=case.id, family_id=meeting.family_id,
                  ref=f"survey:{invitation_id}" if kind == "survey" else None)


def send_survey_links(meeting: Meeting) -> str | None:
    """Outcome hook: a held FIEP or mediation mails each participant's survey link once."""
    if meeting.kind not in SURVEY_KINDS or meeting.status != MeetingStatus.HELD:
        return None
    case = _case(meeting)
    if case is None or case.status != "held":
        return None
    count = 0
    for p, address in _recipients(meeting):
        key = idempotency_key("survey", meeting.id, address)
        if db.session.execute(db.select(OutboxMessage.id).where(
                OutboxMessage.idempotency_key == key)).first() is None:
            _queue(meeting, case, p, key, "survey")
            count += 1
    if not count:
        return None
    return f"A survey link is queued for {count} participant{'s' if count != 1 else ''}."


def queue_survey_reminders(now: datetime) -> int:
    """Five days on: one reminder, with a new link, to each person whose link is unused."""
    rows = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "survey", OutboxMessage.ref.is_not(None),
        OutboxMessage.created_at <= now - REMIND_AFTER)).scalars().all()
    count = 0
    for message in rows:
        invitation = db.session.get(SurveyInvitation, int(message.ref.split(":")[1]))
        message.ref = None  # decided now, either way: forget which link this person had
        meeting = db.session.get(Meeting, message.meeting_id) if message.meeting_id else None
        if invitation is None or invitation.used_at is not None or meeting is None \
                or message.status != MessageStatus.SENT:
            continue
        case = db.session.get(AdrCase, invitation.case_id)
        person = next((p for p, a in _recipients(meeting) if a == message.recipient.lower()),
                      None)
        if person is None or case is None:
            continue
        db.session.delete(invitation)  # the reminder's link replaces it
        _queue(meeting, case, person, idempotency_key("survey_reminder", meeting.id,
                                                      message.recipient.lower()),
               "survey_reminder")
        count += 1
    db.session.flush()
    return count


def _still_wanted(message: OutboxMessage) -> str | None:
    meeting = db.session.get(Meeting, message.meeting_id) if message.meeting_id else None
    if meeting is None or meeting.status != MeetingStatus.HELD:
        return "The meeting is no longer marked held."
    return None


def register() -> None:
    if send_survey_links not in OUTCOME_HOOKS:
        OUTCOME_HOOKS.append(send_survey_links)
    for kind in ("survey", "survey_reminder"):
        STILL_WANTED[kind] = _still_wanted
        SCRUB_AFTER_SEND[kind] = LINK_RE


register()
