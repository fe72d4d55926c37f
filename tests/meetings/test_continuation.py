"""A meeting that runs out of time is continued: the follow-on carries what is open, the
same people are invited, both link to each other, and dispute resolution counts one."""

from __future__ import annotations

from datetime import timedelta

from helpers import post_form

from facilitator.adr import dashboard, report
from facilitator.adr.models import AdrCase, school_year_of
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact
from facilitator.meetings import continuation
from facilitator.meetings.live_models import ActionItem, Concern, ParkingLotItem
from facilitator.meetings.models import Meeting
from facilitator.meetings.outcomes import record_outcome
from facilitator.meetings.services import to_local
from facilitator.notify.models import OutboxMessage


def _meeting(make_family, make_meeting, org, kind="facilitated_iep"):
    family = make_family(org, school="Lincoln Elementary", student_ref=f"S-{kind}")
    db.session.add(Contact(organization_id=org.id, family=family, name="Dana Reyes",
                           email="dana@example.org"))
    db.session.commit()
    meeting = make_meeting(org, family=family, when=utcnow() - timedelta(hours=2), kind=kind)
    m = meeting.id
    db.session.add_all([
        Concern(organization_id=org.id, meeting_id=m, title="Speech hours", status="open",
                interests="Steady progress"),
        Concern(organization_id=org.id, meeting_id=m, title="Bus time", status="agreed"),
        ParkingLotItem(organization_id=org.id, meeting_id=m, text="Summer school"),
        ParkingLotItem(organization_id=org.id, meeting_id=m, text="Old topic", resolved=True),
        ActionItem(organization_id=org.id, meeting_id=m, task="Send the speech log",
                   owner="Ms. Chen", status="open"),
        ActionItem(organization_id=org.id, meeting_id=m, task="Book the room", status="done"),
    ])
    db.session.commit()
    return meeting


def _continue(client, meeting, open_items, when=None):
    when = when or to_local(utcnow() + timedelta(days=7))
    return post_form(client, f"/meetings/{meeting.id}/continue",
                     {"starts_at": when.strftime("%Y-%m-%dT%H:%M"), "duration_minutes": "60",
                      "open_agenda": [str(a.id) for a in open_items]},
                     token_from=f"/meetings/{meeting.id}")


def test_a_continued_meeting_carries_what_is_open(client, signed_in, make_family, make_meeting):
    user = signed_in("facilitator")
    meeting = _meeting(make_family, make_meeting, user.organization)
    agenda = meeting.agenda_items
    r = _continue(client, meeting, agenda[-2:])
    assert r.status_code == 302
    db.session.rollback()
    old = db.session.get(Meeting, meeting.id)
    follow = continuation.follow_on_of(old)
    assert old.status == "continued" and continuation.continued_from(follow).id == old.id
    assert [a.title for a in follow.agenda_items] == [a.title for a in agenda[-2:]]
    assert [c.title for c in follow.concerns] == ["Speech hours"]
    assert follow.concerns[0].interests == "Steady progress"
    assert [p.text for p in follow.parking_lot] == ["Summer school"]
    assert [(a.task, a.owner) for a in follow.action_items] == [("Send the speech log",
                                                                 "Ms. Chen")]
    assert sorted(p.email for p in follow.participants) == sorted(
        p.email for p in old.participants)
    assert len(follow.ground_rules) == len(old.ground_rules)
    # The same participants are invited to the follow-on, through the invitation mail.
    invited = db.session.execute(db.select(OutboxMessage.recipient).where(
        OutboxMessage.meeting_id == follow.id, OutboxMessage.kind == "invitation")
    ).scalars().all()
    assert "dana@example.org" in invited
    # Both overviews link to each other.
    assert f"/meetings/{follow.id}" in client.get(f"/meetings/{old.id}").get_data(as_text=True)
    html = client.get(f"/meetings/{follow.id}").get_data(as_text=True)
    assert f"/meetings/{old.id}" in html and "one facilitation" in html
    # Continued once only; a follow-on before the meeting is refused with a reason.
    r = _continue(client, old, [])
    assert "already continued" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = _continue(client, follow, [], when=to_local(utcnow() - timedelta(days=30)))
    assert "must start after" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = post_form(client, f"/meetings/{follow.id}/continue", {"duration_minutes": "0"})
    assert "Enter the date and time" in client.get(r.headers["Location"]).get_data(as_text=True)


def _one_case(org_id, meeting_ids):
    return db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == org_id)).scalars().all()


def test_the_618_table_and_dashboard_count_one_facilitation(app, client, signed_in,
                                                           make_family, make_meeting):
    user = signed_in("facilitator")
    org_id = user.organization_id
    mediation = _meeting(make_family, make_meeting, user.organization, kind="mediation")
    # Held with an outcome first (a case), then found to need more time: continued.
    record_outcome(mediation, "no")
    db.session.commit()
    assert _continue(client, mediation, []).status_code == 302
    db.session.rollback()
    cases = _one_case(org_id, None)
    assert len(cases) == 1 and cases[0].status == "pending"
    follow = continuation.follow_on_of(db.session.get(Meeting, mediation.id))
    follow.starts_at = utcnow() - timedelta(minutes=5)
    record_outcome(follow, "yes")
    db.session.commit()
    cases = _one_case(org_id, None)
    assert len(cases) == 1 and cases[0].status == "held" and cases[0].agreement == "yes"
    assert cases[0].meeting_id == mediation.id
    year = school_year_of(cases[0].received_on)
    counts = report.counts(org_id, year)
    assert counts["2"] == 1 and counts["2.1"] == 1 and counts["2.2"] == 0
    assert dashboard.year_dashboard(org_id, year)["total"]["med_held"] == 1

    # A facilitated IEP continued before any outcome: the follow-on's outcome makes one case.
    fiep = _meeting(make_family, make_meeting, user.organization)
    assert _continue(client, fiep, []).status_code == 302
    db.session.rollback()
    follow = continuation.follow_on_of(db.session.get(Meeting, fiep.id))
    follow.starts_at = utcnow() - timedelta(minutes=5)
    record_outcome(follow, "partial")
    db.session.commit()
    fiep_cases = [c for c in _one_case(org_id, None) if c.process == "facilitated_iep"]
    assert len(fiep_cases) == 1 and fiep_cases[0].meeting_id == fiep.id
    total = dashboard.year_dashboard(org_id, school_year_of(fiep_cases[0].received_on))["total"]
    assert total["fiep_held"] == 1 and total["fiep_partial"] == 1
