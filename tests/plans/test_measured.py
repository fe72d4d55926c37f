"""Plans that measure themselves: bound targets equal the dashboard's figures, bad input
changes nothing, evidence snapshots keep their value, progress is shared read-only,
the CSV is formula-safe and the Word plan carries the measured figures."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import docx
from helpers import csrf_token, post_form, sign_in

from facilitator.adr import dashboard, services
from facilitator.extensions import db
from facilitator.plans import evidence, measured
from facilitator.plans.measured_models import EvidenceSnapshot
from facilitator.plans.models import PerformanceTarget
from facilitator.plans.services import create_assessment, create_plan, save_target


def fiep(org, ref, received, school, agreement, student=""):
    services.save_case(org.id, {"case_ref": ref, "process": "facilitated_iep",
                                "status": "held", "received_on": received,
                                "held_on": received, "agreement": agreement,
                                "school": school, "student_ref": student})


def seed(org):
    # 2023-24: Oak 2 of 4 full, Pine 1 of 1; 2024-25: Oak 3 of 4, Pine 0 of 2,
    # "=HYPERLINK()" 1 of 1 (a school name a spreadsheet would run).
    for i, a in enumerate(["full", "full", "partial", "none"]):
        fiep(org, f"A{i}", date(2023, 9, 1 + i), "Oak", a, student=f"S{i}")
    fiep(org, "A9", date(2023, 10, 1), "Pine", "full")
    for i, a in enumerate(["full", "full", "full", "none"]):
        fiep(org, f"B{i}", date(2024, 9, 1 + i), "Oak", a)
    fiep(org, "B8", date(2024, 10, 1), "Pine", "none")
    fiep(org, "B9", date(2024, 10, 2), "Pine", "partial")
    fiep(org, "B7", date(2024, 10, 3), "=HYPERLINK(\"x\")", "full")
    services.save_case(org.id, {"case_ref": "M1", "process": "mediation", "status": "held",
                                "received_on": date(2024, 2, 1), "held_on": date(2024, 2, 20),
                                "agreement": "yes", "school": "Oak", "student_ref": "S0"})
    db.session.commit()


def bind(org, plan, measure="fiep_full_rate", scope="all", group_id=None, schools=(),
         year=2023, value=80.0, by_when=date(2026, 6, 30)):
    binding = measured.check_binding(org.id, measure=measure, scope=scope, group_id=group_id,
                                     schools=list(schools), baseline_year=year,
                                     target_value=value, by_when=by_when)
    target = save_target(plan, None, f"Target on {measure}", by_when, "", "")
    measured.apply_binding(target, binding)
    return target


def test_a_bound_target_measures_what_the_dashboard_shows(app, make_org):
    org = make_org()
    seed(org)
    plan = create_plan(org.id, "Plan")
    whole = bind(org, plan)
    oak = bind(org, plan, scope="schools", schools=["Oak"])
    days = bind(org, plan, measure="fiep_median_days", value=0.0)
    escalation = bind(org, plan, measure="escalation_rate", value=0.0)
    db.session.commit()
    today = date(2025, 6, 30)
    for year in (2023, 2024):
        board = dashboard.year_dashboard(org.id, year, school="Oak")
        points = {t.id: {p.year: p for p in measured.target_progress(t, today).points}
                  for t in (whole, oak, days, escalation)}
        assert points[whole.id][year].reading.display == board["total"]["fiep_full_rate"]
        assert points[oak.id][year].reading.display == board["school_row"]["fiep_full_rate"]
        assert points[escalation.id][year].reading.display == board["total"]["escalation_rate"]
        held = {m["process"]: m["held"] for m in board["medians"]}["facilitated_iep"]
        assert points[days.id][year].reading.value == held
    assert whole.baseline_value == float(
        dashboard.year_dashboard(org.id, 2023)["total"]["fiep_full_rate"]) == 60.0
    assert escalation.baseline_value == 25.0  # S0's mediation came 5 months after


def test_progress_on_track_gap_and_the_rest_beside_a_pilot(app, make_org):
    org = make_org()
    seed(org)
    group = evidence.create_group(org.id, "Pilot", ["Oak"])
    plan = create_plan(org.id, "Plan")
    target = bind(org, plan, scope="group", group_id=group.id, value=70.0,
                  by_when=date(2025, 6, 30))
    p = measured.target_progress(target, today=date(2025, 3, 1))
    assert p.scope_label == "Pilot (Oak)" and p.comparison_label == "Rest of the organization"
    first, last = p.points
    assert (first.reading.value, first.status) == (50.0, "on_track")
    assert (last.reading.value, last.status, last.gap) == (75.0, "met", -5.0)
    assert last.label == "2024-25 (to date)"
    # The rest: Pine 1 of 1 then Pine 0 of 2 and the other school 1 of 1.
    assert first.rest.value == 100.0 and last.rest.value == 33.33
    assert last.rest_status == "behind"


def _target_form(plan_id, **fields):
    data = {"statement": "A bound target", "by_when": "2026-06-30", "measure": "fiep_full_rate",
            "scope": "all", "baseline_year": "2023-24", "target_value": "80"}
    data.update(fields)
    return data


def test_bad_bindings_get_a_message_and_change_nothing(app, client, signed_in):
    user = signed_in("facilitator")
    seed(user.organization)
    plan = create_plan(user.organization_id, "Plan")
    db.session.commit()
    url = f"/plans/{plan.id}/targets/new"
    cases = [
        ({"by_when": "2024-03-01"}, "is not after the baseline"),
        ({"scope": "schools"}, "Choose at least one school"),
        ({"measure": "settlement_rate"}, "There is no data for"),
        ({"measure": "survey_fiep_use_again", "scope": "schools", "schools": "Oak"},
         "is not kept per school"),
        ({"target_value": "140"}, "A rate is between 0 and 100"),
    ]
    for fields, message in cases:
        response = post_form(client, url, _target_form(plan.id, **fields), token_from=url)
        assert response.status_code == 200, fields
        assert message in response.get_data(as_text=True), fields
    assert db.session.execute(db.select(PerformanceTarget)).first() is None
    response = post_form(client, url, _target_form(plan.id, scope="schools", schools="Oak"),
                         token_from=url)
    assert response.status_code == 302
    target = db.session.execute(db.select(PerformanceTarget)).scalar_one()
    assert (target.measure, target.scope_schools, target.baseline_value) == (
        "fiep_full_rate", "Oak", 50.0)
    edit = f"/plans/{plan.id}/targets/{target.id}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert re.search(r'value="schools"[^>]*checked|checked[^>]*value="schools"', page)


def test_step_one_shows_the_figures_and_a_snapshot_keeps_its_value(app, client, signed_in):
    user = signed_in("facilitator")
    seed(user.organization)
    assessment = create_assessment(user.organization_id, "Review")
    db.session.commit()
    step = f"/plans/assessments/{assessment.id}/steps/1"
    page = client.get(step + "?years=2023-24&years=2024-25&school=Oak").get_data(as_text=True)
    assert "Facilitated IEP agreement rate (full agreement)" in page
    assert "50.00%" in page and "75.00%" in page
    assert "Up 25 points from 2023-24 to 2024-25 (better)." in page
    assert "/adr/cases?" in page and "school=Oak" in page
    response = post_form(client, f"/plans/assessments/{assessment.id}/snapshots",
                         {"measure": "fiep_full_rate", "year": "2024", "schools": "Oak"},
                         token_from=step)
    assert response.status_code == 302
    fiep(user.organization, "C1", date(2024, 11, 1), "Oak", "none")
    db.session.commit()
    snap = db.session.execute(db.select(EvidenceSnapshot)).scalar_one()
    assert (snap.display, snap.count, snap.scope_label) == ("75.00%", 4, "Oak")
    detail = client.get(f"/plans/assessments/{assessment.id}").get_data(as_text=True)
    assert "75.00%" in detail and "measured " + snap.measured_at.strftime("%Y-%m-%d") in detail
    again = client.get(step + "?years=2024-25&school=Oak").get_data(as_text=True)
    assert "60.00%" in again  # the figure moved on; the snapshot did not
    word = docx.Document(io.BytesIO(client.get(
        f"/plans/assessments/{assessment.id}/export.docx").data))
    assert any("75.00%" in p.text for p in word.paragraphs)


def test_progress_page_shared_read_only_csv_and_word(app, client, make_user, signed_in):
    user = signed_in("facilitator")
    org = user.organization
    seed(org)
    group = evidence.create_group(org.id, "Pilot", ["Oak", "=HYPERLINK(\"x\")"])
    plan = create_plan(org.id, "Plan")
    bind(org, plan, scope="group", group_id=group.id)
    free = save_target(plan, None, "80% of staff trained", date(2026, 6, 30), "", "Sign-in")
    db.session.commit()
    url = f"/plans/{plan.id}/progress"
    page = client.get(url).get_data(as_text=True)
    assert 'type="application/json" id="plan-progress-data"' in page
    assert "Rest of the organization" in page and "Tracked by hand" in page
    reading = f"/plans/{plan.id}/targets/{free.id}/readings/new"
    assert post_form(client, reading, {"entry_date": "2025-01-10", "value": "=1+1",
                                       "source": ""}, token_from=reading).status_code == 200
    assert post_form(client, reading, {"entry_date": "2025-01-10", "value": "=1+1",
                                       "source": "Sign-in sheets"},
                     token_from=reading).status_code == 302
    analyst = make_user("analyst", org=org)
    other = app.test_client()
    sign_in(other, analyst.email)
    assert other.get(url).status_code == 403
    assert other.get(url + ".csv").status_code == 403
    assert post_form(client, f"/plans/{plan.id}/share", {"shared": "y"},
                     token_from=url).status_code == 302
    shared = other.get(url).get_data(as_text=True)
    assert "Pilot (" in shared and "Share with analysts" not in shared
    assert "Record progress" not in shared
    assert post_form(other, f"/plans/{plan.id}/share", {}, token_from=url).status_code == 403
    body = other.get(url + ".csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["target", "measure", "scope", "school_year", "value"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    assert ["Target 2", "(by hand)", "", "2025-01-10", "'=1+1"] == rows[-1][:5]
    word = docx.Document(io.BytesIO(other.get(f"/plans/{plan.id}/export.docx").data))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Progress, measured" in text and "from the organization's dispute-resolution" in text
    assert any("On-track line" in t.rows[0].cells[3].text for t in word.tables
               if len(t.rows[0].cells) > 3)
    assert "Progress, recorded by hand" in text and "source: Sign-in sheets" in text


def test_groups_refuse_empty_and_in_use(app, client, signed_in):
    user = signed_in("facilitator")
    seed(user.organization)
    page = "/plans/groups"
    response = post_form(client, page, {"name": "Pilot"}, token_from=page)
    assert "Choose at least one school" in response.get_data(as_text=True)
    post_form(client, page, {"name": "Pilot", "schools": ["Oak", "Pine"]}, token_from=page)
    group = evidence.org_groups(user.organization_id)[0]
    assert group.school_names == ("Oak", "Pine")
    plan = create_plan(user.organization_id, "Plan")
    bind(user.organization, plan, scope="group", group_id=group.id)
    db.session.commit()
    response = post_form(client, "/plans/groups/remove", {"item": group.id}, token_from=page,
                         follow_redirects=True)
    assert "change their scope first" in response.get_data(as_text=True)
    assert evidence.org_groups(user.organization_id)
    assert csrf_token(client, page)


def test_the_dashboard_shows_the_rate_a_target_is_bound_to(app, client, signed_in):
    user = signed_in("analyst")
    seed(user.organization)
    page = client.get("/adr/dashboard?year=2024-25&school=Oak").get_data(as_text=True)
    assert "Agreement rate: 57.14% full, 71.43% full or partial" in page
    assert "75.00 full, 75.00 full or partial" in page
    listing = client.get("/adr/cases?process=facilitated_iep&status=held&year=2024-25"
                         "&school=Oak&school=Pine").get_data(as_text=True)
    assert "Cases of these schools: Oak, Pine" in listing
    assert listing.count("<tr") == 1 + 6  # header + Oak's 4 and Pine's 2


def test_step_one_runs_each_grouped_query_once(app, make_org):
    from sqlalchemy import event

    org = make_org()
    seed(org)
    org_id = org.id
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        rows = evidence.evidence(org_id, [2023, 2024], None)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(rows) == 9  # every measure, survey ones too for all schools
    reads = [s for s in statements if "adr_" in s]
    assert len(reads) == 4  # figures, two day histograms, survey answers
