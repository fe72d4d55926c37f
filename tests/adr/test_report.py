"""The section 618 table: hand-computed tables, identities, indicators, screen/CSV/JSON/CLI."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import date, timedelta

from facilitator.adr import report
from facilitator.adr.csv_io import import_cases
from facilitator.adr.rules import COLUMNS
from facilitator.extensions import db


def csv_text(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([row.get(c, "") for c in COLUMNS])
    return out.getvalue()


def R(ref, process, status, received="2023-09-01", **kw):
    return {"case_ref": ref, "process": process, "status": status, "received_on": received, **kw}


ADJ = {"decision_on": "2024-01-10"}
RM_NO = {"resolution_meeting_on": "2023-09-10", "settlement": "no"}
RM_YES = {"resolution_meeting_on": "2023-09-10", "settlement": "yes"}
HELD = {"held_on": "2023-09-20"}

#: 2023-24, counted by hand in the comments of EXPECTED below.
CASES = [
    R("SC1", "state_complaint", "report_issued", findings="yes", timeline="within", **ADJ),
    R("SC2", "state_complaint", "report_issued", findings="no", timeline="extended", **ADJ),
    R("SC3", "state_complaint", "report_issued", findings="yes", timeline="late", **ADJ),
    R("SC4", "state_complaint", "pending", pending_hearing="yes"),
    R("SC5", "state_complaint", "pending"),
    R("SC6", "state_complaint", "withdrawn"),
    R("D1", "due_process", "adjudicated", timeline="within", **ADJ, **RM_NO),
    R("D2", "due_process", "adjudicated", timeline="extended", **ADJ),
    R("D3", "due_process", "withdrawn", **RM_YES),
    R("D4", "due_process", "pending"),
    R("D5", "due_process", "withdrawn", **RM_NO),
    R("X1", "expedited_due_process", "adjudicated", timeline="within", placement_changed="yes",
      **ADJ, **RM_NO),
    R("X2", "expedited_due_process", "withdrawn", **RM_YES),
    R("X3", "expedited_due_process", "pending"),
    R("F1", "facilitated_iep", "held", agreement="full", **HELD),
    R("M1", "mediation", "held", agreement="yes", related_ref="D1", **HELD),
    R("M2", "mediation", "held", agreement="no", related_ref="X1", **HELD),
    R("M3", "mediation", "held", agreement="yes", related_ref="F1", **HELD),
    R("M4", "mediation", "held", agreement="yes", **HELD),
    R("M5", "mediation", "held", agreement="no", **HELD),
    R("M6", "mediation", "pending"),
    R("M7", "mediation", "withdrawn"),
    # Other school years: must not count in 2023-24.
    R("OLD", "state_complaint", "pending", received="2023-06-30"),
    R("NEW", "mediation", "pending", received="2024-07-01"),
]

EXPECTED = {
    "1": 6, "1.1": 3, "1.1(a)": 2, "1.1(b)": 1, "1.1(c)": 1, "1.2": 2, "1.2(a)": 1, "1.3": 1,
    "2": 7, "2.1": 5, "2.1(a)": 2, "2.1(a)(i)": 1, "2.1(b)": 3, "2.1(b)(i)": 2, "2.2": 1,
    "2.3": 1,
    # Expedited complaints are due process complaints: D1-D5 and X1-X3.
    "3": 8, "3.1": 5, "3.1(a)": 2, "3.2": 3, "3.2(a)": 2, "3.2(b)": 1, "3.3": 2, "3.4": 3,
    "4": 3, "4.1": 2, "4.1(a)": 1, "4.2": 1, "4.2(a)": 1, "4.3": 1, "4.4": 1,
}


def _load(org, rows=CASES):
    import_cases(org.id, csv_text(rows).encode())
    db.session.commit()


def test_hand_computed_table(app, make_org):
    org = make_org()
    _load(org)
    assert report.counts(org.id, 2023) == EXPECTED
    assert report.identities(EXPECTED) == []
    table = report.build_table(EXPECTED)
    b15, b16 = table["indicators"]
    assert (b15["item"], b15["value"], b15["numerator"], b15["denominator"]) == \
        ("B15", "40.00", 2, 5)
    assert (b16["item"], b16["value"], b16["numerator"], b16["denominator"]) == \
        ("B16", "60.00", 3, 5)
    assert "Fewer than 10" in b15["note"] and "not required to set a target" in b16["note"]
    # The neighbouring years hold one case each.
    assert report.counts(org.id, 2022)["1"] == 1 and report.counts(org.id, 2022)["1.2"] == 1
    assert report.counts(org.id, 2024)["2"] == 1 and report.counts(org.id, 2024)["2.2"] == 1


def test_a_second_hand_computed_table_with_large_denominators(app, make_org):
    org = make_org()
    rows = [R(f"M{i}", "mediation", "held", agreement="yes" if i % 3 else "no", **HELD)
            for i in range(12)]          # 12 held, agreements for i not divisible by 3: 8
    rows += [R(f"D{i}", "due_process", "withdrawn", resolution_meeting_on="2023-09-10",
               settlement="yes" if i < 1 else "no") for i in range(32)]   # 1 of 32
    _load(org, rows)
    n = report.counts(org.id, 2023)
    assert (n["2"], n["2.1"], n["2.1(b)"], n["2.1(b)(i)"], n["2.1(a)"]) == (12, 12, 12, 8, 0)
    assert (n["3"], n["3.1"], n["3.1(a)"], n["3.4"], n["4"]) == (32, 32, 1, 32, 0)
    b15, b16 = report.build_table(n)["indicators"]
    assert b15["value"] == "3.13"        # 3.125 rounds half up
    assert b16["value"] == "66.67"
    assert b15["note"] == "" and b16["note"] == ""


def test_empty_year_gives_zeros_and_na(app, make_org):
    org = make_org()
    n = report.counts(org.id, 2010)
    assert set(n.values()) == {0}
    b15, b16 = report.build_table(n)["indicators"]
    assert b15["value"] == b16["value"] == "n/a"
    assert "no percentage" in b15["note"]


def test_percent_rounding():
    assert report.percent(1, 3) == "33.33"
    assert report.percent(2, 3) == "66.67"
    assert report.percent(1, 16) == "6.25"
    assert report.percent(1, 32) == "3.13"
    assert report.percent(5, 5) == "100.00"
    assert report.percent(0, 7) == "0.00"
    assert report.percent(3, 0) == "n/a"


def _random_rows(rng: random.Random, n: int) -> list[dict]:
    rows = []
    for i in range(n):
        received = date(2023, 7, 1) + timedelta(days=rng.randrange(365))
        later = (received + timedelta(days=rng.randrange(1, 60))).isoformat()
        process = rng.choice(["facilitated_iep", "mediation", "due_process",
                              "expedited_due_process", "state_complaint"])
        row = {"case_ref": f"C{i}", "process": process, "received_on": received.isoformat()}
        if process in ("facilitated_iep", "mediation"):
            row["status"] = rng.choice(["pending", "held", "withdrawn"])
            if row["status"] == "held":
                row["held_on"] = later
                row["agreement"] = rng.choice(["full", "partial", "none"]
                                              if process == "facilitated_iep" else ["yes", "no"])
            if process == "mediation" and i and rng.random() < .5:
                row["related_ref"] = f"C{rng.randrange(i)}"
        elif process == "state_complaint":
            row["status"] = rng.choice(["pending", "report_issued", "withdrawn"])
            if row["status"] == "report_issued":
                row.update(decision_on=later, findings=rng.choice(["yes", "no"]),
                           timeline=rng.choice(["within", "extended", "late"]))
            elif row["status"] == "pending":
                row["pending_hearing"] = rng.choice(["", "yes", "no"])
        else:
            row["status"] = rng.choice(["pending", "adjudicated", "withdrawn"])
            if rng.random() < .6:
                row.update(resolution_meeting_on=later, settlement=rng.choice(["yes", "no"]))
            if row["status"] == "adjudicated":
                row.update(decision_on=later, timeline=rng.choice(
                    ["within", "extended", "late"] if process == "due_process"
                    else ["within", "late"]))
                if process == "expedited_due_process":
                    row["placement_changed"] = rng.choice(["yes", "no"])
        rows.append(row)
    return rows


def test_sql_counts_match_the_row_by_row_rules_and_identities_hold(app, make_org):
    from facilitator.adr.models import AdrCase

    rng = random.Random(618)
    org = make_org()
    _load(org, _random_rows(rng, 400))
    sql = report.counts(org.id, 2023)
    rel = db.aliased(AdrCase)
    rows = [dict(c.__dict__, related_process=p) for c, p in db.session.execute(
        db.select(AdrCase, rel.process).outerjoin(rel, rel.id == AdrCase.related_id)
        .where(AdrCase.organization_id == org.id, AdrCase.school_year == 2023))]
    assert sql == report.counts_from_rows(rows)
    assert report.identities(sql) == []
    assert sql["2"] > 0 and sql["3"] > 0 and sql["4"] > 0


def test_labels_are_the_official_items():
    items = [i for i, _ in report.ITEMS]
    assert items == list(EXPECTED)
    assert report.LABELS["3.2(a)"] == "3.2(a) Decisions within timeline (include expedited)"
    assert report.LABELS["1"] == "1. Written, signed complaints total"


def test_report_on_screen_csv_and_json(app, client, signed_in):
    user = signed_in("analyst")
    org = user.organization
    _load(org)
    page = client.get("/adr/report?year=2023-24")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "3.2(a) Decisions within timeline (include expedited)" in html
    assert "40.00%" in html and "60.00%" in html
    body = client.get("/adr/report.csv?year=2023-24").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["item", "label", "value"]
    assert rows[1] == ["1", "1. Written, signed complaints total", "6"]
    assert rows[-2][0] == "B15" and rows[-2][2] == "40.00"
    assert rows[-1][0] == "B16" and rows[-1][2] == "60.00"
    data = json.loads(client.get("/adr/report.json?year=2023-24").get_data(as_text=True))
    assert data["school_year"] == "2023-24"
    assert {r["item"]: r["value"] for r in data["items"]} == EXPECTED
    assert client.get("/adr/report?year=garbage").status_code == 404


def test_report_counts_only_the_users_organization(app, client, signed_in, make_org):
    other = make_org()
    _load(other)
    signed_in("analyst")
    data = json.loads(client.get("/adr/report.json?year=2023-24").get_data(as_text=True))
    assert all(r["value"] == 0 for r in data["items"])


def test_cli_report(app, runner, make_org):
    org = make_org("cli-district")
    _load(org)
    result = runner.invoke(args=["adr", "report", "--org", org.slug, "--year", "2023-24",
                                 "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == ["item", "label", "value"] and len(rows) == 1 + 31 + 2
    result = runner.invoke(args=["adr", "report", "--org", org.slug, "--year", "2023-24",
                                 "--format", "json"])
    assert json.loads(result.output)["indicators"][0]["value"] == "40.00"
    bad = runner.invoke(args=["adr", "report", "--org", org.slug, "--year", "23/24"])
    assert bad.exit_code != 0 and "not a school year" in bad.output


def test_counts_from_groups_matches_counts_from_rows():
    """The pure fold over grouped rows agrees with the row-by-row rules."""
    from collections import Counter

    rng = random.Random(16)
    rows = []
    for row in _random_rows(rng, 300):
        typed = {k: v for k, v in row.items()}
        for k in ("settlement", "findings", "pending_hearing", "placement_changed"):
            typed[k] = {"yes": True, "no": False}.get(row.get(k, ""))
        typed["resolution_meeting_on"] = row.get("resolution_meeting_on") or None
        typed["related_process"] = rng.choice([None, "due_process", "facilitated_iep"]) \
            if row["process"] == "mediation" else None
        rows.append(typed)
    keys = report.GROUP_COLUMNS
    groups: Counter = Counter()
    rm: Counter = Counter()
    rel: Counter = Counter()
    for r in rows:
        key = tuple(r.get(k) if r.get(k) is not None else ("" if k in (
            "agreement", "timeline") else None) for k in keys)
        groups[key] += 1
        rm[key] += r["resolution_meeting_on"] is not None
        rel[key] += r["related_process"] in ("due_process", "expedited_due_process")
    grouped = [dict(zip(keys, k, strict=True), n=n, n_rm=rm[k], n_rel=rel[k])
               for k, n in groups.items()]
    assert report.counts_from_groups(grouped) == report.counts_from_rows(rows)


def test_percent_in_integers_gives_the_decimal_strings():
    from facilitator.adr.report import percent, percent_decimal

    pairs = [(n, d) for d in range(1, 201) for n in range(0, 2 * d + 1)]
    pairs += [(2 ** 40 + 7, 3 * 2 ** 40 + 1), (10 ** 9, 3), (1, 10 ** 12)]
    assert [percent(n, d) for n, d in pairs] == [percent_decimal(n, d) for n, d in pairs]
    assert percent(1, 8) == "12.50" and percent(1, 200) == "0.50" and percent(3, 0) == "n/a"


def test_related_process_follows_edits_deletes_and_raw_writes(app, make_org):
    """The database keeps related_process (what 2.1(a) counts) through every kind of write."""
    from sqlalchemy import text

    from facilitator.adr import services
    from facilitator.adr.models import AdrCase

    org = make_org()
    _load(org, [R("D1", "due_process", "pending"), R("F1", "facilitated_iep", "pending"),
                R("M1", "mediation", "held", agreement="yes", related_ref="D1", **HELD),
                R("M2", "mediation", "held", agreement="no", related_ref="F1", **HELD)])

    def related_counts():
        n = report.counts(org.id, 2023)
        return n["2.1(a)"], n["2.1(a)(i)"], n["2.1(b)"]

    def stored(ref):
        db.session.expire_all()
        return services.find_case(org.id, ref).related_process

    assert related_counts() == (1, 1, 1) and stored("M1") == "due_process"
    d1 = services.find_case(org.id, "D1")
    services.save_case(org.id, services.case_values(d1) | {"process": "state_complaint"}, d1)
    db.session.commit()
    assert related_counts() == (0, 0, 2) and stored("M1") == "state_complaint"
    m2 = services.find_case(org.id, "M2")
    services.save_case(org.id, services.case_values(m2) | {"related_ref": "M1"}, m2)
    db.session.commit()
    assert stored("M2") == "mediation"
    # A raw write of the column itself is put right by the database.
    db.session.execute(text("UPDATE adr_cases SET related_process = 'due_process' "
                            "WHERE case_ref = 'M2'"))
    db.session.commit()
    assert stored("M2") == "mediation"
    services.delete_case(services.find_case(org.id, "M1"))
    db.session.commit()
    assert stored("M2") is None and related_counts() == (0, 0, 1)
    mismatched = db.session.execute(text(
        "SELECT count(*) FROM adr_cases AS c LEFT JOIN adr_cases AS r ON r.id = c.related_id "
        "WHERE c.related_process IS DISTINCT FROM r.process")).scalar()
    assert mismatched == 0 and db.session.get(AdrCase, d1.id).process == "state_complaint"


def test_dash_class_in_python_is_the_databases(app, make_org):
    """The CSV import writes the class itself (derived.dash_class_of); it is the one the
    database's expression gives for every row."""
    from sqlalchemy import text

    from facilitator.adr import derived

    org = make_org()
    _load(org, _random_rows(random.Random(911), 300))
    expression = derived.dash_class_sql()
    rows = db.session.execute(text(
        "SELECT process, status, agreement, resolution_meeting_on, settlement, escalated, "  # noqa: S608
        f"student_ref, days_to_held, days_to_closed, dash_class, {expression} AS computed "
        "FROM adr_cases")).mappings().all()
    assert len(rows) == 300
    assert [derived.dash_class_of(r) for r in rows] == [r["dash_class"] for r in rows] \
        == [r["computed"] for r in rows]
