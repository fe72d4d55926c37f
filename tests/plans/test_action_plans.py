"""Action plans: from an assessment or alone, sections 1-3, the worksheet, progress, export."""

from __future__ import annotations

import io
from datetime import date, timedelta

import docx
from docx.oxml.ns import qn
from helpers import post_form

from facilitator.documents.capacity import WORKSHEET_HEADERS
from facilitator.extensions import db
from facilitator.plans import content
from facilitator.plans.models import ActionPlan, PerformanceTarget, PlanActivity, ProgressEntry
from facilitator.plans.services import create_assessment, create_plan, save_activity, save_step


def _plan(user, title="Early resolution plan"):
    plan = create_plan(user.organization_id, title, owner=user)
    db.session.commit()
    return plan


def test_a_plan_built_from_an_assessment_copies_answers(client, signed_in):
    user = signed_in("facilitator")
    assessment = create_assessment(user.organization_id, "Spring review")
    save_step(assessment, 1, "Trust between families and schools is low.", "")
    save_step(assessment, 3, "IEP teams listen for interests.", "")
    save_step(assessment, 4, "Collaborative problem solving", "")
    save_step(assessment, 5, "Coaching after training.", "")
    db.session.commit()
    page = client.get(f"/plans/new?assessment={assessment.id}").get_data(as_text=True)
    assert f'<option selected value="{assessment.id}">' in page
    response = post_form(client, "/plans/new", {"title": "From the review", "owner": str(user.id),
                                                "assessment": str(assessment.id)})
    plan = db.session.execute(db.select(ActionPlan)).scalar_one()
    assert response.headers["Location"].endswith(f"/plans/{plan.id}/edit")
    assert plan.assessment_id == assessment.id and plan.owner_id == user.id
    assert plan.priority_area == "Collaborative problem solving"
    assert plan.result_a == "IEP teams listen for interests."
    assert plan.result_e == "Coaching after training."
    assert plan.result_g == "Trust between families and schools is low."
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Spring review" in page


def test_a_plan_on_its_own_and_editing_sections_1_and_2(client, signed_in):
    user = signed_in("admin")
    post_form(client, "/plans/new", {"title": "Standalone", "owner": "", "assessment": ""})
    plan = db.session.execute(db.select(ActionPlan)).scalar_one()
    assert plan.assessment_id is None and plan.owner_id is None
    page = client.get(f"/plans/{plan.id}/edit").get_data(as_text=True)
    for letter, _, question in content.DESIRED_RESULTS:
        assert f"2{letter}. {question}" in page
    data = {"title": "Standalone plan", "owner": str(user.id),
            "priority_area": "Early resolution of disputes"}
    data.update({f"result_{letter}": f"Answer {letter}" for letter in "abcdefg"})
    before = plan.updated_at
    response = post_form(client, f"/plans/{plan.id}/edit", data)
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.result_d == "Answer d" and plan.priority_area == "Early resolution of disputes"
    assert plan.updated_at >= before
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "2g. Why it matters" in page and "Answer g" in page
    assert user.display_name in client.get("/plans/").get_data(as_text=True)


def test_targets_with_past_dates_are_saved_and_flagged(client, signed_in):
    user = signed_in("facilitator")
    plan = _plan(user)
    past = date.today() - timedelta(days=30)
    response = post_form(client, f"/plans/{plan.id}/targets/new", {
        "statement": "80% of pilot IEP teams use the shared agenda.",
        "by_when": past.isoformat(), "evidence": "Observation data",
        "data_sources": "Observation rubric"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Its by-when date has already passed" in page
    assert "Date has passed" in page
    target = db.session.execute(db.select(PerformanceTarget)).scalar_one()
    assert target.by_when == past and target.evidence == "Observation data"
    future = date.today() + timedelta(days=300)
    response = post_form(client, f"/plans/{plan.id}/targets/{target.id}/edit", {
        "statement": "Changed", "by_when": future.isoformat(), "evidence": "", "data_sources": ""})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Date has passed" not in page and "already passed" not in page
    db.session.refresh(target)
    assert target.statement == "Changed" and target.by_when == future
    response = post_form(client, f"/plans/{plan.id}/targets/new", {"statement": ""})
    assert "Write the target." in response.get_data(as_text=True)


def test_an_activity_completed_before_it_started_is_refused(client, signed_in):
    user = signed_in("facilitator")
    plan = _plan(user)
    response = post_form(client, f"/plans/{plan.id}/activities/new", {
        "activity": "Train pilot teams", "resources_needed": "", "staff_lead": "Dana",
        "start_date": "2026-09-01", "end_date": "2026-08-01", "notes": "",
        "status": "not_started"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "is before the date to be initiated" in page
    assert 'aria-invalid="true"' in page
    assert db.session.execute(db.select(PlanActivity)).first() is None

    response = post_form(client, f"/plans/{plan.id}/activities/new", {
        "activity": "Train pilot teams", "resources_needed": "CADRE modules",
        "staff_lead": "Dana Okafor", "start_date": "2026-09-01", "end_date": "2026-10-15",
        "notes": "Two cohorts", "status": "in_progress"})
    assert response.status_code == 302
    activity = db.session.execute(db.select(PlanActivity)).scalar_one()
    assert activity.status == "in_progress" and activity.end_date == date(2026, 10, 15)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    for col in content.WORKSHEET_COLUMNS:
        assert f'<th scope="col">{col}</th>' in page
    assert "Two cohorts" in page and "In progress" in page
    response = post_form(client, f"/plans/{plan.id}/activities/{activity.id}/edit", {
        "activity": "Train pilot teams", "start_date": "2026-09-01", "end_date": "2026-09-30",
        "status": "completed"})
    db.session.refresh(activity)
    assert activity.status == "completed" and activity.notes == ""


def test_the_service_refuses_bad_activity_dates_too(app, make_org):
    import pytest

    from facilitator.plans.services import PlanError

    plan = create_plan(make_org().id, "P")
    with pytest.raises(PlanError, match="before the date to be initiated"):
        save_activity(plan, None, text="x", start_date=date(2026, 5, 2),
                      end_date=date(2026, 5, 1))


def test_progress_updates_accomplishments_and_adjustments(client, signed_in):
    user = signed_in("facilitator")
    plan = _plan(user)
    page = client.get(f"/plans/{plan.id}/progress/new?kind=adjustment").get_data(as_text=True)
    assert '<option selected value="adjustment">' in page
    response = post_form(client, f"/plans/{plan.id}/progress/new", {
        "kind": "adjustment", "entry_date": "2026-11-01", "text": "Moved training online",
        "reason": ""})
    assert "Say why the adjustment was made." in response.get_data(as_text=True)
    for kind, text, reason in (("update", "Cohort 1 trained", ""),
                               ("accomplishment", "All pilot schools joined", ""),
                               ("adjustment", "Moved training online", "Travel budget cut")):
        response = post_form(client, f"/plans/{plan.id}/progress/new", {
            "kind": kind, "entry_date": "2026-11-01", "text": text, "reason": reason})
        assert response.status_code == 302
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Accomplishments to celebrate" in page and "All pilot schools joined" in page
    assert "Travel budget cut" in page
    entries = db.session.execute(db.select(ProgressEntry)).scalars().all()
    assert {e.author_id for e in entries} == {user.id}
    entry_id = entries[0].id
    assert post_form(client, f"/plans/{plan.id}/progress/{entry_id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(ProgressEntry, entry_id) is None


def test_export_mirrors_the_cadre_numbering_with_a_landscape_worksheet(client, signed_in):
    user = signed_in("analyst")
    plan = _plan(user, "Riverside plan")
    plan.priority_area = "Collaborative problem solving"
    plan.result_b = "IEP team members"
    from facilitator.plans.services import save_target

    save_target(plan, None, "By June 2027, 80% use the agenda.", date(2020, 6, 30),
                "Observation data", "Rubric")
    for i in range(3):
        save_activity(plan, None, text=f"Activity {i}", resources_needed="Time",
                      staff_lead="Lead", start_date=date(2026, 9, 1), end_date=date(2026, 10, 1),
                      notes="n", status="in_progress")
    db.session.commit()
    response = client.get(f"/plans/{plan.id}/export.docx")
    assert response.status_code == 200
    assert "action-plan-riverside-plan.docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert h1[0] == "Still to be filled in"
    assert h1[1:] == [f"1. {content.PRIORITY_QUESTION}", "2. Desired results",
                      f"3. {content.TARGETS_QUESTION}", "Activities Planning Worksheet",
                      "Tracking progress"]
    h2 = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert h2[:7] == [f"2{letter}. {label}" for letter, label, _ in content.DESIRED_RESULTS]
    h3 = [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    assert h3 == [f"3a. {content.TARGET_DATA_QUESTION}", f"3b. {content.TARGET_SOURCES_QUESTION}"]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "By when: June 30, 2020 (this date has passed)" in text
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == list(WORKSHEET_HEADERS)
    assert WORKSHEET_HEADERS[:6] == content.WORKSHEET_COLUMNS
    assert [c.text for c in table.rows[1].cells] == [
        "Activity 0", "Time", "Lead", "Sep 1, 2026", "Oct 1, 2026", "n", "In progress"]
    assert len(table.rows) == 4
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    orientations = [s.page_width > s.page_height for s in document.sections]
    assert orientations == [False, True, False]


def test_readers_read_and_export_but_cannot_change(client, signed_in, make_user):
    user = signed_in("analyst")
    plan = _plan(user)
    assert client.get(f"/plans/{plan.id}").status_code == 200
    assert "Add an activity" not in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert client.get(f"/plans/{plan.id}/export.docx").status_code == 200
    for path in ("/plans/new", f"/plans/{plan.id}/edit", f"/plans/{plan.id}/targets/new",
                 f"/plans/{plan.id}/activities/new", f"/plans/{plan.id}/progress/new"):
        assert client.get(path).status_code == 403, path
    assert post_form(client, f"/plans/{plan.id}/delete").status_code == 403


def test_another_organizations_plan_and_children_are_not_found(client, signed_in, make_org):
    user = signed_in("admin")
    theirs = create_plan(make_org("elsewhere").id, "Theirs")
    their_activity = save_activity(theirs, None, text="Their activity")
    mine = _plan(user)
    db.session.commit()
    for path in (f"/plans/{theirs.id}", f"/plans/{theirs.id}/edit",
                 f"/plans/{theirs.id}/export.docx", f"/plans/{theirs.id}/activities/new",
                 f"/plans/{mine.id}/activities/{their_activity.id}/edit",
                 f"/plans/{mine.id}/targets/999999/edit"):
        assert client.get(path).status_code == 404, path
    assert post_form(client, f"/plans/{theirs.id}/delete").status_code == 404
    assert post_form(client, f"/plans/{mine.id}/activities/{their_activity.id}/delete"
                     ).status_code == 404
    assert "Theirs" not in client.get("/plans/").get_data(as_text=True)
    assert post_form(client, "/plans/new", {"title": "x", "owner": "",
                                            "assessment": "12345"}).status_code == 200


def test_a_child_of_another_plan_in_my_org_is_not_found_under_this_plan(client, signed_in):
    user = signed_in("admin")
    one, two = _plan(user, "One"), _plan(user, "Two")
    activity = save_activity(two, None, text="Belongs to two")
    db.session.commit()
    assert client.get(f"/plans/{one.id}/activities/{activity.id}/edit").status_code == 404
    assert post_form(client, f"/plans/{one.id}/activities/{activity.id}/delete"
                     ).status_code == 404


def test_an_empty_plan_shows_and_exports_what_is_missing(client, signed_in):
    user = signed_in("facilitator")
    plan = _plan(user, "Empty")
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Still to be filled in" in page and "1. The priority area" in page
    response = client.get(f"/plans/{plan.id}/export.docx")
    document = docx.Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "1. The priority area" in text
    assert "2. Desired results: 2a, 2b, 2c, 2d, 2e, 2f, 2g" in text
    assert "No performance targets yet." in text and "No activities yet." in text
    assert document.tables == []


def test_deleting_a_plan_takes_its_rows_with_it(client, signed_in):
    user = signed_in("admin")
    plan = _plan(user)
    save_activity(plan, None, text="x")
    db.session.commit()
    assert post_form(client, f"/plans/{plan.id}/delete").status_code == 302
    assert db.session.execute(db.select(PlanActivity)).first() is None
    assert db.session.execute(db.select(ActionPlan)).first() is None


def test_every_change_moves_the_last_updated_time(client, signed_in):
    from datetime import UTC, datetime

    user = signed_in("facilitator")
    plan = _plan(user)
    plan.updated_at = datetime(2020, 1, 1, tzinfo=UTC)
    db.session.commit()
    post_form(client, f"/plans/{plan.id}/activities/new", {"activity": "New one",
                                                           "status": "not_started"})
    db.session.refresh(plan)
    assert plan.updated_at.year > 2020
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "data-print" in page and "js/plans.js" in page
