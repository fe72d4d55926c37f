"""The family's meeting summary and action plan: from a meeting to a Word file.

The Word layout lives in :mod:`facilitator.documents.meeting_summary`; this
module only maps a meeting's records onto it and serves the download, which
is recorded (who, when).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_login import current_user

from .. import access, audit, i18n
from ..auth.models import Organization
from ..db import begin_write
from ..documents import meeting_summary as doc
from ..extensions import db
from ..web import attachment
from .models import (
    Attendance,
    ConcernStatus,
    Meeting,
    MeetingStatus,
    SummaryDownload,
)
from .services import local_zone, to_local
from .views import bp

#: Features above meetings give the family's copy (the room: a final, locked version, or a
#: draft with the read-back's marks): each provider takes the meeting and a language and
#: returns the data, or None to leave it to the next (in the end, summary_data).
FAMILY_SUMMARY: list[Callable[[Meeting, str], doc.MeetingSummaryData | None]] = []

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in (text or "").splitlines() if line.strip(" -•\t")]


def _next_meeting(meeting: Meeting) -> doc.NextMeeting | None:
    nxt = db.session.execute(
        db.select(Meeting).where(
            Meeting.family_id == meeting.family_id,
            Meeting.organization_id == meeting.organization_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.starts_at > meeting.starts_at,
        ).order_by(Meeting.starts_at).limit(1)
    ).scalar_one_or_none()
    if nxt is None:
        return None
    return doc.NextMeeting(when=to_local(nxt.starts_at).replace(tzinfo=None),
                           place=nxt.location or (i18n.N_("Video call") if nxt.video_link
                                                  else ""),
                           purpose=nxt.purpose or nxt.kind_label)


def summary_data(meeting: Meeting, language: str | None = None) -> doc.MeetingSummaryData:
    """Everything the family's summary shows, in ``language`` (default: the family's)."""
    start = to_local(meeting.starts_at)
    end = to_local(meeting.ends_at_utc)
    facilitator = meeting.facilitator.display_name if meeting.facilitator else ""
    # A parked concern has no agreement yet: the document says so in plain words.
    concerns = [doc.Concern(text=c.title, interests=_lines(c.interests),
                            options=_lines(c.options),
                            agreement="" if c.status == ConcernStatus.PARKED
                            else c.agreement.strip())
                for c in meeting.concerns]
    organization = db.session.get(Organization, meeting.organization_id)
    return doc.MeetingSummaryData(
        student_name=meeting.family.student_name,
        meeting_date=start.date(),
        kind=meeting.kind_label,
        start_time=start.time().replace(tzinfo=None),
        end_time=end.time().replace(tzinfo=None),
        place=meeting.location or (i18n.N_("Video call") if meeting.video_link else ""),
        facilitator=facilitator,
        purpose=meeting.purpose,
        organization_name=organization.name if organization else "",
        participants=[doc.Participant(name=p.name, role=p.role_label,
                                      attended=p.attendance == Attendance.ATTENDED)
                      for p in meeting.participants
                      if p.attendance in (Attendance.ATTENDED, Attendance.ABSENT)
                      or meeting.status != MeetingStatus.HELD],
        concerns=concerns,
        decisions=[doc.Decision(what=d.text,
                                agreed_by=[n.strip() for n in d.agreed_by.split(",") if n.strip()],
                                why=d.rationale) for d in meeting.decisions],
        action_items=[doc.ActionItem(what=a.task, who=a.owner, due=a.due_date, status=a.status)
                      for a in meeting.action_items],
        parking_lot=[doc.ParkingLotItem(text=p.text, follow_up=p.follow_up)
                     for p in meeting.parking_lot if not p.resolved],
        next_meeting=_next_meeting(meeting),
        contact=facilitator,
        language=i18n.supported(language) or i18n.family_language(meeting.family),
        time_zone=local_zone().key,
    )


def family_summary_data(meeting: Meeting, language: str | None = None
                        ) -> doc.MeetingSummaryData:
    """The family's copy: the latest final version when there is one, else the draft."""
    lang = i18n.supported(language) or i18n.family_language(meeting.family)
    for provider in FAMILY_SUMMARY:
        found = provider(meeting, lang)
        if found is not None:
            return found
    return summary_data(meeting, lang)


@bp.get("/meetings/<int:meeting_id>/summary.docx")
@access.signed_in
def summary_docx(meeting_id: int):
    """Download the family's summary and action plan (.docx, ``?lang=en|es``); it is recorded."""
    begin_write()
    meeting = access.get_or_404(Meeting, meeting_id)
    data = family_summary_data(meeting, request.args.get("lang"))
    body = doc.build_meeting_summary(data)
    db.session.add(SummaryDownload(organization_id=meeting.organization_id,
                                   meeting_id=meeting.id, user_id=current_user.id))
    audit.record(audit.Action.DOWNLOADED, audit.RecordKind.MEETING_SUMMARY, meeting.id,
                 family_id=meeting.family_id)
    db.session.commit()
    current_app.logger.info("meeting summary downloaded meeting_id=%s user_id=%s lang=%s",
                            meeting.id, current_user.id, data.language)
    return attachment(body, doc.filename(data), DOCX_MIMETYPE)
