"""Writing the record of access, checking its chains, and reading it back.

:func:`record` flushes and never commits: the entry is part of the view's
transaction, so an access whose response is sent is an access that is recorded.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import Select, bindparam, insert

from ..db import SAFE_METHODS, begin_write, utcnow
from ..extensions import db
from .models import GENESIS, AccessDetails, AccessEntry, Action, RecordKind

#: Class id of PostgreSQL's two-number advisory lock: (AUDIT_LOCK, organization id).
AUDIT_LOCK = 300614
MAX_RECIPIENT, MAX_PURPOSE = 300, 500


#: The organization's last entry (built once: it runs on every page view).
_LAST = (db.select(AccessEntry.seq, AccessEntry.hash)
         .where(AccessEntry.organization_id == bindparam("org"))
         .order_by(AccessEntry.seq.desc()).limit(1))
_INSERT = insert(AccessEntry.__table__)


class AuditError(ValueError):
    """An entry could not be written as asked; the message says what is missing."""


def _clean(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        raise AuditError(f"The {what} can be at most {limit} characters.")
    return value or None


def _lock_chain(org_id: int) -> None:
    """Make appends to one organization's chain wait for each other.

    SQLite already serializes writers (every write transaction begins
    IMMEDIATE); PostgreSQL takes a transaction-scoped advisory lock, released
    by the view's commit, before the previous hash is read.
    """
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(:cls, :org)"),
                           {"cls": AUDIT_LOCK, "org": org_id})
    elif has_request_context() and request.method in SAFE_METHODS:
        begin_write()  # a page read that records itself is a writer from here on


def record(action: str, record_kind: str, record_id: int | None, *, family_id: int | None = None,
           recipient: str | None = None, purpose: str | None = None,
           reference: str | None = None, user=None, organization_id: int | None = None
           ) -> AccessEntry:
    """Append one entry to the organization's record of access (flushes, no commit).

    A disclosure (``Action.DISCLOSED``) needs both a recipient and a purpose.
    """
    action, record_kind = Action(action), RecordKind(record_kind)
    recipient = _clean(recipient, MAX_RECIPIENT, "recipient")
    purpose = _clean(purpose, MAX_PURPOSE, "purpose")
    if action == Action.DISCLOSED and not (recipient and purpose):
        raise AuditError("A disclosure outside the organization needs both the recipient "
                         "(who receives the record) and the purpose (why).")
    user = current_user if user is None else user
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    org_id = organization_id if organization_id is not None else user.organization_id
    _lock_chain(org_id)
    # Core statements on the session's connection, in its transaction (the chain's two
    # statements run on every page view; the unit of work adds nothing to them).
    connection = db.session.connection()
    last = connection.execute(_LAST, {"org": org_id}).first()
    details = None
    if recipient or purpose:
        details = AccessDetails(organization_id=org_id, recipient=recipient, purpose=purpose,
                                salt=secrets.token_hex(16))
    entry = AccessEntry(
        organization_id=org_id, seq=(last.seq + 1) if last else 1, at=utcnow(),
        user_id=user_id, action=action.value, record_kind=record_kind.value,
        record_id=record_id, family_id=family_id, reference=reference,
        prev_hash=last.hash if last else GENESIS, v=2,
        details_hash=details.digest() if details else None)
    entry.hash = entry.compute_hash()
    if details is None:
        # Most entries (every page view) have no details: one INSERT, without the unit
        # of work (it runs on every load of a family's pages). The entry comes back
        # detached, with its id.
        values = {c.key: getattr(entry, c.key) for c in AccessEntry.__table__.columns
                  if c.key != "id"}
        entry.id = connection.execute(_INSERT, values).inserted_primary_key[0]
        return entry
    entry.details = details
    db.session.add(entry)
    db.session.flush()
    return entry


def erase_details(org_id: int, family_id: int | None, reference: str, *,
                  record: tuple[str, int] | None = None) -> int:
    """Erase the details (recipient, purpose) of every entry about a family (or, with
    ``record``, about one record: its kind and id), under a destruction certificate's
    reference; the entries and their chain stay. Flushes."""
    entries = db.select(AccessEntry.id).where(AccessEntry.organization_id == org_id)
    if record is not None:
        entries = entries.where(AccessEntry.record_kind == RecordKind(record[0]).value,
                                AccessEntry.record_id == record[1])
    else:
        entries = entries.where(AccessEntry.family_id == family_id)
    erased = db.session.execute(
        db.update(AccessDetails).where(AccessDetails.entry_id.in_(entries),
                                       AccessDetails.erased_under.is_(None))
        .values(recipient=None, purpose=None, salt=None, erased_under=reference,
                erased_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.expire_all()
    return erased


@dataclass
class Break:
    """The first entry where an organization's chain does not hold."""

    organization_id: int
    entry_id: int
    seq: int
    reason: str


@dataclass
class Erasures:
    """Entries of a chain whose details were erased, counted per certificate reference."""

    by_reference: Counter = field(default_factory=Counter)
    #: Of those, entries of version 1 (their hash covered the details): checked by position.
    by_position_only: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_reference.values())


def _in_order(org_id: int, batch: int) -> Iterator[AccessEntry]:
    """The organization's entries, oldest first, read a batch at a time (bounded memory)."""
    after = 0
    while True:
        rows = db.session.execute(
            db.select(AccessEntry).where(AccessEntry.organization_id == org_id,
                                         AccessEntry.seq > after)
            .order_by(AccessEntry.seq).limit(batch)).unique().scalars().all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        for entry in rows:
            db.session.expunge(entry)


def verify_chain(org_id: int, batch: int = 1000,
                 erasures: Erasures | None = None) -> tuple[int, Break | None]:
    """Walk one organization's chain in order: (entries checked, first break or None).

    Erased details are counted in ``erasures`` (when given) per certificate reference.
    """
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for entry in _in_order(org_id, batch):
        problem = _problem(entry, expected_seq, prev_hash)
        if problem:
            return count, Break(org_id, entry.id, entry.seq, problem)
        if erasures is not None and entry.erased_under:
            erasures.by_reference[entry.erased_under] += 1
            erasures.by_position_only += not entry.can_recompute
        prev_hash, expected_seq, count = entry.hash, entry.seq + 1, count + 1
    return count, None


def _problem(entry: AccessEntry, expected_seq: int, prev_hash: str) -> str | None:
    details = entry.details
    if entry.seq != expected_seq:
        return f"expected position {expected_seq}, found {entry.seq} (entries missing)"
    if entry.prev_hash != prev_hash:
        return "its previous-hash does not match the entry before it"
    if entry.v != 1 and details is not None and details.erased_under is None \
            and details.digest() != entry.details_hash:
        return "its details do not match their digest (they were changed)"
    if entry.v != 1 and details is None and entry.details_hash is not None:
        return "its details are missing (removed without a destruction certificate)"
    if entry.can_recompute and entry.compute_hash() != entry.hash:
        return "its hash does not match its contents (it was changed)"
    return None


def entries_query(org_id: int, family_id: int | None = None) -> Select:
    """The organization's (or one family's) entries, newest first."""
    stmt = db.select(AccessEntry).where(AccessEntry.organization_id == org_id)
    if family_id is not None:
        stmt = stmt.where(AccessEntry.family_id == family_id)
    return stmt.order_by(AccessEntry.seq.desc())


CSV_HEADER = ["seq", "at_utc", "user_id", "user_email", "user_name", "action", "record_kind",
              "record_id", "family_id", "recipient", "purpose", "reference", "prev_hash",
              "hash", "v", "details_hash", "details_erased_under"]


def csv_rows(org_id: int, batch: int = 1000) -> Iterator[list[str]]:
    """Every entry of the organization, oldest first, as CSV cells (not yet formula-safe)."""
    from ..auth.models import User
    from .models import _utc_text

    users = {u.id: u for u in db.session.execute(
        db.select(User).where(User.organization_id == org_id)).scalars()}
    yield CSV_HEADER
    for e in _in_order(org_id, batch):
        u = users.get(e.user_id)
        yield [str(e.seq), _utc_text(e.at), _text(e.user_id), u.email if u else "",
               u.name if u else "", e.action, e.record_kind, _text(e.record_id),
               _text(e.family_id), e.recipient or "", e.purpose or "", e.reference or "",
               e.prev_hash, e.hash, str(e.v), e.details_hash or "", e.erased_under or ""]


def _text(value) -> str:
    return "" if value is None else str(value)


def organizations_with_entries(only: Iterable[int] | None = None) -> list[int]:
    """Ids of organizations that have at least one entry."""
    stmt = db.select(AccessEntry.organization_id).distinct().order_by(AccessEntry.organization_id)
    ids = list(db.session.execute(stmt).scalars())
    return [i for i in ids if only is None or i in set(only)]
