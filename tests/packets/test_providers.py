"""A family's meetings, meeting decisions and dispute-resolution cases appear by themselves
on the advocate's timeline and decision log, and only within the organization."""

from datetime import UTC, date, datetime

from facilitator.adr.services import record_meeting_outcome
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.live_models import Decision
from facilitator.meetings.services import create_meeting


def _family(org, name="Ana Ruiz", ref="S-100"):
    family = Family(organization_id=org.id, student_name=name, student_ref=ref, school="Oak")
    db.session.add(family)
    db.session.commit()
    return family


def _meeting_with_decision(family):
    meeting = create_meeting(family, {"kind": "facilitated_iep",
                                      "starts_at": datetime(2025, 3, 4, 17, 0, tzinfo=UTC),
                                      "duration_minutes": 90})
    meeting.decisions.append(Decision(organization_id=family.organization_id,
                                      text="Add a reading specialist twice a week",
                                      agreed_by="Parent, principal", rationale="Slow progress"))
    db.session.commit()
    return meeting


def test_meetings_and_cases_on_timeline_and_decisions(client, signed_in):
    user = signed_in("admin")
    family = _family(user.organization)
    _meeting_with_decision(family)
    record_meeting_outcome(user.organization_id, process="mediation",
                           held_on=date(2025, 4, 10), agreement="yes",
                           student_ref=family.student_ref, family_id=family.id,
                           received_on=date(2025, 3, 20))
    db.session.commit()

    html = client.get(f"/records/families/{family.id}/timeline").get_data(as_text=True)
    assert "Facilitated IEP" in html
    assert "received" in html and "held" in html
    # Oldest first: the March meeting before the April mediation.
    assert html.index("2025-03-04") < html.index("2025-04-10")

    log = client.get(f"/records/families/{family.id}/decisions").get_data(as_text=True)
    assert "Add a reading specialist twice a week" in log
    assert "Parent, principal" in log


def test_other_organizations_records_stay_out(client, signed_in, make_org):
    user = signed_in("admin")
    mine = _family(user.organization)
    other_org = make_org()
    theirs = _family(other_org, name="Other Child", ref=mine.student_ref)
    _meeting_with_decision(theirs)
    record_meeting_outcome(other_org.id, process="facilitated_iep", held_on=date(2025, 5, 1),
                           agreement="full", student_ref=mine.student_ref)
    db.session.commit()
    html = client.get(f"/records/families/{mine.id}/timeline").get_data(as_text=True)
    assert "Facilitated IEP" not in html
    log = client.get(f"/records/families/{mine.id}/decisions").get_data(as_text=True)
    assert "reading specialist" not in log
    assert client.get(f"/records/families/{theirs.id}/timeline").status_code == 404
