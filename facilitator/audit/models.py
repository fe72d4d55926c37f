"""One entry of the record of access, and the guards that keep it append-only.

An entry names records by kind and id only (never a name or any other child
data), and keeps ``family_id`` as a plain integer, not a foreign key: when a
family's records are destroyed on request (34 CFR 300.624) its entries stay,
pointing at ids that no longer exist, and nothing cascades into this table.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import DDL, DateTime, ForeignKey, Integer, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..db import utcnow
from ..extensions import db
from ..vocabulary import Vocabulary


class Action(Vocabulary):
    """What was done with a record."""

    VIEWED = "viewed", "Viewed"
    DOWNLOADED = "downloaded", "Downloaded"
    EXPORTED = "exported", "Exported"
    #: Sent or shown to someone outside the organization (needs recipient and purpose).
    DISCLOSED = "disclosed", "Disclosed outside the organization"
    #: Destroyed on a parent's request; the entry holds the certificate reference.
    DESTROYED = "destroyed", "Destroyed on request"


class RecordKind(Vocabulary):
    """Which kind of record was accessed."""

    FAMILY = "family", "Family record"
    DOCUMENT = "document", "Document"
    MEETING_NOTES = "meeting_notes", "Meeting notes"
    MEETING_SUMMARY = "meeting_summary", "Meeting summary"
    PACKET = "packet", "Record packet"
    #: Everything held about one family, in one ZIP (34 CFR 300.613).
    FAMILY_EXPORT = "family_export", "All records of the family"
    #: The dispute-resolution cases CSV (student references, schools, notes).
    CASES_EXPORT = "cases_export", "Dispute-resolution cases (CSV)"
    #: The organization's record of access itself, as CSV.
    ACCESS_RECORD_EXPORT = "access_record_export", "Record of access (CSV)"
    #: A link from outside (no account) was used; the reference names its purpose.
    EXTERNAL_LINK = "external_link", "Link used without an account"
    #: A meeting's (or one) commitment with its history, or the commitments CSV.
    COMMITMENTS = "commitments", "Commitments and their history"


GENESIS = "0" * 64


def _utc_text(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive datetimes; every stored time is UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class AccessEntry(db.Model):
    """Who did what with which record, when; chained to the organization's previous entry."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("organization_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: Position in the organization's chain: 1, 2, 3, ... (unique, so a fork cannot be stored).
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: viewed, downloaded, exported, disclosed, destroyed (see Action).
    action: Mapped[str] = mapped_column(String(20))
    #: family, document, meeting_notes, meeting_summary, packet, ... (see RecordKind).
    record_kind: Mapped[str] = mapped_column(String(30))
    record_id: Mapped[int | None] = mapped_column(Integer)
    #: The family the record belongs to: a plain number, kept after a destruction.
    family_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: For a disclosure: to whom (a person or an agency), and why.
    recipient: Mapped[str | None] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(String(500))
    #: A reference without child data, e.g. the destruction certificate's.
    reference: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: sha256 over the canonical form of the fields above and prev_hash.
    hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship("User")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but id and hash, in a fixed form."""
        fields = {
            "v": 1, "organization_id": self.organization_id, "seq": self.seq,
            "at": _utc_text(self.at), "user_id": self.user_id, "action": self.action,
            "record_kind": self.record_kind, "record_id": self.record_id,
            "family_id": self.family_id, "recipient": self.recipient,
            "purpose": self.purpose, "reference": self.reference, "prev_hash": self.prev_hash,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False).encode()

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    @property
    def action_label(self) -> str:
        return Action.label_of(self.action)

    @property
    def kind_label(self) -> str:
        return RecordKind.label_of(self.record_kind)


# Triggers that refuse changing or removing an entry. They are created with the
# table (create_all in tests) and by the migration, from these same statements.
REFUSE_MESSAGE = "the record of access is append-only"
SQLITE_GUARDS = [
    f"CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSE_MESSAGE}'); END",
    f"CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSE_MESSAGE}'); END",
]
POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION audit_entries_refuse() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{REFUSE_MESSAGE}'; END $$",
    "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_refuse()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_refuse()",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_entries_no_update",
               "DROP TRIGGER IF EXISTS audit_entries_no_delete"]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries",
                 "DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries"]


def guard_statements(dialect: str) -> list[str]:
    """The CREATE statements of the append-only guards for ``dialect``."""
    return POSTGRES_GUARDS if dialect == "postgresql" else SQLITE_GUARDS


def drop_statements(dialect: str) -> list[str]:
    """The DROP statements of the guards (only a whole-database reset uses them)."""
    return POSTGRES_DROP if dialect == "postgresql" else SQLITE_DROP


for _stmt in SQLITE_GUARDS:
    event.listen(AccessEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in POSTGRES_GUARDS:
    event.listen(AccessEntry.__table__, "after_create",
                 DDL(_stmt.replace("%", "%%")).execute_if(dialect="postgresql"))


def reset_whole_database(conn) -> None:
    """Empty the table as part of erasing the whole database (``flask demo --force``).

    Not a way to remove entries: it runs only where every other table is emptied
    too, and puts the guards back in the same transaction.
    """
    dialect = conn.dialect.name
    for stmt in drop_statements(dialect):
        conn.exec_driver_sql(stmt)
    conn.execute(AccessEntry.__table__.delete())
    for stmt in guard_statements(dialect):
        conn.exec_driver_sql(stmt)
