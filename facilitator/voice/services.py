"""Family input: make the guardian's link, keep what they share, put a concern on the
board (flush, never commit; the view commits once)."""

from __future__ import annotations

import re
from datetime import timedelta

from ..db import utcnow
from ..extensions import db
from ..links import services as links
from ..meetings.live_models import Concern
from ..meetings.mail import meeting_context, participant_language
from ..meetings.models import Meeting, Participant, ParticipantRole, as_utc
from ..notify.services import idempotency_key, queue_message
from .forms import CONCERNS, FamilyInputForm
from .models import FamilyConcern, FamilyInput, InputStatus

PURPOSE = "family_input"
ENDPOINT = "voice.form"
#: After the meeting starts the link still shows what was shared (read-only) this long.
READ_AFTER_START = timedelta(days=14)
FIELDS = ("strengths", "working", "priorities", "questions", "bringing", "needs_note",
          "need_interpreter", "need_childcare", "need_transport", "need_other_time")
#: The link in a sent message's stored copy is removed once it is sent (the token is
#: never kept; the hash is).
LINK_RE = re.compile(r"https?://\S+/family-input/[A-Za-z0-9_\-]+")


class VoiceError(ValueError):
    """What the facilitator asked cannot be done; the message says why."""


def guardians(meeting: Meeting) -> list[Participant]:
    """The meeting's parents and guardians with an email address (who may get a link)."""
    return [p for p in meeting.participants
            if p.role == ParticipantRole.PARENT and (p.email or "").strip()]


def inputs_for(meeting: Meeting) -> list[FamilyInput]:
    """Every guardian's input for the meeting, oldest first."""
    return list(db.session.execute(db.select(FamilyInput).where(
        FamilyInput.meeting_id == meeting.id).order_by(FamilyInput.id)).scalars())


def started(meeting: Meeting) -> bool:
    """Whether the meeting has started (after that, the family's input is read-only)."""
    return as_utc(meeting.starts_at) <= utcnow()


def input_for(meeting: Meeting, participant: Participant) -> FamilyInput:
    """This guardian's input row for the meeting, made when first needed."""
    found = db.session.execute(db.select(FamilyInput).where(
        FamilyInput.meeting_id == meeting.id,
        FamilyInput.participant_id == participant.id)).scalar_one_or_none()
    if found is None:
        found = FamilyInput(organization_id=meeting.organization_id, meeting_id=meeting.id,
                            family_id=meeting.family_id, participant_id=participant.id,
                            guardian_name=participant.name,
                            language=participant_language(participant))
        db.session.add(found)
        db.session.flush()
    return found


def issue_link(item: FamilyInput, meeting: Meeting, user=None) -> str:
    """A new link for this guardian (earlier ones stop working); its address for a mail."""
    if started(meeting):
        raise VoiceError("The meeting has started: the family's form is closed.")
    links.revoke_all("family_input", item.id, PURPOSE)
    valid = as_utc(meeting.starts_at) + READ_AFTER_START - utcnow()
    link, token = links.issue(PURPOSE, organization_id=item.organization_id,
                              subject_kind="family_input", subject_id=item.id,
                              family_id=item.family_id, language=item.language,
                              valid_for=valid, created_by=user)
    return links.url(ENDPOINT, token)


def send_link(meeting: Meeting, participant: Participant, user) -> FamilyInput:
    """Queue the guardian's link in its own message, in their language (a resend makes a
    new link and the old one stops working)."""
    item = input_for(meeting, participant)
    url = issue_link(item, meeting, user)
    key = idempotency_key("family-input", item.id, url.rsplit("/", 1)[-1][:12])
    queue_message(organization_id=meeting.organization_id, key=key, kind="family_input",
                  recipient=participant.email, recipient_name=participant.name,
                  template="family_input", language=item.language,
                  context={**meeting_context(meeting, item.language),
                           "person": participant.name, "url": url},
                  meeting_id=meeting.id, family_id=meeting.family_id)
    return item


def with_invitation(meeting: Meeting, participant: Participant) -> FamilyInput:
    """Put this guardian's link in the meeting invitation (and its updates) from now on."""
    item = input_for(meeting, participant)
    item.with_invitation = True
    db.session.flush()
    return item


def invitation_extra(meeting: Meeting, participant: Participant, kind: str) -> dict:
    """For meetings/mail.py: the family-input link for an invitation, when chosen."""
    if kind not in ("invitation", "update") or started(meeting):
        return {}
    item = db.session.execute(db.select(FamilyInput).where(
        FamilyInput.meeting_id == meeting.id, FamilyInput.participant_id == participant.id,
        FamilyInput.with_invitation.is_(True))).scalar_one_or_none()
    if item is None:
        return {}
    return {"family_input_url": issue_link(item, meeting)}


def fill_form(form: FamilyInputForm, item: FamilyInput) -> None:
    """The form holding what the guardian shared before (to change it)."""
    for name in FIELDS:
        getattr(form, name).data = getattr(item, name)
    for n, concern in enumerate(item.concerns[:CONCERNS], 1):
        getattr(form, f"concern_{n}").data = concern.text


def share(item: FamilyInput, form: FamilyInputForm) -> None:
    """Keep what the guardian shares; a concern already on the board stays linked to it."""
    for name in FIELDS:
        value = getattr(form, name).data
        setattr(item, name, (value or "").strip() if isinstance(value, str) else bool(value))
    kept = {c.text: c for c in item.concerns}
    item.concerns = []
    db.session.flush()
    for n, text in enumerate(form.concern_texts()):
        old = kept.get(text)
        item.concerns.append(FamilyConcern(
            organization_id=item.organization_id, meeting_id=item.meeting_id, position=n,
            text=text, board_concern_id=old.board_concern_id if old else None))
    item.status = InputStatus.SHARED
    item.shared_at = utcnow()
    db.session.flush()


def to_board(concern: FamilyConcern, meeting: Meeting) -> Concern:
    """Put one of the family's concerns on the meeting's board, in their words as written."""
    if concern.board_concern_id is not None:
        existing = db.session.get(Concern, concern.board_concern_id)
        if existing is not None:
            return existing
    text = concern.text
    title = text if len(text) <= 300 else text[:299] + "…"
    who = concern.family_input.guardian_name or "The family"
    board = Concern(organization_id=meeting.organization_id, meeting_id=meeting.id,
                    title=title, positions=f"{who} (before the meeting): {text}")
    db.session.add(board)
    db.session.flush()
    concern.board_concern_id = board.id
    db.session.flush()
    return board
