"""Invitations, updates and cancellations delivered to a real SMTP server, with calendar files
parsed back field by field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpers import post_form
from icalendar import Calendar
from mailtest import attachment_of, family_with_guardian, plan

from facilitator.extensions import db
from facilitator.meetings.models import Meeting
from facilitator.notify.models import OutboxMessage

FORM = {"kind": "facilitated_iep", "starts_at": "2031-03-04T15:30", "duration_minutes": "90",
        "location": "Room 12, Cedar Grove Elementary", "video_link": "",
        "purpose": "Agree on speech services", "facilitator_id": ""}


def _event(raw: bytes):
    cal = Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return cal, events[0]


def test_planning_a_meeting_mails_each_participant_an_invitation(client, signed_in, smtp):
    user = signed_in("facilitator", name="Dana Reyes")
    family = family_with_guardian(user.organization)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**FORM, "facilitator_id": str(user.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()

    rosa = smtp.inbox.to("rosa@example.org")
    assert len(rosa) == 1 and len(smtp.inbox.to(user.email)) == 1
    mail = rosa[0]
    assert mail["From"] == "Riverside Facilitation <meetings@riverside.example>"
    assert mail["Reply-To"] == user.email
    assert "Maya" not in mail["Subject"] and "Invitation" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert "Hello Rosa Lopez" in text
    assert "Room 12, Cedar Grove Elementary" in text
    assert "Agree on speech services" in text
    assert "Tuesday, March 4, 2031" in text and "3:30" in text  # local time, words for people
    assert "interpreter" in text and user.email in text
    assert "Dana Reyes (Facilitator)" in text

    part = next(mail.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    cal, event = _event(attachment_of(mail))
    assert cal["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.calendar_uid
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == datetime(2031, 3, 4, 23, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2031, 3, 5, 1, 0, tzinfo=UTC)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert "Maya" not in str(event["SUMMARY"])
    assert str(event["ORGANIZER"]) == f"mailto:{user.email}"
    attendees = event["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:rosa@example.org"]
    assert attendees[0].params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees[0].params["RSVP"] == "TRUE"
    assert attendees[0].params["CN"] == "Rosa Lopez"
    statuses = db.session.execute(db.select(OutboxMessage.status)).scalars().all()
    assert statuses == ["sent", "sent"]


def test_changes_raise_the_sequence_and_cancelling_sends_cancel(client, signed_in, smtp):
    user = signed_in("facilitator")
    family = family_with_guardian(user.organization)
    post_form(client, f"/families/{family.id}/meetings/new", FORM)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    uid = meeting.calendar_uid
    # Saving without a change sends nothing new.
    post_form(client, f"/meetings/{meeting.id}/edit", FORM)
    assert len(smtp.inbox.messages) == 1
    long_place = "Cedar Grove Elementary, Building B, second floor, the small conference " \
                 "room next to the library — ask at the front desk, señora"
    r = post_form(client, f"/meetings/{meeting.id}/edit",
                  {**FORM, "starts_at": "2031-03-05T09:00", "location": long_place})
    assert r.status_code == 302
    update = smtp.inbox.messages[-1]
    assert "Changed" in update["Subject"]
    raw = attachment_of(update)
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75  # RFC 5545 3.1: folded at 75 octets
    assert b"\r\n " in raw  # and folded, not cut
    _, event = _event(raw)
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 1
    assert str(event["LOCATION"]) == long_place
    assert event.decoded("DTSTART") == datetime(2031, 3, 5, 17, 0, tzinfo=UTC)

    r = post_form(client, f"/meetings/{meeting.id}/status", {"status": "cancelled"})
    assert r.status_code == 302
    cancel = smtp.inbox.messages[-1]
    assert "Cancelled" in cancel["Subject"]
    assert next(cancel.iter_attachments()).get_param("method") == "CANCEL"
    cal, event = _event(attachment_of(cancel))
    assert cal["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == uid and event["SEQUENCE"] == 2
    assert len(smtp.inbox.messages) == 3


def test_calendar_download_keeps_its_uid_whatever_host(app, client, signed_in, smtp):
    from facilitator.meetings.services import meeting_ics

    user = signed_in("facilitator")
    family = family_with_guardian(user.organization)
    post_form(client, f"/families/{family.id}/meetings/new", FORM)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    uids = set()
    downloads = [client.get(f"/meetings/{meeting.id}/calendar.ics").get_data()]
    for host in ("app1.internal:8000", "facilitator.example.org"):
        with app.test_request_context(base_url=f"https://{host}/"):
            downloads.append(meeting_ics(meeting))
    for raw in downloads:
        cal, event = _event(raw)
        assert cal["METHOD"] == "PUBLISH"
        uids.add(str(event["UID"]))
    assert uids == {meeting.calendar_uid}
    assert str(_event(attachment_of(smtp.inbox.messages[0]))[1]["UID"]) == meeting.calendar_uid


def test_a_participant_added_later_is_invited_by_the_clock(client, signed_in, smtp):
    from facilitator.tasks import run_due_work

    user = signed_in("facilitator")
    family = family_with_guardian(user.organization)
    post_form(client, f"/families/{family.id}/meetings/new", FORM)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    r = post_form(client, f"/meetings/{meeting.id}/participants/new",
                  {"name": "Sam Ortiz", "role": "sped_teacher", "attendance": "invited",
                   "email": "sam@riverside.example"})
    assert r.status_code == 302, r.get_data(as_text=True)
    assert run_due_work()["invitations"] == 1
    assert run_due_work()["invitations"] == 0
    assert len(smtp.inbox.to("sam@riverside.example")) == 1
    assert len(smtp.inbox.to("rosa@example.org")) == 1


def test_past_meetings_send_nothing(app, make_user, smtp):
    user = make_user("facilitator")
    family = family_with_guardian(user.organization)
    meeting = plan(family, days=-1)
    from facilitator.meetings.mail import sync_invitations

    assert sync_invitations(meeting) == 0
    assert smtp.inbox.messages == []
    assert meeting.starts_at_utc < datetime.now(UTC) + timedelta(days=1)
