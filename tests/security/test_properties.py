"""Property-based tests (Hypothesis): the CSV import, date parsing, the checklist and
prompt loader and the notes API never fail in any way but their own."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import shutil
from datetime import date, timedelta

import pytest
from helpers import csrf_token
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitator.adr.csv_io import ImportRefused, export_csv, import_cases
from facilitator.adr.rules import COLUMNS, parse_date
from facilitator.content import ContentError, load_content
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.services import create_meeting
from facilitator.web import protect

CHECKLISTS = pathlib.Path(__file__).resolve().parents[2] / "checklists"
FIXTURES = settings(max_examples=60, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
#: Text a person could type on one line (no control characters, no surrogates).
LINE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                             blacklist_characters="\ufffe\uffff"), max_size=60)
NOTES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=(
    "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r") + "\x7f\ufffe\uffff")),
    max_size=200)


# --- CSV import -------------------------------------------------------------------------


@FIXTURES
@given(st.binary(max_size=2000))
def test_any_bytes_are_imported_or_refused(app, make_org, data):
    org_id = _org_id(make_org)
    try:
        import_cases(org_id, data)
    except ImportRefused as refused:
        assert refused.errors and all(e.startswith("line ") for e in refused.errors)
    finally:
        db.session.rollback()


@FIXTURES
@given(st.lists(st.lists(st.text(max_size=30), max_size=len(COLUMNS) + 2), max_size=6))
def test_any_cells_under_the_real_header_are_imported_or_refused(app, make_org, rows):
    out = io.StringIO()
    csv.writer(out).writerows([list(COLUMNS), *rows])
    try:
        import_cases(_org_id(make_org), out.getvalue().encode("utf-8", "surrogatepass"))
    except ImportRefused as refused:
        assert all(", column " in e for e in refused.errors)
    except UnicodeEncodeError:
        pass  # not a file anyone can send: the text was not encodable
    finally:
        db.session.rollback()


CASE = st.fixed_dictionaries({
    "case_ref": st.from_regex(r"[A-Z][A-Z0-9-]{0,19}", fullmatch=True),
    "process": st.sampled_from(["mediation", "facilitated_iep", "due_process",
                                "state_complaint"]),
    "received_on": st.dates(date(1990, 1, 1), date(2100, 12, 31)),
    "school": LINE.map(str.strip),
    "notes": NOTES,
})


@FIXTURES
@given(st.lists(CASE, min_size=1, max_size=5, unique_by=lambda c: c["case_ref"]))
def test_valid_rows_round_trip(app, make_org, cases):
    org_id = _org_id(make_org)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for c in cases:
        values = {**c, "received_on": c["received_on"].isoformat(), "status": "pending"}
        writer.writerow([protect(str(values.get(col, ""))) for col in COLUMNS])
    try:
        result = import_cases(org_id, out.getvalue().encode())
        assert result.created == len(cases)
        exported = export_csv(org_id)
        rows = {r["case_ref"]: r for r in csv.DictReader(io.StringIO(exported, newline=""))}
        for c in cases:
            row = rows[c["case_ref"]]
            assert row["school"] == protect(c["school"]) and row["notes"] == protect(c["notes"])
            assert row["received_on"] == c["received_on"].isoformat()
        import_cases(org_id, exported.encode())  # the export re-imports unchanged
        assert export_csv(org_id) == exported
    finally:
        db.session.rollback()


def _org_id(make_org) -> int:
    return make_org().id  # committed, so each example's rollback keeps it


# --- dates ------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None, database=None)
@given(st.text(max_size=14))
def test_any_text_is_a_date_in_range_or_a_value_error(text):
    try:
        value = parse_date(text)
    except ValueError:
        return
    assert date(1900, 1, 1) <= value <= date(2200, 12, 31) and value.isoformat() == text


@settings(max_examples=100, deadline=None, database=None)
@given(st.dates())
def test_dates_parse_exactly_when_in_range(day):
    text = day.isoformat()
    if date(1900, 1, 1) <= day <= date(2200, 12, 31):
        assert parse_date(text) == day
    else:
        try:
            parse_date(text)
        except ValueError:
            return
        raise AssertionError(f"{text} accepted")


# --- checklist and prompt files -----------------------------------------------------------

TOML_VALUES = st.sampled_from(['"x"', '""', '"   "', "1", "1.5", "true", "[1, 2]", "{a = 1}",
                               "2024-01-01", '"BAD KEY"', '"' + "x" * 3000 + '"', "[]",
                               '"dup"', "'lit'", '"""multi\nline"""'])


def _copy(tmp_path) -> pathlib.Path:
    target = tmp_path / "checklists"
    if not target.exists():
        shutil.copytree(CHECKLISTS, target)
    for src in CHECKLISTS.glob("*.toml"):
        shutil.copy(src, target / src.name)
    return target


def _assert_loads_or_names_the_file(directory: pathlib.Path, name: str) -> None:
    try:
        load_content(directory)
    except ContentError as exc:
        assert str(exc).startswith("checklists/"), exc
        assert name in str(exc) or "prompts.toml" in str(exc) or ".toml" in str(exc), exc


@FIXTURES
@given(st.sampled_from(["before.toml", "during.toml", "after.toml", "prompts.toml"]),
       st.integers(0, 10_000), st.integers(0, 200), st.text(max_size=80))
def test_any_edit_of_a_content_file_loads_or_names_the_file(tmp_path, name, at, cut, insert):
    directory = _copy(tmp_path)
    path = directory / name
    text = path.read_text()
    at %= len(text) + 1
    path.write_bytes((text[:at] + insert + text[at + cut:]).encode("utf-8", "surrogatepass"))
    _assert_loads_or_names_the_file(directory, name)


@FIXTURES
@given(st.lists(st.fixed_dictionaries({}, optional={
    "key": TOML_VALUES, "text": TOML_VALUES, "help": TOML_VALUES, "extra": TOML_VALUES}),
    max_size=8), st.binary(max_size=40))
def test_any_items_give_a_content_error_naming_the_file_and_item(tmp_path, items, junk):
    directory = _copy(tmp_path)
    body = 'phase = "during"\ntitle = "During"\n' + "".join(
        "[[items]]\n" + "".join(f"{k} = {v}\n" for k, v in item.items()) for item in items)
    (directory / "during.toml").write_bytes(body.encode() + (junk if len(items) % 2 else b""))
    try:
        load_content(directory)
    except ContentError as exc:
        message = str(exc)
        assert message.startswith("checklists/during.toml"), message
        if "TOML syntax" not in message and "UTF-8" not in message and "items" in body:
            assert " item " in message or "items" in message, message


# --- notes API --------------------------------------------------------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                    | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=10)
NOTE_BODIES = JSON | st.fixed_dictionaries({"body": JSON | st.text(), "base_version": JSON})


@FIXTURES
@given(NOTE_BODIES)
def test_any_json_to_the_notes_api_is_answered_without_a_server_error(app, notes_client,
                                                                      body):
    client, url, token = notes_client
    response = client.post(url, data=json.dumps(body), content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert 200 <= response.status_code < 500, response.get_data(as_text=True)[:500]
    assert response.is_json
    assert client.get(url).status_code == 200


@pytest.fixture()
def notes_client(client, signed_in):
    user = signed_in("facilitator")
    family = Family(organization_id=user.organization_id, student_name="Maya Lopez")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep", "duration_minutes": 60,
                                      "starts_at": utcnow() + timedelta(days=1)})
    db.session.commit()
    return client, f"/meetings/{meeting.id}/notes", csrf_token(
        client, f"/meetings/{meeting.id}/live")
