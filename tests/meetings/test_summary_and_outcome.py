"""The family's Word summary from a real meeting, and a held meeting's outcome feeding
its dispute-resolution case in one step."""

import io
from datetime import date, timedelta

import docx
from helpers import post_form

from facilitator.adr.models import AdrCase
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from facilitator.meetings.models import Meeting, Participant, SummaryDownload


def _full_meeting(make_meeting, org):
    meeting = make_meeting(org, when=utcnow() - timedelta(days=1))
    meeting.family.student_ref = "S-77"
    meeting.family.school = "Oak Elementary"
    oid = org.id
    meeting.participants.append(Participant(organization_id=oid, name="Rosa Lopez",
                                            role="parent", attendance="attended"))
    meeting.concerns.append(Concern(organization_id=oid, title="Reading progress is slow",
                                    interests="Maya reads at home with confidence",
                                    options="Small-group reading\nA reading specialist",
                                    agreement="Small-group reading four days a week",
                                    status="agreed"))
    meeting.decisions.append(Decision(organization_id=oid, text="Start small-group reading",
                                      agreed_by="Rosa Lopez, Ms. Chen", rationale="Fits goals"))
    meeting.action_items.append(ActionItem(organization_id=oid, task="Send the reading plan",
                                           owner="Ms. Chen",
                                           due_date=date.today() + timedelta(days=7)))
    meeting.parking_lot.append(ParkingLotItem(organization_id=oid, text="Summer services"))
    db.session.commit()
    return meeting


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_summary_docx_holds_the_meeting_and_records_the_download(client, signed_in,
                                                                 make_meeting):
    user = signed_in("facilitator")
    meeting = _full_meeting(make_meeting, user.organization)
    response = client.get(f"/meetings/{meeting.id}/summary.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = _docx_text(response.data)
    for expected in ("Maya Lopez", "Rosa Lopez", "Reading progress is slow",
                     "Small-group reading four days a week", "Start small-group reading",
                     "Send the reading plan", "Ms. Chen", "Summer services"):
        assert expected in text, expected
    downloads = db.session.execute(db.select(SummaryDownload)).scalars().all()
    assert [(d.meeting_id, d.user_id) for d in downloads] == [(meeting.id, user.id)]


def test_summary_of_another_organizations_meeting_is_404(client, signed_in, make_meeting,
                                                         make_org):
    signed_in("admin")
    theirs = make_meeting(make_org())
    assert client.get(f"/meetings/{theirs.id}/summary.docx").status_code == 404
    assert db.session.execute(db.select(SummaryDownload)).first() is None


def test_analyst_may_download_but_not_record_outcomes(client, signed_in, make_meeting):
    user = signed_in("analyst")
    meeting = make_meeting(user.organization)
    assert client.get(f"/meetings/{meeting.id}/summary.docx").status_code == 200
    assert post_form(client, f"/meetings/{meeting.id}/outcome",
                     {"outcome": "full"}).status_code == 403


def test_fiep_outcome_creates_then_updates_its_case(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = _full_meeting(make_meeting, user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/outcome?next=after", {"outcome": "partial"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/meetings/{meeting.id}/after")
    case = db.session.execute(db.select(AdrCase)).scalar_one()
    assert (case.process, case.status, case.agreement) == ("facilitated_iep", "held", "partial")
    assert (case.meeting_id, case.student_ref, case.school) == (meeting.id, "S-77",
                                                                 "Oak Elementary")
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"})
    db.session.expire_all()
    cases = db.session.execute(db.select(AdrCase)).scalars().all()
    assert len(cases) == 1 and cases[0].agreement == "full"
    assert db.session.get(Meeting, meeting.id).status == "held"


def test_mediation_outcome_uses_yes_no_and_bad_values_change_nothing(client, signed_in,
                                                                     make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization, kind="mediation")
    r = post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "partial"})
    assert r.status_code == 302
    assert db.session.execute(db.select(AdrCase)).first() is None
    assert db.session.get(Meeting, meeting.id).status == "scheduled"
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "yes"})
    case = db.session.execute(db.select(AdrCase)).scalar_one()
    assert (case.process, case.agreement) == ("mediation", "yes")


def test_other_kinds_record_no_outcome(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization, kind="iep_annual")
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"})
    assert db.session.get(Meeting, meeting.id).outcome == ""
    assert db.session.execute(db.select(AdrCase)).first() is None


def test_cancelling_a_recorded_meeting_withdraws_its_case(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "none"})
    post_form(client, f"/meetings/{meeting.id}/status", {"status": "cancelled"})
    case = db.session.execute(db.select(AdrCase)).scalar_one()
    assert case.status == "withdrawn"
    assert case.held_on is None and case.agreement == ""


def test_outcome_on_another_organizations_meeting_is_404(client, signed_in, make_meeting,
                                                         make_org):
    signed_in("facilitator")
    theirs = make_meeting(make_org())
    assert post_form(client, f"/meetings/{theirs.id}/outcome",
                     {"outcome": "full"}).status_code == 404
