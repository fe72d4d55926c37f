"""Reminders 7 days and 1 day before: once each, never for a cancelled meeting, never for a
moved meeting's old time."""

from __future__ import annotations

from datetime import timedelta

from mailtest import family_with_guardian, plan

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.meetings.services import set_status, update_meeting
from facilitator.notify.models import OutboxMessage
from facilitator.tasks import run_due_work


def _planned(make_user, days_ahead: float, planned_days_before: float = 30):
    user = make_user("facilitator")
    meeting = plan(family_with_guardian(user.organization), user, days=days_ahead)
    # The meeting was planned long ago: its invitation went out then.
    meeting.created_at = utcnow() - timedelta(days=planned_days_before)
    db.session.commit()
    return user, meeting


def _reminders(smtp):
    return [m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]


def test_seven_day_and_one_day_reminders_go_once_each(app, make_user, smtp):
    user, meeting = _planned(make_user, days_ahead=6.9)
    start = meeting.starts_at_utc
    run_due_work()
    first = _reminders(smtp)
    assert len(first) == 2  # the guardian and the facilitator
    assert "in 7 days" in first[0]["Subject"] and "Maya" not in first[0]["Subject"]
    run_due_work()
    run_due_work(utcnow() + timedelta(hours=3))
    assert len(_reminders(smtp)) == 2
    run_due_work(start - timedelta(hours=20))
    assert len(_reminders(smtp)) == 4
    assert "tomorrow" in _reminders(smtp)[-1]["Subject"]
    run_due_work(start - timedelta(hours=2))
    assert len(_reminders(smtp)) == 4


def test_organization_chooses_its_reminder_days(client, signed_in, make_user, smtp):
    from helpers import post_form

    admin = signed_in("admin")
    r = post_form(client, "/admin/outbox/settings", {"reminder_days": "3"},
                  token_from="/admin/outbox/")
    assert r.status_code == 302
    assert post_form(client, "/admin/outbox/settings", {"reminder_days": "soon"},
                     token_from="/admin/outbox/", follow_redirects=True).status_code == 200
    db.session.refresh(admin.organization)
    assert admin.organization.reminder_days == "3"
    meeting = plan(family_with_guardian(admin.organization), days=6.9)
    meeting.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    run_due_work()
    assert _reminders(smtp) == []
    run_due_work(meeting.starts_at_utc - timedelta(days=2, hours=23))
    assert len(_reminders(smtp)) == 1 and "in 3 days" in _reminders(smtp)[0]["Subject"]


def test_no_reminder_for_a_cancelled_meeting(app, make_user, smtp):
    _, meeting = _planned(make_user, days_ahead=6.9)
    set_status(meeting, "cancelled")
    db.session.commit()
    run_due_work()
    run_due_work(meeting.starts_at_utc - timedelta(hours=20))
    assert _reminders(smtp) == []


def test_a_meeting_planned_late_gets_no_seven_day_reminder(app, make_user, smtp):
    _planned(make_user, days_ahead=6.9, planned_days_before=0.01)  # 6.9 days ahead
    run_due_work()
    assert _reminders(smtp) == []


def test_no_reminder_for_a_moved_meetings_old_time(app, make_user, smtp):
    user, meeting = _planned(make_user, days_ahead=6.9)
    app.config["MAIL_SERVER"] = ""  # the worker is down-ish: reminders wait in the outbox
    old_start = meeting.starts_at_utc
    run_due_work()
    queued = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "reminder")).scalars().all()
    assert len(queued) == 2
    db.session.execute(db.update(OutboxMessage).where(OutboxMessage.kind == "reminder")
                       .values(status="queued"))
    db.session.commit()
    # Moved two weeks later before the reminders went out.
    update_meeting(meeting, {"starts_at": old_start + timedelta(days=14)})
    db.session.commit()
    assert meeting.calendar_sequence == 1
    app.config["MAIL_SERVER"] = "127.0.0.1"
    run_due_work(utcnow() + timedelta(minutes=5))
    db.session.expire_all()
    statuses = {m.status for m in db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "reminder")).scalars()}
    assert statuses == {"skipped"}
    assert _reminders(smtp) == []
    # The old time's 1-day reminder is never made; the new time went out instead, as an
    # invitation: the first invitations never left the outbox (no mail server then).
    run_due_work(old_start - timedelta(hours=20))
    assert _reminders(smtp) == []
    assert [m["Subject"].split(":")[0].strip() for m in smtp.inbox.messages] == \
        ["Invitation", "Invitation"]
    # At the new time the reminders come, once.
    run_due_work(meeting.starts_at_utc - timedelta(days=6, hours=23))
    run_due_work(meeting.starts_at_utc - timedelta(days=6, hours=22))
    assert len(_reminders(smtp)) == 2
