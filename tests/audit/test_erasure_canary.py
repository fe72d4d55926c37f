"""Destruction on request leaves nothing: a canary in every column and every file.

A family gets some of everything through the paths people use (documents, a
meeting with invitations, its outcome and survey links, the summary mailed to
the guardians, an export given outside the organization), every table whose
foreign keys lead to a family gets a row if it has none, and then every text
and binary column of every table (found from the schema; see canary.ALLOWED for
the few that cannot describe a family) and every stored file gets a canary. The
admin destroys the family through the destroy page; afterwards no canary is in
any table, the database files (SQLite: the file and its WAL; PostgreSQL: the
data files after a checkpoint), the storage folder, the queue's file, or the
log. On PostgreSQL, ANALYZE runs while the canaries are there, so pg_statistic
(file 2619) and its TOAST table are searched in the worst case. A failure names the
column that still holds it.
"""

from __future__ import annotations

import logging
from pathlib import Path

from canary import (
    ALLOWED,
    Plant,
    database_files,
    fill_empty_tables,
    plant_everywhere,
    plant_files,
    postgres_files,
    surviving_in_files,
    surviving_in_tables,
    text_columns,
)
from helpers import post_form
from mailtest import plan
from sqlalchemy import text

from facilitator.audit.models import AccessEntry
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.tasks import run_due_work


def _everything_about(client, admin, family) -> None:
    """Mail, a case, survey links, a summary sent, an export given outside: as people do."""
    meeting = plan(family, admin, days=1)
    run_due_work()  # the worker's clock queues the invitation (a calendar file), to the guardian
    r = post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]  # case, survey links
    r = post_form(client, f"/meetings/{meeting.id}/summary/send",
                  {"language": "en", "nonce": "n1"}, token_from=f"/meetings/{meeting.id}/after")
    assert r.status_code == 302, r.get_data(as_text=True)[:500]  # summary .docx, disclosed
    r = post_form(client, f"/families/{family.id}/export",
                  {"recipient": "Typed recipient", "purpose": "Typed purpose"},
                  token_from="/account")
    assert r.status_code in (200, 302)
    r.close()


def test_the_append_only_record_has_no_text_column_that_could_name_someone():
    """A text column added to audit_entries could never be erased: keep it in the details."""
    table = db.metadata.tables["audit_entries"]
    assert {c.name for c in text_columns(table)} <= ALLOWED["audit_entries"]


def test_no_canary_survives_a_destruction(app, client, signed_in, full_family, real_queue,
                                          caplog, runner):
    caplog.set_level(logging.DEBUG)
    admin = signed_in("admin")
    family = full_family(admin.organization, admin, canary="seed")
    _everything_about(client, admin, family)
    family_id = family.id
    assert real_queue() >= 1  # the export's ZIP is built into the storage folder
    db.session.commit()  # end the test's read: the worker wrote since it began
    assert list(Path(app.config["STORAGE_DIR"]).glob("exports/**/*.zip"))
    plant = Plant()
    made = fill_empty_tables(plant, {"families": family.id, "organizations": admin.organization_id,
                                     "users": admin.id})
    plant_everywhere(plant)
    storage = Path(app.config["STORAGE_DIR"])
    assert plant_files(plant, storage) >= 2
    db.session.commit()
    planted = {name for line in surviving_in_tables(plant)
               for name in [line.split(" holds")[0]]}
    assert "outbox_messages.attachment" in planted and "audit_entry_details.recipient" in planted
    assert "families.student_name" in planted, planted
    if db.engine.dialect.name == "sqlite":
        assert any(plant.found_in(p.read_bytes()) for p in database_files(app) if p.exists())
    else:
        # The worst case, not the clock: ANALYZE (autovacuum's, whenever it comes) samples
        # every column it may into pg_statistic while the canaries are there.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")

    # PostgreSQL: plain VACUUM frees dead rows for reuse but leaves their bytes in the page
    # (measured: updated rows and index entries stayed); VACUUM FULL rewrites the tables.
    assert app.config.get("FACILITATOR_DESTROY_VACUUM_FULL", True)  # the default
    name = db.session.execute(text("SELECT student_name FROM families WHERE id = :i"),
                              {"i": family.id}).scalar_one()
    url = f"/families/{family.id}/destroy"
    done = post_form(client, url, {"student_name": name}, token_from=url)
    assert done.status_code == 302, done.get_data(as_text=True)[:800]
    reference = done.headers["Location"].rsplit("/", 1)[1]
    real_queue()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Family, family_id) is None

    left = surviving_in_tables(plant)
    assert left == [], "\n".join(left)
    files = [*database_files(app), *storage.rglob("*"), Path(app.config["HUEY_FILE"])]
    left = surviving_in_files(plant, files)
    assert left == [], "\n".join(left)
    logged = plant.found_in(caplog.text.encode())
    assert logged == [], f"the log holds the canaries of {logged}"
    if db.engine.dialect.name == "postgresql":
        pg_files = postgres_files()
        left = [f"{path} ({rel}) holds the canary planted in {origin}"
                for path, rel in pg_files.items() for origin in plant.found_in(path.read_bytes())]
        assert left == [], "\n".join(left)

    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    assert f"under {reference}" in verified.output and "details erased from" in verified.output
    entries = db.session.execute(db.select(AccessEntry).where(
        AccessEntry.family_id == family_id)).unique().scalars().all()
    assert any(e.erased_under == reference for e in entries)
    print(f"canary: {len(plant.columns)} columns planted, rows made for {made}, "
          f"skipped {plant.skipped}; engine {db.engine.dialect.name}: none survived")


def test_a_table_added_later_is_planted_and_destroyed_by_itself(app, client, signed_in,
                                                                 full_family):
    """Another branch adds a table under a meeting's participants: nothing here changes."""
    from sqlalchemy import Column, ForeignKey, Integer, String, Table

    table = Table("later_participant_notes", db.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("participant_id", ForeignKey("meeting_participants.id"), nullable=False),
                  Column("said", String(200), nullable=False))
    table.create(db.engine)
    try:
        admin = signed_in("admin")
        family = full_family(admin.organization, admin, canary="later")
        family_id = family.id
        plant = Plant()
        made = fill_empty_tables(plant, {"families": family_id, "users": admin.id,
                                         "organizations": admin.organization_id})
        assert "later_participant_notes" in made
        plant_everywhere(plant)
        assert any("later_participant_notes.said" in line for line in surviving_in_tables(plant))
        name = db.session.execute(text("SELECT student_name FROM families WHERE id = :i"),
                                  {"i": family_id}).scalar_one()
        url = f"/families/{family_id}/destroy"
        done = post_form(client, url, {"student_name": name}, token_from=url)
        assert done.status_code == 302, done.get_data(as_text=True)[:500]
        db.session.commit()
        assert db.session.execute(text("SELECT count(*) FROM later_participant_notes")
                                  ).scalar_one() == 0
        assert surviving_in_tables(plant) == []
    finally:
        db.session.remove()
        table.drop(db.engine)
        db.metadata.remove(table)
