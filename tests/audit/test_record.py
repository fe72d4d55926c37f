"""The record of access: entries, the hash chain, append-only guards, `flask audit verify`."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from facilitator import audit
from facilitator.audit.models import GENESIS, AccessEntry, drop_statements, guard_statements
from facilitator.audit.services import verify_chain
from facilitator.db import begin_write
from facilitator.extensions import db


def _entries(org_id):
    return db.session.execute(db.select(AccessEntry).where(
        AccessEntry.organization_id == org_id).order_by(AccessEntry.seq)).scalars().all()


def test_entries_chain_per_organization(app, make_user):
    a, b = make_user("admin"), make_user("admin")
    for n in range(3):
        audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, n, family_id=n, user=a)
    audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, 9, family_id=9, user=b)
    db.session.commit()
    first, second, third = _entries(a.organization_id)
    assert [first.seq, second.seq, third.seq] == [1, 2, 3]
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash
    assert third.prev_hash == second.hash and third.hash == third.compute_hash()
    assert third.user_id == a.id and third.at is not None
    (other,) = _entries(b.organization_id)
    assert other.seq == 1 and other.prev_hash == GENESIS
    assert verify_chain(a.organization_id) == (3, None)


def test_a_disclosure_needs_recipient_and_purpose(app, make_user):
    user = make_user("advocate")
    for recipient, purpose in ((None, None), ("State ADR office", None), (None, "Mediation"),
                               ("  ", "Mediation")):
        with pytest.raises(audit.AuditError, match="recipient .* and the purpose"):
            audit.record(audit.Action.DISCLOSED, audit.RecordKind.PACKET, 1, family_id=1,
                         recipient=recipient, purpose=purpose, user=user)
    entry = audit.record(audit.Action.DISCLOSED, audit.RecordKind.PACKET, 1, family_id=1,
                         recipient="State ADR office", purpose="Mediation on 3 March",
                         user=user)
    db.session.commit()
    assert (entry.recipient, entry.purpose) == ("State ADR office", "Mediation on 3 March")
    with pytest.raises(ValueError):
        audit.record("looked", audit.RecordKind.PACKET, 1, user=user)


def test_the_database_refuses_update_and_delete(app, make_user):
    user = make_user("admin")
    audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, 1, family_id=1, user=user)
    db.session.commit()
    for statement in ("UPDATE audit_entries SET action = 'exported'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"):
            # CASCADE: the details table references the entries (a plain TRUNCATE fails on that).
            db.session.execute(text("TRUNCATE audit_entries CASCADE"))
        db.session.rollback()
    assert len(_entries(user.organization_id)) == 1


def _tamper(statement: str, **params) -> None:
    """Change an entry as someone with direct database access could: guards off, then on."""
    db.session.commit()  # the test's own read ends, so it sees the change afterwards
    with db.engine.begin() as conn:
        for s in drop_statements(conn.dialect.name):
            conn.exec_driver_sql(s)
        conn.execute(text(statement), params)
        for s in guard_statements(conn.dialect.name):
            conn.exec_driver_sql(s)


def test_verify_names_the_first_broken_entry(app, make_user, runner):
    user = make_user("admin")
    slug = user.organization.slug
    for n in range(5):
        audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, n, family_id=n, user=user)
    db.session.commit()
    ok = runner.invoke(args=["audit", "verify", "--org", slug])
    assert ok.exit_code == 0, ok.output
    assert f"{slug}: 5 entries, chain intact." in ok.output
    third = _entries(user.organization_id)[2]
    _tamper("UPDATE audit_entries SET record_id = 99 WHERE id = :id", id=third.id)
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code != 0
    assert f"BROKEN at entry 3 (id {third.id})" in bad.output
    assert "does not match its contents" in bad.output
    assert runner.invoke(args=["audit", "verify", "--org", "nope"]).exit_code != 0


def test_verify_finds_a_removed_entry(app, make_user, runner):
    user = make_user("admin")
    for n in range(4):
        audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, n, family_id=n, user=user)
    db.session.commit()
    second = _entries(user.organization_id)[1]
    _tamper("DELETE FROM audit_entries WHERE id = :id", id=second.id)
    count, problem = verify_chain(user.organization_id)
    assert count == 1 and problem.seq == 3 and "missing" in problem.reason


def test_two_writers_at_once_do_not_fork_the_chain(app, make_user):
    """Two threads, each with its own connection, append at the same time; the chain holds."""
    user = make_user("admin")
    org_id, user_id = user.organization_id, user.id
    db.session.commit()
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer() -> None:
        try:
            with app.app_context():
                from facilitator.auth.models import User

                start.wait()
                for n in range(25):
                    begin_write()  # as a background job does: SQLite writes begin IMMEDIATE
                    audit.record(audit.Action.VIEWED, audit.RecordKind.FAMILY, n, family_id=n,
                                 user=db.session.get(User, user_id))
                    db.session.commit()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert verify_chain(org_id) == (50, None)
    assert [e.seq for e in _entries(org_id)] == list(range(1, 51))
