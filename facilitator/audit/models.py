"""One entry of the record of access, and the guards that keep it append-only.

An entry names records by kind and id only (never a name or any other child
data), and keeps ``family_id`` as a plain integer, not a foreign key: when a
family's records are destroyed on request (34 CFR 300.624) its entries stay,
pointing at ids that no longer exist, and nothing cascades into this table.

What may name a person (a disclosure's recipient and purpose) is kept apart,
in :class:`AccessDetails`, salted; the entry's hash covers only the sha256 of
those details (``details_hash``). Destruction erases the details under the
certificate's reference and the chain still verifies. Entries written before
the details were kept apart (``v`` = 1) hashed the details themselves: while
their details exist they verify as before; once erased, only their place in
the chain can be checked (the next entry's ``prev_hash`` still covers them).
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
    #: Written in through a link from outside (a guardian shared their input).
    SUBMITTED = "submitted", "Sent in through a link"


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
    #: A request to the state program (the requester's and the student's details).
    PROGRAM_REQUEST = "program_request", "Request to the state program"
    #: What a guardian shared before a meeting (read by staff on the Prepare page).
    FAMILY_INPUT = "family_input", "Family's input before a meeting"
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
    #: A reference without child data, e.g. the destruction certificate's.
    reference: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: sha256 of the entry's details (AccessDetails.digest); None when it has none.
    details_hash: Mapped[str | None] = mapped_column(String(64))
    #: The canonical form the hash covers: 1 held the details themselves, 2 their digest.
    v: Mapped[int] = mapped_column(Integer, default=2, server_default="1")
    #: sha256 over the canonical form of the fields above and prev_hash.
    hash: Mapped[str] = mapped_column(String(64))

    user: Mapped[User | None] = relationship("User")
    details: Mapped[AccessDetails | None] = relationship(
        "AccessDetails", uselist=False, lazy="joined", back_populates="entry")

    @property
    def recipient(self) -> str | None:
        return self.details.recipient if self.details else None

    @property
    def purpose(self) -> str | None:
        return self.details.purpose if self.details else None

    @property
    def erased_under(self) -> str | None:
        """The destruction certificate under which the details were erased, if they were."""
        return self.details.erased_under if self.details else None

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but id and hash, in a fixed form."""
        fields = {
            "v": self.v, "organization_id": self.organization_id, "seq": self.seq,
            "at": _utc_text(self.at), "user_id": self.user_id, "action": self.action,
            "record_kind": self.record_kind, "record_id": self.record_id,
            "family_id": self.family_id, "reference": self.reference,
            "prev_hash": self.prev_hash,
        }
        if self.v == 1:
            fields.update(recipient=self.recipient, purpose=self.purpose)
        else:
            fields["details"] = self.details_hash
        return _json(fields)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical()).hexdigest()

    @property
    def can_recompute(self) -> bool:
        """False for an entry of version 1 whose details were erased (its hash covered them)."""
        return self.v != 1 or self.erased_under is None

    @property
    def action_label(self) -> str:
        return Action.label_of(self.action)

    @property
    def kind_label(self) -> str:
        return RecordKind.label_of(self.record_kind)


def _json(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class AccessDetails(db.Model):
    """What in an entry may name a person: kept apart so that it can be erased.

    A random salt goes into the digest, so that the digest left in the chain after
    an erasure cannot confirm a guess of who the recipient was.
    """

    __tablename__ = "audit_entry_details"

    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    #: For a disclosure: to whom (a person or an agency), and why.
    recipient: Mapped[str | None] = mapped_column(String(300))
    purpose: Mapped[str | None] = mapped_column(String(500))
    #: Random, so that the digest left after an erasure cannot confirm a guessed recipient.
    salt: Mapped[str | None] = mapped_column(String(32))
    #: The destruction certificate's reference once the details are erased (then all else is NULL).
    erased_under: Mapped[str | None] = mapped_column(String(20), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    entry: Mapped[AccessEntry] = relationship("AccessEntry", back_populates="details")

    def digest(self) -> str:
        """sha256 over the salted details: what the entry's hash covers."""
        return hashlib.sha256(_json({"salt": self.salt, "recipient": self.recipient,
                                     "purpose": self.purpose})).hexdigest()


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
    conn.execute(AccessDetails.__table__.delete())
    conn.execute(AccessEntry.__table__.delete())
    for stmt in guard_statements(dialect):
        conn.exec_driver_sql(stmt)
