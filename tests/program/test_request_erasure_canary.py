"""Destroying a request to the state program leaves nothing: a canary in every column.

A parent's request goes through the paths people use (the public page, the approval and
its letter, a neutral proposed by rotation who accepts and records a session); then every
text, binary and JSON column (see rights/columns.py ALLOWED for the few that cannot
describe a child) of every row the destruction reaches gets a canary: the request, its
mail, the case it became, the program's records of that case and the record-of-access
details about it. The program's administrator destroys the request through its page;
no canary is left in any table or in the database files (SQLite: the file and its WAL;
PostgreSQL: the data files after a checkpoint, ANALYZE having run while the canaries
were there). A failure names the column that still holds it.
"""

from __future__ import annotations

from canary import (
    Plant,
    database_files,
    plant_rows,
    postgres_files,
    surviving_in_files,
    surviving_in_tables,
)
from helpers import post_form
from program_steps import public_request_worked
from sqlalchemy import select

from facilitator.audit.models import AccessEntry
from facilitator.extensions import db
from facilitator.program.request_models import ProgramRequest
from facilitator.rights.destroy import _scopes
from facilitator.rights.destroy_request import request_subject

#: The key the request's mail is found by (a digest of its kind and the request's id):
#: planting it would hide the mail from the destruction, as no real value can.
NOT_PLANTED = {"outbox_messages": {"idempotency_key"}}


def _plant_what_the_destruction_reaches(plant: Plant, request_id: int) -> dict:
    req = db.session.get(ProgramRequest, request_id)
    subject = request_subject(req)
    scopes, kept = _scopes(subject.seeds, subject.case_ids)
    entries = select(AccessEntry.id).where(AccessEntry.record_kind == "program_request",
                                           AccessEntry.record_id == request_id)
    tables = db.metadata.tables
    scopes.update(kept)
    scopes["adr_cases"] = tables["adr_cases"].c.id.in_(subject.case_ids)
    scopes["audit_entry_details"] = tables["audit_entry_details"].c.entry_id.in_(entries)
    return {name: plant_rows(plant, tables[name], where, NOT_PLANTED.get(name, ()))
            for name, where in scopes.items()}


def test_no_canary_survives_a_requests_destruction(app, client, signed_in, state):
    signed_in("admin", org=state["org"])
    made = public_request_worked(app, client, state, "Canary Requested")
    page = f"/program/requests/{made['id']}"
    assert client.get(f"{page}/letter.docx").status_code == 200
    plant = Plant()
    rows = _plant_what_the_destruction_reaches(plant, made["id"])
    assert rows["program_requests"] == 1 and rows["outbox_messages"] == 3, rows
    assert rows["adr_cases"] == 1 and rows["audit_entry_details"] >= 1, rows
    assert rows["program_sessions"] == 1 and rows["program_assignments"] == 1, rows
    planted = {line.split(" holds")[0] for line in surviving_in_tables(plant)}
    for column in ("program_requests.student_name", "program_requests.concerns",
                   "program_requests.contact_email", "outbox_messages.attachment",
                   "adr_cases.student_ref", "program_sessions.note",
                   "audit_entry_details.recipient"):
        assert column in planted, column
    if db.engine.dialect.name == "sqlite":
        assert any(plant.found_in(p.read_bytes()) for p in database_files(app) if p.exists())
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")

    reference = db.session.get(ProgramRequest, made["id"]).reference
    url = f"{page}/destroy"
    done = post_form(client, url, {"reference": reference}, token_from=url)
    assert done.status_code == 302, done.get_data(as_text=True)[:800]
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ProgramRequest, made["id"]) is None

    left = surviving_in_tables(plant)
    assert left == [], "\n".join(left)
    left = surviving_in_files(plant, database_files(app))
    assert left == [], "\n".join(left)
    if db.engine.dialect.name == "postgresql":
        left = [f"{path} ({rel}) holds the canary planted in {origin}"
                for path, rel in postgres_files().items()
                for origin in plant.found_in(path.read_bytes())]
        assert left == [], "\n".join(left)
    print(f"request canary: {len(plant.columns)} columns planted in {rows}, skipped "
          f"{plant.skipped}; engine {db.engine.dialect.name}: none survived")
