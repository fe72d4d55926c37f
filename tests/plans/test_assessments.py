"""Capacity assessments: the six steps, answers with data sources, printable view, access."""

from __future__ import annotations

import io

import docx
from helpers import post_form

from facilitator.extensions import db
from facilitator.plans import content
from facilitator.plans.models import CapacityAssessment
from facilitator.plans.services import create_assessment, save_step


def _start(client, title="Early resolution 2026-27", **extra):
    data = {"title": title, "scope": "All middle schools", "owner": ""}
    data.update(extra)
    return post_form(client, "/plans/assessments/new", data)


def test_a_facilitator_walks_through_the_six_steps(client, signed_in):
    user = signed_in("facilitator")
    response = _start(client, owner=str(user.id))
    assessment = db.session.execute(db.select(CapacityAssessment)).scalar_one()
    assert response.headers["Location"].endswith(f"/plans/assessments/{assessment.id}/steps/1")
    assert assessment.owner_id == user.id and len(assessment.answers) == 6

    page = client.get(f"/plans/assessments/{assessment.id}/steps/1").get_data(as_text=True)
    assert content.ASSESSMENT_STEPS[0].questions[0] in page
    assert "indicator 8" in page

    response = post_form(client, f"/plans/assessments/{assessment.id}/steps/1", {
        "answer": "Few schools try to settle disagreements early.",
        "data_sources": "State complaint log 2025-26; indicator 8 survey", "next": "1"})
    assert response.headers["Location"].endswith(f"/plans/assessments/{assessment.id}/steps/2")
    post_form(client, f"/plans/assessments/{assessment.id}/steps/6", {
        "answer": "Focus on facilitated IEP meetings first.", "data_sources": ""})
    db.session.expire_all()
    assert assessment.answer_for(1).data_sources.startswith("State complaint log")
    assert assessment.steps_answered == 2

    page = client.get(f"/plans/assessments/{assessment.id}").get_data(as_text=True)
    for step in content.ASSESSMENT_STEPS:
        assert f"Step {step.number}. {step.title}" in page
    assert "Few schools try to settle disagreements early." in page
    assert "Not answered yet." in page
    assert "print.css" in page
    index = client.get("/plans/").get_data(as_text=True)
    assert "Early resolution 2026-27" in index and "2 of 6" in index


def test_the_assessment_exports_to_word_with_every_step(client, signed_in):
    user = signed_in("analyst")
    assessment = create_assessment(user.organization_id, "Statewide view", "All LEAs")
    save_step(assessment, 2, "The data mostly agree.\n\nOne region differs.", "Survey")
    db.session.commit()
    response = client.get(f"/plans/assessments/{assessment.id}/export.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "capacity-assessment-statewide-view.docx" in response.headers["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.data))
    h1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert h1 == [f"Step {s.number}. {s.title}" for s in content.ASSESSMENT_STEPS]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "The data mostly agree." in text and "One region differs." in text
    assert "Steps answered: 1 of 6" in text and "Whose capacity: All LEAs" in text


def test_title_is_required(client, signed_in):
    signed_in("admin")
    response = _start(client, title="  ")
    assert response.status_code == 200
    assert "Give the assessment a title." in response.get_data(as_text=True)
    assert db.session.execute(db.select(CapacityAssessment)).first() is None


def test_readers_may_read_but_not_edit(client, signed_in, make_org):
    user = signed_in("analyst")
    assessment = create_assessment(user.organization_id, "Ours")
    db.session.commit()
    assert client.get(f"/plans/assessments/{assessment.id}").status_code == 200
    assert "Answer" not in client.get(f"/plans/assessments/{assessment.id}").get_data(
        as_text=True).split("Step 1.")[1][:200]
    assert client.get("/plans/assessments/new").status_code == 403
    assert post_form(client, f"/plans/assessments/{assessment.id}/steps/1",
                     {"answer": "x"}).status_code == 403
    assert post_form(client, f"/plans/assessments/{assessment.id}/delete").status_code == 403


def test_another_organizations_assessment_is_not_found(client, signed_in, make_org):
    signed_in("admin")
    other = create_assessment(make_org("elsewhere").id, "Theirs")
    db.session.commit()
    for path in (f"/plans/assessments/{other.id}", f"/plans/assessments/{other.id}/steps/1",
                 f"/plans/assessments/{other.id}/export.docx",
                 f"/plans/assessments/{other.id}/edit"):
        assert client.get(path).status_code == 404, path
    assert post_form(client, f"/plans/assessments/{other.id}/delete").status_code == 404
    assert "Theirs" not in client.get("/plans/").get_data(as_text=True)


def test_unknown_step_is_not_found_and_delete_needs_the_form(client, signed_in):
    user = signed_in("admin")
    assessment = create_assessment(user.organization_id, "Ours")
    db.session.commit()
    assert client.get(f"/plans/assessments/{assessment.id}/steps/7").status_code == 404
    assert client.post(f"/plans/assessments/{assessment.id}/delete").status_code == 400
    response = post_form(client, f"/plans/assessments/{assessment.id}/delete")
    assert response.status_code == 302
    assert db.session.execute(db.select(CapacityAssessment)).first() is None


def test_edit_title_and_owner(client, signed_in, make_user):
    user = signed_in("admin")
    colleague = make_user("facilitator", org=user.organization)
    assessment = create_assessment(user.organization_id, "Draft")
    db.session.commit()
    page = client.get(f"/plans/assessments/{assessment.id}/edit").get_data(as_text=True)
    assert colleague.display_name in page
    post_form(client, f"/plans/assessments/{assessment.id}/edit",
              {"title": "Final", "scope": "", "owner": str(colleague.id)})
    db.session.refresh(assessment)
    assert (assessment.title, assessment.owner_id) == ("Final", colleague.id)
