"""CSV import and export: per-process validation, all-or-nothing, exact round trip."""

from __future__ import annotations

import csv
import io

import pytest
from helpers import post_form

from facilitator.adr.csv_io import ImportRefused, export_csv, import_cases
from facilitator.adr.models import AdrCase
from facilitator.adr.rules import COLUMNS
from facilitator.extensions import db
from facilitator.web import protect, unprotect


def csv_text(*rows: dict, header=COLUMNS) -> str:
    """CSV text with a header row, quoting like the csv module does."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in header])
    return out.getvalue()

GOOD = [
    dict(case_ref="F-1", process="facilitated_iep", received_on="2024-09-03",
         school="Oak Elementary", student_ref="S1", status="held", held_on="2024-09-20",
         agreement="partial",
         closed_on="2024-09-20", notes="Went well, \"mostly\"\nsecond line"),
    dict(case_ref="D-1", process="due_process", received_on="2024-10-01", school="Oak Elementary",
         student_ref="S1", status="adjudicated", resolution_meeting_on="2024-10-10",
         settlement="no", decision_on="2024-12-20", timeline="extended", closed_on="2024-12-20"),
    dict(case_ref="M-1", process="mediation", received_on="2024-10-05", student_ref="S1",
         related_ref="D-1", status="held", held_on="2024-10-20", agreement="yes"),
    dict(case_ref="X-1", process="expedited_due_process", received_on="2025-02-03",
         status="adjudicated", resolution_meeting_on="2025-02-06", settlement="yes",
         decision_on="2025-03-10", timeline="within", placement_changed="no"),
    dict(case_ref="C-1", process="state_complaint", received_on="2025-03-01", status="pending",
         pending_hearing="yes", notes="=HYPERLINK(\"http://x\")"),
    dict(case_ref="C-2", process="state_complaint", received_on="2025-03-02",
         status="report_issued", decision_on="2025-04-20", timeline="within", findings="yes"),
]


def _import(org, text: str):
    return import_cases(org.id, text.encode())


def test_import_creates_cases_with_school_year_and_links(app, make_org):
    org = make_org()
    result = _import(org, csv_text(*GOOD))
    db.session.commit()
    assert (result.created, result.updated) == (6, 0)
    med = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "M-1")).scalar_one()
    assert med.related.case_ref == "D-1"
    assert med.school_year == 2024 and med.days_to_held == 15
    x = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "X-1")).scalar_one()
    assert x.school_year == 2024 and x.settlement is True and x.placement_changed is False


def test_export_then_import_round_trips_exactly(app, make_org):
    org = make_org()
    _import(org, csv_text(*GOOD))
    db.session.commit()
    first = export_csv(org.id)
    # Same data into another organization, and re-import over itself: identical exports.
    other = make_org()
    import_cases(other.id, first.encode())
    result = import_cases(org.id, first.encode())
    db.session.commit()
    assert result.updated == 6 and result.created == 0
    assert export_csv(other.id) == first
    assert export_csv(org.id) == first
    # The export equals the input file, sorted by case_ref.
    assert first == csv_text(*sorted(GOOD, key=lambda r: r["case_ref"])).replace(
        '=HYPERLINK', "'=HYPERLINK")


def test_export_is_safe_from_formula_injection(app, make_org):
    org = make_org()
    rows = [dict(case_ref="@A", process="mediation", received_on="2024-09-01", status="pending",
                 school="+Oak", student_ref="-5", notes="=1+1")]
    _import(org, csv_text(*rows))
    text = export_csv(org.id)
    line = text.splitlines()[1]
    assert line.startswith("'@A,")
    assert "'+Oak" in line and "'-5" in line and "'=1+1" in line
    for cell in ("=x", "+x", "-x", "@x", "\tx", "'x", "plain"):
        assert unprotect(protect(cell)) == cell
    assert protect("=x")[0] == "'"


@pytest.mark.parametrize("row, expected", [
    (dict(process="mediation", status="pending", agreement="yes"),
     "line 2, column agreement: a pending mediation has no agreement"),
    (dict(process="due_process", status="pending", settlement="yes"),
     "line 2, column settlement: a settlement needs a resolution meeting"),
    (dict(process="mediation", status="held", held_on="2024-13-01", agreement="yes"),
     "line 2, column held_on: '2024-13-01' is not a date; write it as YYYY-MM-DD"),
    (dict(process="mediation", status="pending", related_ref="NOPE"),
     "line 2, column related_ref: 'NOPE' names no case"),
    (dict(process="facilitated_iep", status="held", held_on="2024-10-01", agreement="yes"),
     "line 2, column agreement: 'yes' is not an agreement value for facilitated_iep"),
    (dict(process="mediation", status="adjudicated"),
     "line 2, column status: 'adjudicated' is not a status of mediation"),
    (dict(process="appeal", status="pending"), "line 2, column process: 'appeal' is not one of"),
    (dict(process="expedited_due_process", status="adjudicated", decision_on="2024-10-10",
          timeline="extended", placement_changed="no"),
     "line 2, column timeline: 'extended' is not allowed for expedited_due_process"),
    (dict(process="expedited_due_process", status="adjudicated", decision_on="2024-10-10",
          timeline="within"),
     "line 2, column placement_changed: is required"),
    (dict(process="state_complaint", status="report_issued", decision_on="2024-10-10",
          timeline="within"), "line 2, column findings: is required"),
    (dict(process="state_complaint", status="withdrawn", pending_hearing="yes"),
     "line 2, column pending_hearing: is only for a pending state complaint"),
    (dict(process="mediation", status="pending", closed_on="2024-10-01"),
     "line 2, column closed_on: a pending case has no closed_on date"),
    (dict(process="mediation", status="held", held_on="2024-08-01", agreement="no"),
     "line 2, column held_on: 2024-08-01 is before received_on 2024-09-01"),
    (dict(process="due_process", status="pending", settlement="maybe",
          resolution_meeting_on="2024-09-05"),
     "line 2, column settlement: 'maybe' must be yes or no"),
    (dict(process="mediation", status="pending", received_on=""),
     "line 2, column received_on: is required"),
    (dict(process="mediation", status="pending", case_ref=""),
     "line 2, column case_ref: is required"),
])
def test_values_that_do_not_fit_the_process_are_refused(app, make_org, row, expected):
    org = make_org()
    full = {"case_ref": "R-1", "received_on": "2024-09-01"} | row
    with pytest.raises(ImportRefused) as exc:
        _import(org, csv_text(full))
    assert any(e.startswith(expected) for e in exc.value.errors), exc.value.errors
    assert db.session.execute(db.select(db.func.count(AdrCase.id))).scalar() == 0


def test_import_is_all_or_nothing_and_lists_every_error(app, make_org):
    org = make_org()
    rows = GOOD + [dict(case_ref="BAD", process="mediation", received_on="yesterday",
                        status="pending"),
                   dict(case_ref="F-1", process="mediation", received_on="2024-09-01",
                        status="pending")]
    with pytest.raises(ImportRefused) as exc:
        _import(org, csv_text(*rows))
    errors = exc.value.errors
    assert "line 9, column received_on: 'yesterday' is not a date; write it as YYYY-MM-DD" \
        in errors
    assert any(e.startswith("line 10, column case_ref: 'F-1' is already on line 2") for e in errors)
    db.session.rollback()
    assert db.session.execute(db.select(db.func.count(AdrCase.id))).scalar() == 0


def test_line_numbers_count_multiline_cells(app, make_org):
    org = make_org()
    rows = [GOOD[0], dict(case_ref="B", process="mediation", received_on="x", status="pending")]
    with pytest.raises(ImportRefused) as exc:
        _import(org, csv_text(*rows))
    # GOOD[0] notes span two lines (2 and 3), so the bad row is on line 4.
    assert exc.value.errors == [
        "line 4, column received_on: 'x' is not a date; write it as YYYY-MM-DD"]


def test_unknown_and_missing_columns_are_refused_by_name(app, make_org):
    org = make_org()
    with pytest.raises(ImportRefused) as exc:
        _import(org, "case_ref,process,received_on,status,colour\r\nA,mediation,2024-09-01,"
                     "pending,red\r\n")
    assert exc.value.errors[0].startswith("line 1, column colour: unknown column 'colour'")
    with pytest.raises(ImportRefused) as exc:
        _import(org, "case_ref,process,received_on\r\n")
    assert exc.value.errors == ["line 1, column status: the required column is missing"]


def test_not_utf8_and_empty_files(app, make_org):
    org = make_org()
    with pytest.raises(ImportRefused) as exc:
        import_cases(org.id, "case_ref\r\nÉcole".encode("latin-1"))
    assert "not UTF-8" in exc.value.errors[0]
    with pytest.raises(ImportRefused):
        import_cases(org.id, b"")


def test_related_ref_may_name_a_stored_case(app, make_org):
    org = make_org()
    _import(org, csv_text(GOOD[1]))
    result = _import(org, csv_text(GOOD[2]))
    assert result.created == 1
    # ...but not another organization's case.
    other = make_org()
    with pytest.raises(ImportRefused):
        _import(other, csv_text(GOOD[2]))


def test_web_upload_imports_and_shows_errors(app, client, signed_in):
    user = signed_in("facilitator")
    ok = post_form(client, "/adr/cases/import", {
        "file": (io.BytesIO(csv_text(*GOOD).encode()), "cases.csv")},
        content_type="multipart/form-data")
    assert ok.status_code == 302
    assert db.session.execute(db.select(db.func.count(AdrCase.id)).where(
        AdrCase.organization_id == user.organization_id)).scalar() == 6
    bad = post_form(client, "/adr/cases/import", {
        "file": (io.BytesIO(b"case_ref,process,received_on,status,colour\r\n"), "x.csv")},
        content_type="multipart/form-data")
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    assert "Nothing was imported" in html and "line 1, column colour: unknown column" in html
    export = client.get("/adr/cases/export.csv")
    assert export.status_code == 200
    assert export.get_data(as_text=True).lstrip("\ufeff").startswith("case_ref,process,")


def test_analyst_and_advocate_cannot_import(app, client, signed_in):
    signed_in("analyst")
    assert client.get("/adr/cases/import").status_code == 403


def test_cli_import_export(app, runner, make_org, tmp_path):
    org = make_org("riverside-test")
    path = tmp_path / "cases.csv"
    path.write_text(csv_text(*GOOD), encoding="utf-8")
    result = runner.invoke(args=["adr", "import", str(path), "--org", org.slug])
    assert result.exit_code == 0, result.output
    assert "Imported 6 new and 0 updated" in result.output
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["adr", "export", "--org", org.slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().decode("utf-8") == export_csv(org.id)
    bad = tmp_path / "bad.csv"
    bad.write_text("case_ref,process,received_on,status\r\nA,mediation,nope,pending\r\n")
    result = runner.invoke(args=["adr", "import", str(bad), "--org", org.slug])
    assert result.exit_code != 0
    assert "line 2, column received_on" in result.output
    result = runner.invoke(args=["adr", "import", str(path), "--org", "nope"])
    assert result.exit_code != 0 and "No organization" in result.output
