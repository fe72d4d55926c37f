"""Case pages: list with filters and paging, create/edit with per-process validation,
detail with clocks, delete, other organizations' ids, and the meeting service."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import post_form

from facilitator.adr import services
from facilitator.adr.models import AdrCase
from facilitator.extensions import db
from facilitator.families.models import Family


def _case(org, ref="A-1", process="mediation", status="pending", received=date(2024, 9, 2),
          **kw):
    values = {"case_ref": ref, "process": process, "status": status, "received_on": received,
              **kw}
    case = services.save_case(org.id, values)
    db.session.commit()
    return case


FORM = {"case_ref": "NEW-1", "process_kind": "mediation", "received_on": "2024-10-01",
        "status": "held", "held_on": "2024-10-15", "agreement": "yes", "school": "Oak",
        "student_ref": "S9"}


def test_facilitator_creates_a_case(app, client, signed_in):
    user = signed_in("facilitator")
    response = post_form(client, "/adr/cases/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    case = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "NEW-1")).scalar_one()
    assert case.organization_id == user.organization_id
    assert case.school_year == 2024 and case.agreement == "yes" and case.days_to_held == 14
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Case NEW-1" in page and "Agreement reached" in page


@pytest.mark.parametrize("change, message", [
    ({"status": "pending"}, "a pending mediation has no agreement"),
    ({"agreement": "partial"}, "&#39;partial&#39; is not an agreement value for mediation"),
    ({"process_kind": "due_process", "status": "pending", "held_on": "", "agreement": "",
      "settlement": "yes"}, "a settlement needs a resolution meeting"),
    ({"related_ref": "NOPE"}, "&#39;NOPE&#39; names no case"),
    ({"received_on": "not a date"}, "Not a valid date value"),
])
def test_form_refuses_values_that_do_not_fit(app, client, signed_in, change, message):
    signed_in("facilitator")
    response = post_form(client, "/adr/cases/new", FORM | change)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert db.session.execute(db.select(db.func.count(AdrCase.id))).scalar() == 0


def test_duplicate_case_ref_is_refused(app, client, signed_in):
    user = signed_in("facilitator")
    _case(user.organization, ref="NEW-1")
    html = post_form(client, "/adr/cases/new", FORM).get_data(as_text=True)
    assert "already used by another case" in html


def test_edit_and_delete(app, client, signed_in):
    user = signed_in("admin")
    case = _case(user.organization)
    page = client.get(f"/adr/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="A-1"' in page
    response = post_form(client, f"/adr/cases/{case.id}/edit", FORM | {"case_ref": "A-1"})
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.status == "held" and case.held_on == date(2024, 10, 15)
    case_id = case.id
    assert post_form(client, f"/adr/cases/{case_id}/delete").status_code == 302
    db.session.expunge_all()
    assert db.session.get(AdrCase, case_id) is None


def test_list_filters_and_pages(app, client, signed_in):
    user = signed_in("analyst")
    org = user.organization
    for i in range(30):
        _case(org, ref=f"M-{i:02d}", school="Oak" if i % 2 else "Pine")
    _case(org, ref="D-1", process="due_process", received=date(2023, 9, 1))
    page1 = client.get("/adr/cases").get_data(as_text=True)
    assert "Page 1 of 2" in page1 and "31 in all" in page1
    html = client.get("/adr/cases?process=due_process").get_data(as_text=True)
    assert "D-1" in html and "M-01" not in html
    html = client.get("/adr/cases?year=2023-24").get_data(as_text=True)
    assert "D-1" in html and "M-01" not in html
    html = client.get("/adr/cases?school=Oak&page=1").get_data(as_text=True)
    assert "M-01" in html and "M-02" not in html
    html = client.get("/adr/cases?q=M-0").get_data(as_text=True)
    assert "M-05" in html and "D-1" not in html
    # An analyst reads but cannot change.
    assert "Add a case" not in page1
    assert client.get("/adr/cases/new").status_code == 403
    case = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "D-1")).scalar_one()
    assert post_form(client, f"/adr/cases/{case.id}/delete").status_code == 403


def test_other_organizations_cases_are_404(app, client, signed_in, make_org):
    other = _case(make_org(), ref="SECRET")
    signed_in("admin")
    for path in (f"/adr/cases/{other.id}", f"/adr/cases/{other.id}/edit"):
        assert client.get(path).status_code == 404
    assert post_form(client, f"/adr/cases/{other.id}/delete").status_code == 404
    assert "SECRET" not in client.get("/adr/cases").get_data(as_text=True)
    assert "SECRET" not in client.get("/adr/cases/export.csv").get_data(as_text=True)
    # related_ref naming another organization's case is refused.
    html = post_form(client, "/adr/cases/new", FORM | {"related_ref": "SECRET"}).get_data(
        as_text=True)
    assert "names no case" in html


def test_advocacy_org_users_read_their_own_cases_only(app, client, signed_in, make_org):
    org = make_org(kind="advocacy")
    _case(org, ref="ADV-1")
    signed_in("advocate", org=org)
    html = client.get("/adr/cases").get_data(as_text=True)
    assert "ADV-1" in html and "Add a case" not in html
    assert client.get("/adr/cases/new").status_code == 403


def test_detail_shows_clocks(app, client, signed_in):
    user = signed_in("facilitator")
    case = _case(user.organization, ref="DP", process="due_process",
                 received=date(2024, 9, 2))
    html = client.get(f"/adr/cases/{case.id}").get_data(as_text=True)
    assert "Resolution meeting" in html and "2024-09-17" in html     # +15 days
    assert "Hearing decision" in html and "2024-11-16" in html       # +30 +45 days
    assert "Overdue" in html


def test_pages_need_sign_in(app, client):
    for path in ("/adr/cases", "/adr/report", "/adr/dashboard", "/adr/deadlines"):
        assert client.get(path).status_code == 302


# The service the meetings feature calls -----------------------------------------------------

def test_record_meeting_outcome_creates_then_updates(app, make_org):
    org = make_org()
    family = Family(organization_id=org.id, student_name="Ada", student_ref="S1", school="Oak")
    db.session.add(family)
    db.session.commit()
    from datetime import UTC, datetime

    from facilitator.meetings.services import create_meeting

    meeting = create_meeting(family, {"kind": "facilitated_iep", "duration_minutes": 60,
                                      "starts_at": datetime(2024, 9, 20, 16, tzinfo=UTC)})
    db.session.commit()
    case = services.record_meeting_outcome(
        org.id, process="facilitated_iep", held_on=None, agreement=None, student_ref="S1",
        school="Oak", family_id=family.id, meeting_id=meeting.id, received_on=date(2024, 9, 1))
    db.session.commit()
    assert (case.case_ref, case.status, case.family_id) == (f"MTG-{meeting.id}", "pending",
                                                            family.id)
    again = services.record_meeting_outcome(
        org.id, process="facilitated_iep", held_on=date(2024, 9, 20), agreement="partial",
        student_ref="S1", school="Oak", family_id=family.id, meeting_id=meeting.id)
    db.session.commit()
    assert again.id == case.id
    assert (again.status, again.agreement, again.held_on, again.closed_on) == \
        ("held", "partial", date(2024, 9, 20), date(2024, 9, 20))
    assert again.received_on == date(2024, 9, 1) and again.days_to_held == 19
    count = db.session.execute(db.select(db.func.count(AdrCase.id))).scalar()
    assert count == 1


def test_record_meeting_outcome_validates(app, make_org):
    org = make_org()
    with pytest.raises(services.CaseError) as exc:
        services.record_meeting_outcome(org.id, process="mediation", held_on=date(2024, 9, 1),
                                        agreement="partial", meeting_id=1)
    assert exc.value.problems[0][0] == "agreement"
    with pytest.raises(services.CaseError):
        services.record_meeting_outcome(org.id, process="due_process", held_on=None,
                                        agreement=None)
    other = make_org()
    fam = Family(organization_id=other.id, student_name="B", student_ref="X")
    db.session.add(fam)
    db.session.flush()
    with pytest.raises(services.CaseError) as exc:
        services.record_meeting_outcome(org.id, process="mediation", held_on=date(2024, 9, 1),
                                        agreement="yes", family_id=fam.id)
    assert exc.value.problems[0][0] == "family_id"


def test_record_meeting_outcome_links_a_mediation_to_its_complaint(app, make_org):
    org = make_org()
    _case(org, ref="DPC-1", process="due_process", received=date(2024, 9, 1))
    case = services.record_meeting_outcome(
        org.id, process="mediation", held_on=date(2024, 9, 20), agreement="yes",
        related_ref="DPC-1", student_ref="S1")
    assert case.related.case_ref == "DPC-1" and case.case_ref == "MTG-2024-09-20-1"


def test_form_links_a_family_of_the_same_organization_only(app, client, signed_in, make_org):
    user = signed_in("facilitator")
    mine = Family(organization_id=user.organization_id, student_name="Mia Chen",
                  student_ref="S9")
    theirs = Family(organization_id=make_org().id, student_name="Other", student_ref="S9")
    db.session.add_all([mine, theirs])
    db.session.commit()
    page = client.get("/adr/cases/new").get_data(as_text=True)
    assert "Mia Chen (S9)" in page and "Other" not in page
    assert post_form(client, "/adr/cases/new", FORM | {"family": str(mine.id)}).status_code == 302
    case = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "NEW-1")).scalar_one()
    assert case.family_id == mine.id
    assert "Mia Chen" in client.get(f"/adr/cases/{case.id}").get_data(as_text=True)
    html = post_form(client, "/adr/cases/new", FORM | {"case_ref": "NEW-2",
                                                       "family": str(theirs.id)}).get_data(
        as_text=True)
    assert "names no family in this organization" in html
