"""Meetings as iCalendar files (RFC 5545), built with the ``icalendar`` library.

One builder for the ``.ics`` download and for the invitations, updates and
cancellations that are mailed. The UID is a random value stored on the
meeting (the same whatever host served the file); SEQUENCE is the meeting's
``calendar_sequence``, raised on every change of time, place or link and on
cancellation. Times are in UTC. Summaries never name the student: calendar
titles show on lock screens and shared calendars. A mailed file is written in its
recipient's language (title, description, the default agenda's titles); what the
team typed stays as typed.
"""

from __future__ import annotations

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from ..auth.models import Organization
from ..db import utcnow
from ..extensions import db
from ..i18n import gettext_for
from .models import Meeting, MeetingStatus

PRODID = "-//Facilitator//Meetings//EN"


def organizer_address(meeting: Meeting) -> tuple[str, str]:
    """(name, email) of whoever answers for the meeting: its facilitator, else the sender."""
    from email.utils import parseaddr

    if meeting.facilitator is not None and meeting.facilitator.email:
        return meeting.facilitator.display_name, meeting.facilitator.email
    name, address = parseaddr(current_app.config["MAIL_SENDER"])
    return name or "Facilitator", address


def calendar_summary(meeting: Meeting, language: str = "en") -> str:
    """The event title: the kind of meeting and the organization, no names."""
    _ = gettext_for(language)
    org = db.session.get(Organization, meeting.organization_id)
    return f"{_(meeting.kind_label)} ({org.name})" if org else _(meeting.kind_label)


def _description(meeting: Meeting, language: str) -> str:
    _ = gettext_for(language)
    parts = [meeting.purpose.strip()] if meeting.purpose.strip() else []
    if meeting.video_link:
        parts.append(f"{_('Video link:')} {meeting.video_link}")
    if meeting.agenda_items:
        # The default agenda's titles are ours (marked in services.DEFAULT_AGENDA) and are
        # translated; a title the team typed is not in the catalog and stays as typed.
        parts.append(_("Agenda:") + "\n" + "\n".join(
            "- " + _("%(title)s (%(minutes)s min)") % {"title": _(a.title),
                                                      "minutes": a.minutes}
            for a in meeting.agenda_items))
    return "\n\n".join(parts)


def meeting_calendar(meeting: Meeting, method: str = "REQUEST", language: str = "en") -> bytes:
    """The meeting as one VEVENT in ``language``; ``method`` is PUBLISH (download), REQUEST
    or CANCEL."""
    _ = gettext_for(language)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    event = Event()
    event.add("uid", meeting.calendar_uid)
    event.add("sequence", meeting.calendar_sequence or 0)
    event.add("dtstamp", utcnow().replace(microsecond=0))
    event.add("dtstart", meeting.starts_at_utc)
    event.add("dtend", meeting.ends_at_utc)
    event.add("summary", calendar_summary(meeting, language))
    cancelled = method == "CANCEL" or meeting.status == MeetingStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    location = meeting.location or (_("Video call") if meeting.video_link else "")
    if location:
        event.add("location", location)
    if meeting.video_link:
        event.add("url", meeting.video_link)
    description = _description(meeting, language)
    if description:
        event.add("description", description)
    name, address = organizer_address(meeting)
    if address:
        organizer = vCalAddress(f"mailto:{address}")
        organizer.params["cn"] = vText(name)
        event.add("organizer", organizer)
    for p in meeting.participants:
        if not p.email or p.email.lower() == address.lower():
            continue
        attendee = vCalAddress(f"mailto:{p.email}")
        attendee.params["cn"] = vText(p.name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE" if method == "PUBLISH" else "TRUE")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()
