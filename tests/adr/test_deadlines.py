"""IDEA clocks (pure), school days with closures, the deadlines page and the closures screen."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from helpers import post_form

from facilitator.adr import deadlines, services
from facilitator.adr.models import SchoolClosure
from facilitator.extensions import db


def case(process, received, status="pending", **kw):
    base = dict(resolution_meeting_on=None, resolution_ended_on=None, hearing_on=None,
                decision_on=None, pending_hearing=None)
    return SimpleNamespace(process=process, received_on=received, status=status, **(base | kw))


def by_name(clocks):
    return {c.name: c for c in clocks}


def test_due_process_clocks():
    c = by_name(deadlines.clocks(case("due_process", date(2024, 9, 2))))
    assert c["Resolution meeting"].due == date(2024, 9, 17)
    assert c["Resolution period ends"].due == date(2024, 10, 2)
    assert c["Hearing decision"].due == date(2024, 11, 16)


def test_written_waiver_starts_the_45_days_the_day_after():
    c = by_name(deadlines.clocks(case("due_process", date(2024, 9, 2),
                                      resolution_ended_on=date(2024, 9, 10))))
    # Day 1 of 45 is Sept 11, so day 45 is Oct 25.
    assert c["Hearing decision"].due == date(2024, 10, 25)
    # With a waiver, no resolution meeting is owed.
    assert c["Resolution meeting"].state(date(2024, 12, 1)) == "stopped"


def test_state_complaint_60_days_and_suspension_pending_a_hearing():
    c = deadlines.clocks(case("state_complaint", date(2024, 9, 2)))[0]
    assert c.due == date(2024, 11, 1)
    assert c.state(date(2024, 11, 2)) == "overdue"
    assert c.state(date(2024, 10, 28)) == "due_soon"
    assert c.state(date(2024, 10, 1)) == "running"
    held = deadlines.clocks(case("state_complaint", date(2024, 9, 2), pending_hearing=True))[0]
    assert held.state(date(2024, 12, 1)) == "stopped"
    done = deadlines.clocks(case("state_complaint", date(2024, 9, 2), status="report_issued",
                                 decision_on=date(2024, 11, 5)))[0]
    assert done.state(date(2025, 1, 1)) == "missed"


def test_school_days_skip_weekends_and_closures():
    friday = date(2024, 11, 22)
    assert deadlines.add_school_days(friday, 1) == date(2024, 11, 25)
    assert deadlines.add_school_days(friday, 5) == date(2024, 11, 29)
    thanksgiving = {date(2024, 11, 28), date(2024, 11, 29)}
    assert deadlines.add_school_days(friday, 5, thanksgiving) == date(2024, 12, 3)


def test_expedited_clocks_count_school_days():
    received = date(2024, 11, 22)  # a Friday
    c = by_name(deadlines.clocks(case("expedited_due_process", received)))
    assert c["Resolution meeting"].due == date(2024, 11, 29)
    assert c["Hearing"].due == date(2024, 12, 20)           # 20 weekdays
    assert c["Hearing decision"].due == date(2025, 1, 3)     # 10 more
    closed = {date(2024, 12, 23) + timedelta(days=i) for i in range(10)}  # winter break
    c = by_name(deadlines.clocks(case("expedited_due_process", received,
                                      hearing_on=date(2024, 12, 19)), closed))
    assert c["Hearing"].state(date(2025, 1, 1)) == "met"
    # Dec 20, then the break (Dec 23 - Jan 1), then Jan 2, 3, 6-10, 13, 14.
    assert c["Hearing decision"].due == date(2025, 1, 14)


def test_deadlines_page_lists_overdue_and_due_soon(app, client, signed_in):
    user = signed_in("analyst")
    org = user.organization
    today = date.today()
    services.save_case(org.id, {"case_ref": "LATE", "process": "state_complaint",
                                "status": "pending", "received_on": today - timedelta(days=70)})
    services.save_case(org.id, {"case_ref": "SOON", "process": "due_process",
                                "status": "pending", "received_on": today - timedelta(days=12)})
    services.save_case(org.id, {"case_ref": "DONE", "process": "state_complaint",
                                "status": "withdrawn", "received_on": today - timedelta(days=90)})
    db.session.commit()
    html = client.get("/adr/deadlines").get_data(as_text=True)
    overdue, soon = html.split("Due soon (")
    assert "LATE" in overdue and "SOON" not in overdue
    assert "SOON" in soon and "DONE" not in html


def test_closures_screen_needs_manage_settings(app, client, signed_in, make_org):
    user = signed_in("admin")
    response = post_form(client, "/adr/settings/closures", {
        "first": "2024-12-23", "last": "2025-01-03", "label": "Winter break"})
    assert response.status_code == 302
    days = db.session.execute(db.select(SchoolClosure.day).where(
        SchoolClosure.organization_id == user.organization_id)).scalars().all()
    assert len(days) == 10 and all(d.weekday() < 5 for d in days)
    bad = post_form(client, "/adr/settings/closures", {"first": "2025-01-03",
                                                        "last": "2024-12-23"})
    assert "The last day is before the first day." in bad.get_data(as_text=True)
    row = db.session.execute(db.select(SchoolClosure)).scalars().first()
    assert post_form(client, f"/adr/settings/closures/{row.id}/delete").status_code == 302
    other = SchoolClosure(organization_id=make_org().id, day=date(2025, 2, 3), label="x")
    db.session.add(other)
    db.session.commit()
    assert post_form(client, f"/adr/settings/closures/{other.id}/delete").status_code == 404


def test_facilitator_cannot_manage_closures(app, client, signed_in):
    signed_in("facilitator")
    assert client.get("/adr/settings/closures").status_code == 403
