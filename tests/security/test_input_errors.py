"""Each server error the hostile-input crawl found (issue 9), and the checks that
replaced it: refused where the value enters, with a message; never stored."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlencode

import docx
import pytest
from helpers import csrf_token, post_form
from security.crawl import parse

from facilitator.adr.csv_io import ImportRefused, import_cases
from facilitator.adr.models import SchoolClosure
from facilitator.adr.rules import COLUMNS
from facilitator.content import current_content
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.models import ChecklistProgress, HiddenChecklistItem
from facilitator.meetings.services import create_meeting
from facilitator.plans.services import create_assessment, create_plan
from facilitator.validation import CheckedForm, UnsafeValue

CONTROL = "Agenda\x00\x01\x1b[31m"


def _meeting(org):
    family = Family(organization_id=org.id, student_name="Maya Lopez")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "facilitated_iep", "duration_minutes": 90,
                                      "starts_at": utcnow() + timedelta(days=3),
                                      "location": "Room 12", "purpose": "Annual goals"})
    db.session.commit()
    return meeting


def _submit(client, page: str, action: str, **changes):
    """Send the form of ``page`` whose action is ``action`` as shown, with ``changes``."""
    _, forms = parse(page, client.get(page).get_data(as_text=True))
    form = next(f for f in forms if f.action.split("?")[0] == action)
    data = form.defaults()
    data.update({k: [v] for k, v in changes.items()})
    return client.post(form.action, data=urlencode(data, doseq=True),
                       content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("key", ["before-1\r\nX-Evil: 1", "k" * 100_000, "no-such-item"])
def test_checklist_keys_never_reach_the_address(client, signed_in, key):
    admin = signed_in("admin")
    meeting = _meeting(admin.organization)
    for path in ("/admin/checklists/hide", "/admin/checklists/show",
                 f"/meetings/{meeting.id}/checklist/before?next=prepare"):
        response = post_form(client, path, {"item_key": key, "done": "y"})
        location = response.headers["Location"]
        assert response.status_code == 302
        assert "\n" not in location and "X-Evil" not in location and len(location) < 200
        html = client.get(location).get_data(as_text=True)
        assert "Nothing was changed" in html
    assert db.session.execute(db.select(HiddenChecklistItem)).first() is None
    assert db.session.execute(db.select(ChecklistProgress)).first() is None


def test_a_known_key_still_lands_on_its_item(client, signed_in):
    signed_in("admin")
    key = current_content().checklists["after"].items[0].key
    response = post_form(client, "/admin/checklists/hide", {"item_key": key})
    assert response.headers["Location"].endswith(f"/admin/checklists#item-{key}")
    response = post_form(client, "/admin/checklists/show", {"item_key": key})
    assert response.headers["Location"].endswith(f"#item-{key}")
    assert db.session.execute(db.select(HiddenChecklistItem)).first() is None


@pytest.mark.parametrize("base", [99999999999999999999, 2**31, -1, True, "0", 1.5])
def test_notes_api_refuses_a_version_that_is_not_a_small_integer(client, signed_in, base):
    user = signed_in("facilitator")
    meeting = _meeting(user.organization)
    token = csrf_token(client, f"/meetings/{meeting.id}/live")
    response = client.post(f"/meetings/{meeting.id}/notes", json={"body": "x",
                           "base_version": base}, headers={"X-CSRFToken": token})
    assert response.status_code == 400
    assert "base_version" in response.get_json()["message"]
    response = client.post(f"/meetings/{meeting.id}/notes", json={
        "body": "a\x00b", "base_version": 0}, headers={"X-CSRFToken": token})
    assert response.status_code == 400 and "control character" in response.get_json()["message"]
    assert client.get(f"/meetings/{meeting.id}/notes").get_json() == {"body": "",
                                                                       "version": 0}


@pytest.mark.parametrize("first,last,message", [
    ("9999-12-31", "", "Enter a date between 1900 and 2200."),
    ("1899-12-31", "", "Enter a date between 1900 and 2200."),
    ("2026-01-05", "2028-01-05", "Enter at most one year at a time."),
])
def test_school_closures_keep_to_sensible_dates(client, signed_in, first, last, message):
    signed_in("admin")
    response = post_form(client, "/adr/settings/closures", {"first": first, "last": last,
                                                             "label": "Break"})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(SchoolClosure)).first() is None


def test_control_characters_are_refused_by_the_meeting_and_plan_forms(client, signed_in):
    user = signed_in("facilitator")
    meeting = _meeting(user.organization)
    plan = create_plan(user.organization_id, "Plan", owner=user)
    assessment = create_assessment(user.organization_id, "Assessment", owner=user)
    db.session.commit()
    cases = [
        (f"/meetings/{meeting.id}/edit", "purpose", CONTROL),
        (f"/meetings/{meeting.id}/edit", "location", "Room\n12"),
        (f"/plans/{plan.id}/edit", "priority_area", CONTROL),
        (f"/plans/{plan.id}/edit", "title", "Plan\x1b"),
        (f"/plans/assessments/{assessment.id}/edit", "scope", "\x00"),
    ]
    for page, field, value in cases:
        response = _submit(client, page, page, **{field: value})
        html = response.get_data(as_text=True)
        assert response.status_code in (200, 400), (page, field)
        assert "invisible control character" in html or "Keep this on one line" in html
    db.session.refresh(meeting)
    db.session.refresh(plan)
    assert meeting.purpose == "Annual goals" and meeting.location == "Room 12"
    assert "\x1b" not in plan.title and "\x00" not in (assessment.scope or "")


def test_a_stored_control_character_never_takes_a_word_file_away(client, signed_in):
    user = signed_in("facilitator")
    meeting = _meeting(user.organization)
    plan = create_plan(user.organization_id, "Plan \x01", owner=user)
    assessment = create_assessment(user.organization_id, "Assessment \x1b", owner=user)
    # As if stored before the forms checked: everything XML 1.0 cannot hold but NUL.
    meeting.purpose = "Goals\x01\x1b[31m\x0b\x0c\ufffe"
    meeting.family.student_name = "Maya\x08 Lopez"
    plan.priority_area = "Reading\x02"
    db.session.commit()
    for url, text in ((f"/meetings/{meeting.id}/summary.docx", "Goals[31m"),
                      (f"/plans/{plan.id}/export.docx", "Reading"),
                      (f"/plans/assessments/{assessment.id}/export.docx", "Assessment")):
        response = client.get(url)
        assert response.status_code == 200, url
        document = docx.Document(io.BytesIO(response.data))
        assert text in "\n".join(p.text for p in document.paragraphs), url


def test_nul_and_over_long_text_never_reach_the_database(app, make_org):
    org = make_org()
    db.session.add(Family(organization_id=org.id, student_name="Ma\x00ya"))
    with pytest.raises(UnsafeValue, match="student_name holds NUL"):
        db.session.flush()
    db.session.rollback()
    db.session.add(Family(organization_id=org.id, student_name="M" * 201))
    with pytest.raises(UnsafeValue, match="student_name is 201 characters long"):
        db.session.flush()
    db.session.rollback()


def test_csv_import_names_the_line_and_column_of_a_control_character(app, make_org):
    org = make_org()
    header = ",".join(COLUMNS)
    row = ["A-1", "mediation", "2025-09-02", "Lin\x00coln", "", "", "pending"]
    row += [""] * (len(COLUMNS) - len(row))
    with pytest.raises(ImportRefused) as refused:
        import_cases(org.id, f"{header}\n{','.join(row)}\n".encode())
    assert refused.value.errors == ["line 2, column school: holds a line break, tab or "
                                    "control character; keep it to one line of plain text"]
    row[2], row[3] = "9999-12-31", "Lincoln"
    with pytest.raises(ImportRefused) as refused:
        import_cases(org.id, f"{header}\n{','.join(row)}\n".encode())
    assert refused.value.errors == ["line 2, column received_on: '9999-12-31' is not "
                                    "between 1900 and 2200; check the year"]


def test_every_form_in_the_app_is_a_checked_form(app):
    from flask_wtf import FlaskForm

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    forms = [f for f in subclasses(FlaskForm) if f.__module__.startswith("facilitator.")]
    assert len(forms) > 40
    assert [f.__qualname__ for f in forms if not issubclass(f, CheckedForm)] == []
