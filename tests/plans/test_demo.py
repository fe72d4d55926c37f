"""The demo data: Riverside's assessment and plan load, show and export."""

from __future__ import annotations

import io

import docx
from helpers import sign_in

from facilitator.demo import DEMO_PASSWORD
from facilitator.demo import load as load_demo
from facilitator.extensions import db
from facilitator.plans import measured
from facilitator.plans.models import ActionPlan, CapacityAssessment


def test_demo_plan_and_assessment(app, client):
    ctx = load_demo()
    db.session.commit()
    riverside = ctx.orgs["riverside"]
    assessment = db.session.execute(db.select(CapacityAssessment)).scalar_one()
    plan = db.session.execute(db.select(ActionPlan)).scalar_one()
    assert assessment.organization_id == plan.organization_id == riverside.id
    assert assessment.steps_answered == 6
    assert plan.assessment_id == assessment.id
    assert len(plan.activities) == 8 and len(plan.targets) == 4 and len(plan.progress) == 3
    # The target bound to the pilot schools' facilitated IEP agreement rate: on track (or
    # reached) in the pilot, not on track in the rest of the district.
    bound = plan.targets[3]
    assert bound.measure == "fiep_full_rate" and len(bound.school_group.members) == 3
    progress = measured.target_progress(bound)
    assert progress.status in ("on_track", "met"), progress.points
    assert progress.latest.rest_status == "behind", progress.points
    assert plan.progress_shared and plan.targets[0].readings
    assert all(a.end_date >= a.start_date for a in plan.activities)

    sign_in(client, "analyst@riverside.example", DEMO_PASSWORD)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "Early resolution pilot, 2026-27" in page and "Date has passed" in page
    document = docx.Document(io.BytesIO(client.get(f"/plans/{plan.id}/export.docx").data))
    assert len(document.tables[0].rows) in (2, 3)  # the measured years (+ header)
    assert len(document.tables[-1].rows) == 9
    assert client.get(f"/plans/{plan.id}/progress").status_code == 200
    other = app.test_client()
    sign_in(other, "advocate@familyvoices.example", DEMO_PASSWORD)
    assert other.get(f"/plans/{plan.id}").status_code == 404
