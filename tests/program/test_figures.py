"""The program's figures, computed by grouped queries over requests and cases built here."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from helpers import sign_in

from facilitator.adr import services as adr_services
from facilitator.adr.models import AdrCase
from facilitator.extensions import db
from facilitator.program import figures as fig
from facilitator.program.models import Assignment, ProgramCase, ProgramDistrict
from facilitator.program.pay import Payment, ProgramSession
from facilitator.program.request_models import ProgramRequest

YEAR = 2025  # the school year 2025-26


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _request(state, ref, status, day, district=None, reason="", case=None):
    req = ProgramRequest(
        organization_id=state["org"].id, reference=ref, created_at=_at(day),
        requester="parent", contact_name="A Parent", student_name="A Student",
        district_id=(district or state["riverside"]).id, process="mediation",
        concerns="Reading support", status=status, decision_reason=reason,
        case_id=case.id if case else None)
    db.session.add(req)
    return req


def _case(state, ref, process, received, district, language, neutral=None, accepted=None,
          **outcome):
    case = AdrCase(organization_id=state["org"].id, case_ref=ref, process=process,
                   received_on=received, school_year=YEAR, student_ref=ref, **outcome)
    db.session.add(case)
    db.session.flush()
    db.session.add(ProgramCase(organization_id=state["org"].id, case_id=case.id,
                               district_id=district.id, language=language))
    made = None
    if neutral is not None:
        made = Assignment(organization_id=state["org"].id, case_id=case.id,
                          neutral_id=neutral.id, status="accepted",
                          responded_at=_at(accepted))
        db.session.add(made)
        db.session.flush()
    return case, made


def _session(state, made, on, kind="held"):
    db.session.add(ProgramSession(organization_id=state["org"].id, assignment_id=made.id,
                                  neutral_id=made.neutral_id, on=on, kind=kind,
                                  hours=Decimal(2), amount_cents=45000))


def _build(state):
    south = ProgramDistrict(organization_id=state["org"].id, code="0703", name="Lakeshore SD",
                            region="South")
    db.session.add(south)
    db.session.flush()
    ana, ben, cruz = state["ana"], state["ben"], state["cruz"]
    # Three program cases of 2025-26, each from a request.
    c1, m1 = _case(state, "P-1", "mediation", date(2025, 9, 1), state["hill"], "es", ana,
                   date(2025, 9, 5), status="held", held_on=date(2025, 9, 20), agreement="yes")
    c2, m2 = _case(state, "P-2", "facilitated_iep", date(2025, 10, 1), state["riverside"],
                   "en", cruz, date(2025, 10, 11), status="held", held_on=date(2025, 10, 30),
                   agreement="none")
    c3, _ = _case(state, "P-3", "facilitated_iep", date(2025, 11, 1), south, "en",
                  status="pending")
    _session(state, m1, date(2025, 9, 15), kind="late_cancel")  # not held: not first
    _session(state, m1, date(2025, 9, 20))
    _session(state, m2, date(2025, 10, 30))
    _request(state, "REQ-A1", "approved", date(2025, 9, 1), state["hill"], case=c1)
    _request(state, "REQ-A2", "approved", date(2025, 10, 1), case=c2)
    _request(state, "REQ-A3", "approved", date(2025, 11, 1), south, case=c3)
    _request(state, "REQ-D1", "declined", date(2025, 12, 1), reason="Outside the window")
    _request(state, "REQ-D2", "declined", date(2026, 1, 5), reason="Outside the window")
    _request(state, "REQ-R1", "refused", date(2026, 2, 1), reason="The district said no")
    _request(state, "REQ-W1", "withdrawn", date(2026, 3, 1), south, reason="Resolved")
    _request(state, "REQ-O1", "awaiting_other", date(2026, 4, 1))
    _request(state, "REQ-OLD", "declined", date(2025, 6, 30), reason="Last year")  # 2024-25
    db.session.add_all([
        Payment(organization_id=state["org"].id, neutral_id=ana.id, month=date(2025, 9, 1),
                amount_cents=67500, sessions=2),
        Payment(organization_id=state["org"].id, neutral_id=cruz.id, month=date(2025, 10, 1),
                amount_cents=45000, sessions=1)])
    db.session.commit()
    # Five answers about Ana's case, one about Cruz's; the hook links each to the neutral.
    for i, case in enumerate([c1] * 5 + [c2]):
        token = adr_services.create_invitations(case, 1, "en")[0]
        adr_services.submit_survey(adr_services.find_invitation(token), {
            "raised_concerns": 4, "had_input": 4 if i else 2, "neutral_helpful": 4,
            "relationship_change": "improved", "use_again": "yes"})
    db.session.commit()
    return {"c1": c1, "c2": c2, "c3": c3, "south": south, "ben": ben}


def test_figures_by_year_and_region(app, state):
    built = _build(state)
    org = state["org"].id
    f = fig.Filters(YEAR)
    counts = fig.request_counts(org, f)
    assert counts["received"] == 8
    assert counts["by_status"] == {"awaiting_other": 1, "ready": 0, "approved": 3,
                                   "declined": 2, "refused": 1, "withdrawn": 1}
    assert {(r["status"], r["reason"], r["n"]) for r in counts["reasons"]} == {
        ("declined", "Outside the window", 2), ("refused", "The district said no", 1),
        ("withdrawn", "Resolved", 1)}
    time = fig.timeliness(org, f)
    # Accepted after 4 and 10 days; first held session after 19 and 29 days.
    assert time["assignment"] == {"n": 2, "median": 7.0, "p90": 10}
    assert time["session"] == {"n": 2, "median": 24.0, "p90": 29}

    by_neutral = {r["label"]: r for r in fig.agreement_rates(org, f, "neutral")}
    assert by_neutral["Ana Ruiz"] == {"key": str(state["ana"].id), "label": "Ana Ruiz",
                                      "cases": 1, "held": 1, "agreed": 1, "rate": "100.00"}
    assert by_neutral["Cruz Delgado"]["rate"] == "0.00"
    assert by_neutral[None]["cases"] == 1 and by_neutral[None]["held"] == 0
    by_language = {r["key"]: (r["cases"], r["held"], r["agreed"])
                   for r in fig.agreement_rates(org, f, "language")}
    assert by_language == {"en": (2, 1, 0), "es": (1, 1, 1)}
    by_region = {r["key"]: r["rate"] for r in fig.agreement_rates(org, f, "region")}
    assert by_region == {"North": "50.00", "South": "n/a"}
    by_process = {r["key"]: r["cases"] for r in fig.agreement_rates(org, f, "process")}
    assert by_process == {"facilitated_iep": 2, "mediation": 1}

    use = {d["name"]: (d["requests"], d["cases"]) for d in fig.district_use(org, f)}
    assert use == {"Riverside USD": (5, 1), "Hill County SD": (1, 1), "Lakeshore SD": (2, 1)}

    surveys = fig.surveys_by_neutral(org, f, 5)
    rows = {r["label"]: r for r in surveys["rows"]}
    assert rows["Ana Ruiz"]["n"] == 5 and rows["Ana Ruiz"]["had_input"] == "80.00"
    assert rows["Cruz Delgado"]["suppressed"] and "had_input" not in rows["Cruz Delgado"]
    assert surveys["unlinked"] == 0

    pay = {p["month"]: (p["cents"], p["sessions"]) for p in fig.payments_by_month(org, f)}
    assert len(pay) == 12 and pay[date(2025, 9, 1)] == (67500, 2)
    assert pay[date(2026, 6, 1)] == (0, 0)

    south = fig.Filters(YEAR, "South")
    assert fig.request_counts(org, south)["received"] == 2
    assert [r["key"] for r in fig.agreement_rates(org, south, "region")] == ["South"]
    assert fig.request_counts(org, fig.Filters(YEAR - 1))["received"] == 1
    assert built["c3"].id  # the unassigned case counts above


def test_page_csv_and_the_lists_behind_each_figure(app, client, state, make_user):
    _build(state)
    analyst = make_user("analyst", org=state["org"])
    sign_in(client, analyst.email)
    r = client.get("/program/figures?year=2025-26")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html[:500]
    assert 'id="program-figures-data"' in html and "<script>" not in html
    assert "/program/figures/requests?year=2025-26&amp;status=declined" in html
    assert "Outside the window" in html and "Ana Ruiz" in html
    region = client.get("/program/figures?year=2025-26&region=South").get_data(as_text=True)
    assert "South region" in region
    listed = client.get("/program/figures/requests?year=2025-26&status=declined")
    text = listed.get_data(as_text=True)
    assert "REQ-D1" in text and "REQ-D2" in text and "REQ-A1" not in text
    assert "A Parent" not in text and "A Student" not in text  # no contact or child data
    cases = client.get(f"/program/figures/cases?year=2025-26&neutral={state['ana'].id}"
                       "&outcome=agreed").get_data(as_text=True)
    assert "P-1" in cases and "P-2" not in cases
    assert "P-3" in client.get("/program/figures/cases?year=2025-26&outcome=unassigned"
                               ).get_data(as_text=True)
    # A formula in a district's name stays text in the spreadsheet.
    db.session.execute(db.update(ProgramDistrict).where(ProgramDistrict.code == "0703")
                       .values(name="=cmd|' /C calc'!A0"))
    db.session.commit()
    csv_text = client.get("/program/figures.csv?year=2025-26").get_data(as_text=True)
    assert csv_text.startswith("school_year,region,figure,group,measure,value")
    assert "'=cmd" in csv_text and "2025-26,all,requests,Approved,requests,3" in csv_text


def test_who_may_read_the_figures(app, client, state, make_user, make_org):
    neutral = app.test_client()
    sign_in(neutral, "cruz@mediators.example")
    assert neutral.get("/program/figures").status_code in (403, 404)
    district_analyst = make_user("analyst", org=make_org("a-district"))
    sign_in(client, district_analyst.email)
    assert client.get("/program/figures").status_code == 404  # not a state program
