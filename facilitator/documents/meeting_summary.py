"""The family's meeting summary and action plan (.docx), in plain language.

Source: seed 003 (CADRE, "Good IEP Meetings": give the parents meeting notes and
an action plan). Wording is ours.

The meetings feature maps its models to :class:`MeetingSummaryData` and calls
:func:`build_meeting_summary`; this module knows nothing about the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from . import common as c
from .safe_text import xml_safe

#: Plain words for the statuses the meetings feature uses; others are shown as given.
ACTION_STATUS_WORDS = {
    "open": "Not started",
    "todo": "Not started",
    "not_started": "Not started",
    "in_progress": "In progress",
    "doing": "In progress",
    "done": "Done",
    "completed": "Done",
    "blocked": "Waiting on something",
    "cancelled": "Cancelled",
    "canceled": "Cancelled",
}


@dataclass
class Participant:
    """Someone at (or invited to) the meeting."""

    name: str
    #: Their role in plain words: "Parent", "Special education teacher", "Facilitator".
    role: str = ""
    attended: bool = True


@dataclass
class Concern:
    """One concern raised and what the team agreed about it."""

    text: str
    raised_by: str = ""
    #: What matters underneath the concern (interests), in the family's words.
    interests: list[str] = field(default_factory=list)
    #: Options the team talked about.
    options: list[str] = field(default_factory=list)
    #: What was agreed; empty when the team did not reach an agreement.
    agreement: str = ""


@dataclass
class Decision:
    what: str
    #: Names (or roles) of the people who agreed.
    agreed_by: list[str] = field(default_factory=list)
    why: str = ""


@dataclass
class ActionItem:
    what: str
    who: str = ""
    due: date | None = None
    #: open, in_progress, done, blocked, cancelled (or any text, shown as given).
    status: str = "open"


@dataclass
class ParkingLotItem:
    """Something set aside to come back to later."""

    text: str
    #: When or how it will be picked up again.
    follow_up: str = ""


@dataclass
class NextMeeting:
    when: datetime | date | None = None
    place: str = ""
    purpose: str = ""


@dataclass
class MeetingSummaryData:
    """Everything the family's summary shows. Only the first three are required."""

    student_name: str
    meeting_date: date
    #: The kind of meeting in plain words, e.g. "Facilitated IEP meeting".
    kind: str
    start_time: time | None = None
    end_time: time | None = None
    place: str = ""
    facilitator: str = ""
    purpose: str = ""
    organization_name: str = ""
    participants: list[Participant] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    action_items: list[ActionItem] = field(default_factory=list)
    parking_lot: list[ParkingLotItem] = field(default_factory=list)
    next_meeting: NextMeeting | None = None
    #: Short general notes for the family (optional).
    notes: str = ""
    #: Who the family can contact with questions, e.g. "Luis Moreno, (555) 010-2030".
    contact: str = ""
    prepared_on: date | None = None
    confidentiality: str = c.DEFAULT_CONFIDENTIALITY


def _time(value: time | None) -> str:
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{hour}:{value:%M} {'a.m.' if value.hour < 12 else 'p.m.'}"


def status_words(status: str) -> str:
    key = (status or "").strip().lower().replace(" ", "_").replace("-", "_")
    return ACTION_STATUS_WORDS.get(key, status.strip() or "Not started")


def filename(data: MeetingSummaryData) -> str:
    return c.safe_filename("meeting-summary", data.student_name, data.meeting_date.isoformat())


def build_meeting_summary(data: MeetingSummaryData) -> bytes:
    """The summary and action plan as a .docx file's bytes."""
    data = xml_safe(data)
    header = f"{data.student_name} · Meeting on {c.fmt_date(data.meeting_date)}"
    doc = c.new_document(f"Meeting summary: {data.student_name}", header,
                         confidentiality=data.confidentiality,
                         core_subject="Meeting summary and action plan")
    c.title_block(doc, "Meeting summary and action plan",
                  f"{data.kind} for {data.student_name} on {c.fmt_date(data.meeting_date)}")
    c.text_block(doc, "This is a short record of what we talked about, what we agreed, and "
                      "who will do what next. Please keep it with your child's papers.")

    _facts(doc, data)
    _people(doc, data)
    _concerns(doc, data)
    _decisions(doc, data)
    _actions(doc, data)
    _parking_lot(doc, data)
    _next_meeting(doc, data)
    if data.notes.strip():
        c.heading(doc, "Other notes", 1)
        c.text_block(doc, data.notes)
    _closing(doc, data)
    return c.to_bytes(doc)


def _facts(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "About the meeting", 1)
    c.labelled(doc, "Student", data.student_name)
    when = c.fmt_date(data.meeting_date)
    if data.start_time:
        when += f", {_time(data.start_time)}"
        if data.end_time:
            when += f" to {_time(data.end_time)}"
    c.labelled(doc, "Date", when)
    c.labelled(doc, "Kind of meeting", data.kind)
    if data.place.strip():
        c.labelled(doc, "Place", data.place.strip())
    if data.facilitator.strip():
        c.labelled(doc, "Facilitator", data.facilitator.strip())
    if data.organization_name.strip():
        c.labelled(doc, "Held by", data.organization_name.strip())
    if data.purpose.strip():
        c.labelled(doc, "Why we met", data.purpose.strip())


def _people(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "Who was there", 1)
    present = [p for p in data.participants if p.attended]
    absent = [p for p in data.participants if not p.attended]
    if not present:
        c.note(doc, "No one was recorded as attending.")
    else:
        c.add_table(doc, ["Name", "Role at the meeting"],
                    [[p.name, p.role or "—"] for p in present], widths=[3.0, 3.7])
    if absent:
        p = doc.add_paragraph("Invited but not able to attend: " + "; ".join(
            f"{p.name} ({p.role})" if p.role else p.name for p in absent) + ".")
        p.paragraph_format.space_before = c.Pt(6)


def _concerns(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "What we talked about", 1)
    if not data.concerns:
        c.note(doc, "No concerns were recorded for this meeting.")
        return
    for number, concern in enumerate(data.concerns, start=1):
        c.heading(doc, f"Concern {number}", 2)
        c.text_block(doc, concern.text)
        if concern.raised_by.strip():
            c.labelled(doc, "Raised by", concern.raised_by.strip())
        interests = [i for i in concern.interests if i.strip()]
        if interests:
            c.labelled(doc, "What matters most", "")
            c.bullets(doc, interests)
        options = [o for o in concern.options if o.strip()]
        if options:
            c.labelled(doc, "Ideas we talked about", "")
            c.bullets(doc, options)
        if concern.agreement.strip():
            c.labelled(doc, "What we agreed", concern.agreement.strip())
        else:
            c.labelled(doc, "What we agreed",
                       "We did not reach an agreement on this yet.")


def _decisions(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "Decisions", 1)
    if not data.decisions:
        c.note(doc, "No decisions were recorded at this meeting.")
        return
    rows = [[d.what, ", ".join(a for a in d.agreed_by if a.strip()) or "—",
             d.why.strip() or "—"] for d in data.decisions]
    c.add_table(doc, ["What we decided", "Who agreed", "Why"], rows, widths=[2.8, 1.6, 2.3])


def _actions(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "Action plan: who will do what, and by when", 1)
    if not data.action_items:
        c.note(doc, "No next steps were recorded at this meeting.")
        return
    rows = [[a.what, a.who.strip() or "Not yet decided",
             c.fmt_date(a.due, missing="No date set"), status_words(a.status)]
            for a in data.action_items]
    c.add_table(doc, ["What will happen", "Who", "By when", "Status"], rows,
                widths=[3.1, 1.5, 1.2, 0.9])


def _parking_lot(doc, data: MeetingSummaryData) -> None:
    items = [p for p in data.parking_lot if p.text.strip()]
    if not items:
        return
    c.heading(doc, "Set aside for later", 1)
    c.text_block(doc, "We wrote these down so they are not forgotten. They were not "
                      "decided at this meeting.")
    for item in items:
        text = item.text.strip()
        if item.follow_up.strip():
            text += f" (next: {item.follow_up.strip()})"
        c.bullets(doc, [text])


def _next_meeting(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "Next meeting", 1)
    nxt = data.next_meeting
    if nxt is None or (nxt.when is None and not nxt.place.strip() and not nxt.purpose.strip()):
        c.note(doc, "No next meeting has been set yet. We will contact you to set one "
                    "if it is needed.")
        return
    if isinstance(nxt.when, datetime):
        when = c.fmt_datetime(nxt.when)
    else:
        when = c.fmt_date(nxt.when, missing="Date to be set")
    c.labelled(doc, "When", when)
    if nxt.place.strip():
        c.labelled(doc, "Where", nxt.place.strip())
    if nxt.purpose.strip():
        c.labelled(doc, "What it is for", nxt.purpose.strip())


def _closing(doc, data: MeetingSummaryData) -> None:
    c.heading(doc, "Questions?", 1)
    if data.contact.strip():
        text = (f"If something here is not right, or you have a question, contact "
                f"{data.contact.strip()}.")
    else:
        text = ("If something here is not right, or you have a question, contact the "
                "meeting's facilitator.")
    c.text_block(doc, text)
    if data.prepared_on:
        c.note(doc, f"Prepared on {c.fmt_date(data.prepared_on)}.")
