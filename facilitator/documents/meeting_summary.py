"""The family's meeting summary and action plan (.docx), in plain language.

Source: seed 003 (CADRE, "Good IEP Meetings": give the parents meeting notes and
an action plan). Wording is ours.

The meetings feature maps its models to :class:`MeetingSummaryData` and calls
:func:`build_meeting_summary`; this module knows nothing about the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name

from ..i18n import N_, gettext_for
from . import common as c
from .safe_text import xml_safe
from .summary_versions import placed as _placed
from .summary_versions import version_block as _version

#: Plain words for the statuses the meetings feature uses; others are shown as given.
ACTION_STATUS_WORDS = {
    "open": N_("Not started"),
    "todo": N_("Not started"),
    "not_started": N_("Not started"),
    "in_progress": N_("In progress"),
    "doing": N_("In progress"),
    "done": N_("Done"),
    "completed": N_("Done"),
    "blocked": N_("Waiting on something"),
    "cancelled": N_("Cancelled"),
    "canceled": N_("Cancelled"),
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
    #: "iep" (belongs in the IEP), "side" (a side agreement) or "" (not said).
    placement: str = ""


@dataclass
class Decision:
    what: str
    #: Names (or roles) of the people who agreed.
    agreed_by: list[str] = field(default_factory=list)
    why: str = ""
    #: "iep", "side" or "" (see Concern.placement).
    placement: str = ""


@dataclass
class ActionItem:
    what: str
    who: str = ""
    due: date | None = None
    #: open, in_progress, done, blocked, cancelled (or any text, shown as given).
    status: str = "open"
    #: "iep", "side" or "" (see Concern.placement).
    placement: str = ""


@dataclass
class Correction:
    """One thing a corrected version changed: the line before and the line now."""

    #: agreement, decision, action, parking or placement.
    section: str
    before: str = ""
    after: str = ""


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
    #: "en" or "es": the language every fixed word, label and date is written in.
    #: Names, notes and other text the team typed are shown as typed.
    language: str = "en"
    #: IANA zone the meeting's local times are in (e.g. "America/Los_Angeles");
    #: when given, its name follows the meeting time ("Pacific Time", "hora del Pacífico").
    time_zone: str = ""
    #: 0 for a draft; the number of the final version otherwise (locked after the read-back).
    version: int = 0
    #: The day this version was made final (for a correction, the day it was corrected).
    version_date: date | None = None
    #: What this version corrected in the one before (empty for version 1).
    corrections: list[Correction] = field(default_factory=list)


def _day(value: date | datetime | None, lang: str, missing: str) -> str:
    """"March 4, 2026" / "4 de marzo de 2026" (Babel's long date), or ``missing``."""
    if value is None:
        return missing
    return format_date(value, format="long", locale=lang)


def _time(value: time | None, lang: str) -> str:
    """English keeps the house style "3:30 p.m."; other languages use Babel ("15:30")."""
    if value is None:
        return ""
    if lang == "en":
        hour = value.hour % 12 or 12
        return f"{hour}:{value:%M} {'a.m.' if value.hour < 12 else 'p.m.'}"
    return format_time(value, format="short", locale=lang)


def _zone(data: MeetingSummaryData, on: date) -> str:
    """The zone's generic name in the document's language, e.g. "hora del Pacífico"."""
    if not data.time_zone:
        return ""
    zone = ZoneInfo(data.time_zone)
    return get_timezone_name(datetime.combine(on, time(12), zone), width="long",
                             zone_variant="generic", locale=data.language)


def status_words(status: str, lang: str = "en") -> str:
    _ = gettext_for(lang)
    key = (status or "").strip().lower().replace(" ", "_").replace("-", "_")
    if key in ACTION_STATUS_WORDS:
        return _(ACTION_STATUS_WORDS[key])
    return status.strip() or _("Not started")


def filename(data: MeetingSummaryData) -> str:
    _ = gettext_for(data.language)
    # The file name stays ASCII; Spanish gets its own words ("resumen-de-la-reunion").
    return c.safe_filename(_("meeting-summary"), data.student_name,
                           data.meeting_date.isoformat())


def build_meeting_summary(data: MeetingSummaryData) -> bytes:
    """The summary and action plan as a .docx file's bytes, in ``data.language``."""
    data = xml_safe(data)
    lang = data.language
    _ = gettext_for(lang)
    day = _day(data.meeting_date, lang, "")
    vocab = {"student": data.student_name, "date": day, "kind": _(data.kind)}
    confidentiality = _(data.confidentiality)
    doc = c.new_document(_("Meeting summary: %(student)s") % vocab,
                         _("%(student)s · Meeting on %(date)s") % vocab,
                         confidentiality=confidentiality,
                         core_subject=_("Meeting summary and action plan"), language=lang,
                         page_words=(_("Page "), _(" of ")))
    c.title_block(doc, _("Meeting summary and action plan"),
                  _("%(kind)s for %(student)s on %(date)s") % vocab)
    c.text_block(doc, _("This is a short record of what we talked about, what we agreed, and "
                        "who will do what next. Please keep it with your child's papers."))

    _version(doc, data)
    _facts(doc, data)
    _people(doc, data)
    _concerns(doc, data)
    _decisions(doc, data)
    _actions(doc, data)
    _parking_lot(doc, data)
    _next_meeting(doc, data)
    if data.notes.strip():
        c.heading(doc, _("Other notes"), 1)
        c.text_block(doc, data.notes)
    _closing(doc, data)
    return c.to_bytes(doc)


def _facts(doc, data: MeetingSummaryData) -> None:
    lang = data.language
    _ = gettext_for(lang)
    c.heading(doc, _("About the meeting"), 1)
    c.labelled(doc, _("Student"), data.student_name)
    when = _day(data.meeting_date, lang, "")
    if data.start_time:
        when += f", {_time(data.start_time, lang)}"
        if data.end_time:
            when = _("%(when)s to %(end)s") % {"when": when,
                                               "end": _time(data.end_time, lang)}
        zone = _zone(data, data.meeting_date)
        if zone:
            when += f" ({zone})"
    c.labelled(doc, _("Date"), when)
    c.labelled(doc, _("Kind of meeting"), _(data.kind))
    if data.place.strip():
        c.labelled(doc, _("Place"), _(data.place.strip()))
    if data.facilitator.strip():
        c.labelled(doc, _("Facilitator"), data.facilitator.strip())
    if data.organization_name.strip():
        c.labelled(doc, _("Held by"), data.organization_name.strip())
    if data.purpose.strip():
        c.labelled(doc, _("Why we met"), data.purpose.strip())


def _people(doc, data: MeetingSummaryData) -> None:
    _ = gettext_for(data.language)
    c.heading(doc, _("Who was there"), 1)
    present = [p for p in data.participants if p.attended]
    absent = [p for p in data.participants if not p.attended]
    if not present:
        c.note(doc, _("No one was recorded as attending."))
    else:
        c.add_table(doc, [_("Name"), _("Role at the meeting")],
                    [[p.name, _(p.role) or "—"] for p in present], widths=[3.0, 3.7])
    if absent:
        names = "; ".join(f"{p.name} ({_(p.role)})" if p.role else p.name for p in absent)
        p = doc.add_paragraph(_("Invited but not able to attend: %(names)s.")
                              % {"names": names})
        p.paragraph_format.space_before = c.Pt(6)


def _concerns(doc, data: MeetingSummaryData) -> None:
    _ = gettext_for(data.language)
    c.heading(doc, _("What we talked about"), 1)
    if not data.concerns:
        c.note(doc, _("No concerns were recorded for this meeting."))
        return
    for number, concern in enumerate(data.concerns, start=1):
        c.heading(doc, _("Concern %(number)d") % {"number": number}, 2)
        c.text_block(doc, concern.text)
        if concern.raised_by.strip():
            c.labelled(doc, _("Raised by"), concern.raised_by.strip())
        interests = [i for i in concern.interests if i.strip()]
        if interests:
            c.labelled(doc, _("What matters most"), "")
            c.bullets(doc, interests)
        options = [o for o in concern.options if o.strip()]
        if options:
            c.labelled(doc, _("Ideas we talked about"), "")
            c.bullets(doc, options)
        if concern.agreement.strip():
            c.labelled(doc, _("What we agreed"),
                       _placed(concern.agreement.strip(), concern.placement, data.language))
        else:
            c.labelled(doc, _("What we agreed"),
                       _("We did not reach an agreement on this yet."))


def _decisions(doc, data: MeetingSummaryData) -> None:
    _ = gettext_for(data.language)
    c.heading(doc, _("Decisions"), 1)
    if not data.decisions:
        c.note(doc, _("No decisions were recorded at this meeting."))
        return
    rows = [[_placed(d.what, d.placement, data.language),
             ", ".join(a for a in d.agreed_by if a.strip()) or "—",
             d.why.strip() or "—"] for d in data.decisions]
    c.add_table(doc, [_("What we decided"), _("Who agreed"), _("Why")], rows,
                widths=[2.8, 1.6, 2.3])


def _actions(doc, data: MeetingSummaryData) -> None:
    lang = data.language
    _ = gettext_for(lang)
    c.heading(doc, _("Action plan: who will do what, and by when"), 1)
    if not data.action_items:
        c.note(doc, _("No next steps were recorded at this meeting."))
        return
    rows = [[_placed(a.what, a.placement, lang), a.who.strip() or _("Not yet decided"),
             _day(a.due, lang, _("No date set")), status_words(a.status, lang)]
            for a in data.action_items]
    # Spanish dates are longer ("27 de noviembre de 2026"): give them a wider column.
    widths = [3.1, 1.5, 1.2, 0.9] if lang == "en" else [2.7, 1.45, 1.65, 0.9]
    c.add_table(doc, [_("What will happen"), _("Who"), _("By when"), _("Status")], rows,
                widths=widths)


def _parking_lot(doc, data: MeetingSummaryData) -> None:
    _ = gettext_for(data.language)
    items = [p for p in data.parking_lot if p.text.strip()]
    if not items:
        return
    c.heading(doc, _("Set aside for later"), 1)
    c.text_block(doc, _("We wrote these down so they are not forgotten. They were not "
                        "decided at this meeting."))
    for item in items:
        text = item.text.strip()
        if item.follow_up.strip():
            text = _("%(text)s (next: %(follow_up)s)") % {"text": text,
                                                          "follow_up": item.follow_up.strip()}
        c.bullets(doc, [text])


def _next_meeting(doc, data: MeetingSummaryData) -> None:
    lang = data.language
    _ = gettext_for(lang)
    c.heading(doc, _("Next meeting"), 1)
    nxt = data.next_meeting
    if nxt is None or (nxt.when is None and not nxt.place.strip() and not nxt.purpose.strip()):
        c.note(doc, _("No next meeting has been set yet. We will contact you to set one "
                      "if it is needed."))
        return
    when = _day(nxt.when, lang, _("Date to be set"))
    if isinstance(nxt.when, datetime):
        when += f", {_time(nxt.when.time(), lang)}"
        zone = _zone(data, nxt.when.date())
        if zone:
            when += f" ({zone})"
    c.labelled(doc, _("When"), when)
    if nxt.place.strip():
        c.labelled(doc, _("Where"), _(nxt.place.strip()))
    if nxt.purpose.strip():
        c.labelled(doc, _("What it is for"), _(nxt.purpose.strip()))


def _closing(doc, data: MeetingSummaryData) -> None:
    lang = data.language
    _ = gettext_for(lang)
    c.heading(doc, _("Questions?"), 1)
    if data.contact.strip():
        text = _("If something here is not right, or you have a question, contact "
                 "%(contact)s.") % {"contact": data.contact.strip()}
    else:
        text = _("If something here is not right, or you have a question, contact the "
                 "meeting's facilitator.")
    c.text_block(doc, text)
    if data.prepared_on:
        c.note(doc, _("Prepared on %(date)s.") % {"date": _day(data.prepared_on, lang, "")})
