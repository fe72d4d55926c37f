"""Dashboard figures (hand-computed): outcomes, rates, medians, escalation, trends, page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from facilitator.adr import dashboard, services
from facilitator.extensions import db


def add(org, ref, process, status, received, school="Oak", student="", **kw):
    services.save_case(org.id, {"case_ref": ref, "process": process, "status": status,
                                "received_on": received, "school": school,
                                "student_ref": student, **kw})


def d(s: str) -> date:
    return date.fromisoformat(s)


def seed(org):
    # 2023-24: four facilitated IEPs held at Oak, one at Pine.
    add(org, "F1", "facilitated_iep", "held", d("2023-09-01"), student="S1",
        held_on=d("2023-09-11"), agreement="full", closed_on=d("2023-09-11"))      # 10 days
    add(org, "F2", "facilitated_iep", "held", d("2023-09-01"), student="S2",
        held_on=d("2023-09-21"), agreement="partial", closed_on=d("2023-09-30"))   # 20 days
    add(org, "F3", "facilitated_iep", "held", d("2023-10-01"), student="S3",
        held_on=d("2023-10-31"), agreement="none", closed_on=d("2023-10-31"))      # 30 days
    add(org, "F4", "facilitated_iep", "held", d("2023-10-01"), student="S4",
        held_on=d("2023-11-10"), agreement="full")                                 # 40 days
    add(org, "F5", "facilitated_iep", "held", d("2024-01-01"), school="Pine", student="S5",
        held_on=d("2024-01-04"), agreement="full")                                 # 3 days
    # Escalations: S1 mediation 5 months later (counts), S2 due process 13 months later
    # (does not), S3 state complaint one day later (counts), S4 nothing.
    add(org, "M1", "mediation", "held", d("2024-02-11"), student="S1",
        held_on=d("2024-02-20"), agreement="yes")
    add(org, "D1", "due_process", "pending", d("2024-10-22"), student="S2")
    add(org, "C1", "state_complaint", "pending", d("2023-11-01"), student="S3")
    add(org, "M2", "mediation", "held", d("2024-03-01"), held_on=d("2024-03-05"),
        agreement="no")
    add(org, "M3", "mediation", "held", d("2024-03-01"), held_on=d("2024-03-06"),
        agreement="yes")
    add(org, "X1", "expedited_due_process", "withdrawn", d("2024-04-01"),
        resolution_meeting_on=d("2024-04-05"), settlement=True)
    db.session.commit()


def test_year_dashboard_hand_computed(app, make_org):
    org = make_org()
    seed(org)
    data = dashboard.year_dashboard(org.id, 2023)
    t = data["total"]
    assert (t["fiep_held"], t["fiep_full"], t["fiep_partial"], t["fiep_none"]) == (5, 3, 1, 1)
    assert (t["med_held"], t["med_agreements"], t["med_rate"]) == (3, 2, "66.67")
    assert (t["resolution_meetings"], t["settlements"], t["settlement_rate"]) == (1, 1, "100.00")
    assert (t["escalated"], t["fiep_with_student"], t["escalation_rate"]) == (2, 5, "40.00")
    medians = {m["process"]: m for m in data["medians"]}
    # Held: 3, 10, 20, 30, 40 days -> 20. Closed: 10, 29, 30 -> 29.
    assert medians["facilitated_iep"]["held"] == 20
    assert medians["facilitated_iep"]["closed"] == 29
    # Mediations held after 9, 4 and 5 days -> 5.
    assert medians["mediation"]["held"] == 5
    assert medians["state_complaint"]["held"] is None
    oak = next(s for s in data["schools"] if s["school"] == "Oak")
    assert oak["fiep_held"] == 4 and oak["escalated"] == 2
    # Oak alone: facilitated IEPs held after 10, 20, 30, 40 days -> (20 + 30) / 2.
    oak_only = dashboard.year_dashboard(org.id, 2023, school="Oak")
    assert oak_only["school_row"]["fiep_held"] == 4
    oak_medians = {m["process"]: m for m in oak_only["school_medians"]}
    assert oak_medians["facilitated_iep"]["held"] == 25
    pine = next(s for s in data["schools"] if s["school"] == "Pine")
    assert pine["fiep_held"] == 1 and pine["escalated"] == 0


def test_trends_per_year(app, make_org):
    org = make_org()
    seed(org)
    rows = dashboard.trends(org.id)
    assert [r["year_label"] for r in rows] == ["2023-24", "2024-25"]
    assert rows[0]["cases"] == 10 and rows[1]["cases"] == 1
    assert rows[1]["med_rate"] == "n/a"
    assert dashboard.years(org.id) == [2024, 2023]


def test_dashboard_page_has_charts_and_tables(app, client, signed_in):
    user = signed_in("analyst")
    seed(user.organization)
    html = client.get("/adr/dashboard?year=2023-24").get_data(as_text=True)
    assert "66.67%" in html and "40.00%" in html
    assert "vendor/chart.umd.js" in html and "js/adr-charts.js" in html
    assert 'id="fiep-table"' in html and 'id="rates-table"' in html
    raw = re.search(r'id="adr-chart-data">(.*?)</script>', html, re.S).group(1)
    chart = json.loads(raw)
    assert chart["years"] == ["2023-24"]      # the trend ends with the chosen year
    assert chart["fiep"]["full"] == [3]
    assert "<script>" not in html  # no inline script


def test_dashboard_of_an_empty_year(app, client, signed_in):
    signed_in("advocate")
    html = client.get("/adr/dashboard?year=2001-02").get_data(as_text=True)
    assert "No cases were received in 2001-02" in html


def test_dashboard_for_one_school(app, client, signed_in):
    user = signed_in("analyst")
    seed(user.organization)
    html = client.get("/adr/dashboard?year=2023-24&school=Pine").get_data(as_text=True)
    assert "Pine, 2023-24" in html


def test_escalation_flags_follow_edits_and_deletes(app, make_org):
    from facilitator.adr.models import AdrCase

    org = make_org()
    add(org, "F", "facilitated_iep", "held", d("2023-09-01"), student="S",
        held_on=d("2023-09-15"), agreement="none")
    db.session.commit()
    fiep = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "F")).scalar_one()
    assert fiep.escalated is False
    later = services.save_case(org.id, {"case_ref": "C", "process": "state_complaint",
                                        "status": "pending", "received_on": d("2024-01-10"),
                                        "student_ref": "S"})
    db.session.commit()
    db.session.refresh(fiep)
    assert fiep.escalated is True
    values = services.case_values(later) | {"student_ref": "OTHER"}
    services.save_case(org.id, values, later)
    db.session.commit()
    db.session.refresh(fiep)
    assert fiep.escalated is False
    services.save_case(org.id, values | {"student_ref": "S"}, later)
    db.session.commit()
    services.delete_case(later)
    db.session.commit()
    db.session.refresh(fiep)
    assert fiep.escalated is False


def test_escalation_window_is_twelve_months(app, make_org):
    org = make_org()
    held = d("2023-09-15")
    add(org, "F", "facilitated_iep", "held", d("2023-09-01"), student="S", held_on=held,
        agreement="none")
    add(org, "C", "state_complaint", "pending", held + timedelta(days=366), student="S")
    db.session.commit()
    assert dashboard.year_dashboard(org.id, 2023)["total"]["escalated"] == 1  # 2024-09-15
    add(org, "C2", "state_complaint", "pending", d("2024-09-16"), student="S")
    other = make_org()
    add(other, "F", "facilitated_iep", "held", d("2023-09-01"), student="T", held_on=held,
        agreement="none")
    add(other, "C", "state_complaint", "pending", d("2024-09-16"), student="T")
    db.session.commit()
    assert dashboard.year_dashboard(other.id, 2023)["total"]["escalated"] == 0


def test_median_of_a_histogram():
    assert dashboard.median_of({}) is None
    assert dashboard.median_of({7: 1}) == 7
    assert dashboard.median_of({3: 1, 10: 1, 20: 1, 30: 1, 40: 1}) == 20
    assert dashboard.median_of({10: 2, 20: 1, 30: 1}) == 15
    assert dashboard.median_of({1: 3, 100: 3}) == 50.5


def test_figures_are_folded_per_school_in_the_database(app, make_org):
    org = make_org()
    for i in range(3):
        add(org, f"F{i}", "facilitated_iep", "held", d("2023-09-01"), school="A",
            held_on=d("2023-09-05"), agreement="full")
    for i in range(2):
        add(org, f"M{i}", "mediation", "held", d("2023-09-01"), school="A",
            held_on=d("2023-09-05"), agreement="no")
    for i in range(4):
        add(org, f"D{i}", "due_process", "withdrawn", d("2023-09-01"), school="B",
            resolution_meeting_on=d("2023-09-10"), settlement=True)
    for i in range(5):
        add(org, f"X{i}", "expedited_due_process", "pending", d("2023-09-01"), school="B")
    db.session.commit()
    out = dashboard.figures(org.id, "school", [2023])
    assert (out["A"]["cases"], out["A"]["fiep_full"], out["A"]["med_held"],
            out["A"]["med_agreements"]) == (5, 3, 2, 0)
    assert (out["B"]["resolution_meetings"], out["B"]["settlements"],
            out["B"]["n_expedited_due_process"]) == (4, 4, 5)
    total = dashboard.year_dashboard(org.id, 2023)["total"]
    assert total == dashboard.scope_figures(org.id, [2023])[2023]
    assert (total["cases"], total["settlement_rate"]) == (14, "100.00")


def test_trends_window(app, make_org):
    org = make_org()
    seed(org)
    assert [r["year_label"] for r in dashboard.trends(org.id, last=2023, span=1)] == ["2023-24"]
    assert [r["year_label"] for r in dashboard.trends(org.id, last=2024)] == \
        ["2023-24", "2024-25"]


def test_medians_by_rank_agree_with_the_histograms(app, make_org):
    """Every school (ranked: count, then OFFSET) = the same schools named (histograms)."""
    import random

    org = make_org()
    seed(org)
    rng = random.Random(7)
    for i in range(40):
        received = d("2023-07-01") + timedelta(days=rng.randint(0, 700))
        process = rng.choice(["facilitated_iep", "mediation", "state_complaint"])
        extra = {"closed_on": received + timedelta(days=rng.randint(0, 90))}
        if process == "state_complaint":
            status = "report_issued"
            extra |= {"timeline": "within", "findings": False,
                      "decision_on": extra["closed_on"]}
        else:
            status = "held"
            extra |= {"held_on": received + timedelta(days=rng.randint(0, 60)),
                      "agreement": "full" if process == "facilitated_iep" else "yes"}
        add(org, f"R{i}", process, status, received, school=rng.choice(["Oak", "Pine"]),
            **extra)
    db.session.commit()
    ranked = dashboard.scope_medians(org.id, [2023, 2024, 2025])
    named = dashboard.scope_medians(org.id, [2023, 2024, 2025], schools=["Oak", "Pine"])
    assert ranked == named
    assert ranked[2023]["facilitated_iep"]["n_held"] > 5


def test_the_database_keeps_dash_class_through_every_write(app, make_org):
    """dash_class (what the figures group by) is the row's own columns, whoever writes."""
    from sqlalchemy import text

    from facilitator.adr import derived

    org = make_org()
    seed(org)
    off = text("SELECT count(*) FROM adr_cases WHERE dash_class IS DISTINCT FROM "  # noqa: S608
               + derived.dash_class_sql())
    assert db.session.execute(off).scalar() == 0
    before = dashboard.year_dashboard(org.id, 2023)["total"]
    db.session.execute(text("UPDATE adr_cases SET student_ref = '', dash_class = 0 "
                            "WHERE case_ref = 'F4'"))
    db.session.execute(text("UPDATE adr_cases SET agreement = 'partial' WHERE case_ref = 'F5'"))
    db.session.commit()
    assert db.session.execute(off).scalar() == 0
    after = dashboard.year_dashboard(org.id, 2023)["total"]
    assert after["fiep_with_student"] == before["fiep_with_student"] - 1
    assert (after["fiep_full"], after["fiep_partial"]) == (before["fiep_full"] - 1,
                                                          before["fiep_partial"] + 1)


def test_packed_counts_are_the_general_figures(app, make_org):
    """year_dashboard's packed sums (derived.PACKS) give what figures() and the count of
    day counts give; a group too large for its fields takes the general path."""
    from facilitator.adr import derived

    org = make_org()
    seed(org)
    per, days = dashboard._school_counts(org.id, 2023)
    general = dashboard.figures(org.id, "school", [2023])
    assert {s: {k: general[s][k] for k in dashboard.COUNT_KEYS} for s in general} == per
    counted = dashboard._ranked_medians(org.id, [2023])
    assert days == [counted[(2023, p, col)][1] for p, col in dashboard.DAYS_KEYS]
    assert days[0] == 5  # facilitated IEPs with a day count to the meeting
    shift = derived.SHIFT
    try:
        derived.SHIFT = 3  # Oak has four facilitated IEPs: too many for 2-bit fields
        assert dashboard._school_counts(org.id, 2023) is None
        assert dashboard.year_dashboard(org.id, 2023)["total"]["fiep_full"] == 3
    finally:
        derived.SHIFT = shift
