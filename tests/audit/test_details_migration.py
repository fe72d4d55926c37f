"""Migration 0902: entries written before the details were kept apart keep verifying.

An old database (at 0801) gets version-1 entries, hashed the old way (recipient
and purpose inside the hash); after ``flask db upgrade`` the chain verifies, the
details sit in ``audit_entry_details``, new entries chain on, and erasing the
details leaves a chain that still verifies (the old entry by its place only).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, bindparam, create_engine, text
from sqlalchemy.pool import NullPool

from facilitator.extensions import db


def _AT(day: int) -> datetime:  # noqa: N802
    return datetime(2026, 11, day, 10, 0, tzinfo=UTC)


def _v1_hash(fields: dict) -> str:
    """How 0601 hashed an entry (copied here on purpose: the old rule must not drift)."""
    return hashlib.sha256(json.dumps({"v": 1, **fields}, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).hexdigest()


def _target(app, tmp_path) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'old.db'}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS facilitator_details_migration"))
        conn.execute(text("CREATE DATABASE facilitator_details_migration"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + "/facilitator_details_migration"


def _entries_file_bytes() -> bytes:
    """The audit_entries table as stored (PostgreSQL: its data file after a checkpoint)."""
    if db.engine.dialect.name != "postgresql":
        return b""  # SQLite's batch migration copies the table (and the file is shared)
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        datadir = conn.exec_driver_sql("SHOW data_directory").scalar()
        path = conn.exec_driver_sql("SELECT pg_relation_filepath('audit_entries')").scalar()
    from pathlib import Path

    return (Path(datadir) / path).read_bytes()


def test_old_chains_verify_after_the_details_move_out_and_after_an_erasure(app, tmp_path):
    from flask_migrate import upgrade

    from facilitator import audit, create_app
    from facilitator.audit.models import AccessEntry
    from facilitator.audit.services import Erasures, erase_details, verify_chain

    old = create_app({"TESTING": True, "SECRET_KEY": "x", "RATELIMIT_STORAGE_URI": "memory://",
                      "SQLALCHEMY_DATABASE_URI": _target(app, tmp_path),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool}})
    with old.app_context():
        upgrade(revision="0801")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO organizations (id, slug, name, kind, reminder_days, "
                              "created_at) VALUES (1, 'old', 'Old District', 'district', "
                              "'7,1', :at)").bindparams(bindparam("at", _AT(1), DateTime(True))))
            prev = "0" * 64
            rows = [(None, None), ("Mrs. Lopez <lopez@example.org>", "Parent's request"),
                    (None, None)]
            for seq, (recipient, purpose) in enumerate(rows, 1):
                fields = {"organization_id": 1, "seq": seq,
                          "at": f"2026-11-0{seq}T10:00:00.000000Z",
                          "user_id": None, "action": "disclosed" if recipient
                          else "viewed", "record_kind": "family", "record_id": 7,
                          "family_id": 7, "recipient": recipient, "purpose": purpose,
                          "reference": None, "prev_hash": prev}
                digest = _v1_hash(fields)
                conn.execute(text(
                    "INSERT INTO audit_entries (organization_id, seq, at, user_id, action, "
                    "record_kind, record_id, family_id, recipient, purpose, reference, "
                    "prev_hash, hash) VALUES (1, :seq, :at, NULL, :action, 'family', 7, 7, "
                    ":recipient, :purpose, NULL, :prev, :hash)").bindparams(
                        bindparam("at", type_=DateTime(timezone=True))),
                    {"seq": seq, "at": _AT(seq),
                     "action": fields["action"], "recipient": recipient, "purpose": purpose,
                     "prev": prev, "hash": digest})
                prev = digest

        upgrade(revision="0902")
        assert verify_chain(1) == (3, None)
        assert b"lopez@example.org" not in _entries_file_bytes()
        moved = db.session.execute(db.select(AccessEntry).where(AccessEntry.seq == 2)).scalar_one()
        assert (moved.v, moved.recipient, moved.purpose) == (
            1, "Mrs. Lopez <lopez@example.org>", "Parent's request")

        audit.record("disclosed", "family", 7, family_id=7, recipient="Mr. Lopez",
                     purpose="Copy for the father", organization_id=1)
        db.session.commit()
        assert verify_chain(1) == (4, None)

        erase_details(1, 7, "DC-0123456789")
        db.session.commit()
        erasures = Erasures()
        assert verify_chain(1, erasures=erasures) == (4, None)
        assert erasures.by_reference == {"DC-0123456789": 2} and erasures.by_position_only == 1
        raw = db.session.execute(text("SELECT recipient, purpose, salt, erased_under FROM "
                                      "audit_entry_details ORDER BY entry_id")).all()
        assert [tuple(r) for r in raw] == [(None, None, None, "DC-0123456789")] * 2
        if db.engine.dialect.name == "sqlite":  # no copy left in the file (secure_delete)
            from facilitator.rights.destroy import scrub_after_commit

            db.session.commit()
            scrub_after_commit()
            from pathlib import Path

            assert b"lopez@example.org" not in Path(db.engine.url.database).read_bytes()
        db.session.remove()
        db.engine.dispose()


def test_changed_or_removed_details_break_the_chain_but_an_erasure_does_not(app, make_user):
    from facilitator import audit
    from facilitator.audit.services import erase_details, verify_chain

    user = make_user("admin")
    org_id = user.organization_id
    audit.record("disclosed", "family", 3, family_id=3, recipient="Ms. Ortiz",
                 purpose="Her request", user=user)
    audit.record("viewed", "family", 3, family_id=3, user=user)
    db.session.commit()
    assert verify_chain(org_id) == (2, None)
    entry_id = db.session.execute(text("SELECT entry_id FROM audit_entry_details")).scalar_one()

    db.session.execute(text("UPDATE audit_entry_details SET recipient = 'Someone else'"))
    db.session.commit()
    count, problem = verify_chain(org_id)
    assert (count, problem.entry_id) == (0, entry_id) and "details do not match" in problem.reason

    saved = db.session.execute(text("SELECT * FROM audit_entry_details")).mappings().one()
    db.session.execute(text("DELETE FROM audit_entry_details"))
    db.session.commit()
    assert "details are missing" in verify_chain(org_id)[1].reason

    db.session.execute(text("INSERT INTO audit_entry_details (entry_id, organization_id, "
                            "recipient, purpose, salt) VALUES (:entry_id, :organization_id, "
                            "'Ms. Ortiz', :purpose, :salt)"), dict(saved))
    db.session.commit()
    assert verify_chain(org_id) == (2, None)
    erase_details(org_id, 3, "DC-AAAAAAAAAA")
    db.session.commit()
    assert verify_chain(org_id) == (2, None)
