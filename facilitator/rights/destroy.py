"""Destroying everything about one family on a parent's request (34 CFR 300.624).

Rows go with Core DELETE statements, in dependency order. A row belongs to
the family when any foreign key (required or not) leads to the family, one of
its meetings, notes, documents, packets, events, or one of its
dispute-resolution cases: so every outbox message about the family (its
``family_id``, meeting or case) goes too, attachments included, and so does a
new table that references any of them, without a change here. In the record of
access, entries stay (append-only, hash-chained) but their details (who
received a record, and why) are erased under the certificate's reference.

Dispute-resolution cases are not deleted: the counts of the federal 618
report are not child data, so each case stays with the child's data taken
out (family and meeting links, student reference replaced by an anonymous
one shared by that child's cases, notes emptied; its survey links deleted). A state
program's records of such a case (``keep.KEPT_WITH_CASE``: its assignments, sessions,
rotation log) stay too, with every text column that could describe the family erased.
Files leave the storage folder after the commit. On SQLite the deleting
connection runs with ``secure_delete`` (freed space is zeroed) and the WAL is
checkpointed and truncated afterwards; on PostgreSQL the tables concerned and the
statistics catalog (pg_statistic) are vacuumed after the commit.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, delete, func, or_, select, update

from .. import audit
from ..audit.services import erase_details
from ..commitments.paths import refresh_students
from ..extensions import db
from ..packets import storage
from ..packets.services import _after_commit, is_building
from .columns import vacuum_statistics
from .keep import KEPT_WITH_CASE, anonymize_kept
from .models import DestructionCertificate, new_reference

#: How each table's rows are named on the certificate.
LABELS = {
    "families": "Family record (student)",
    "family_contacts": "Guardians and contacts",
    "family_tips": "Meeting tip-file entries",
    "packet_documents": "Documents",
    "packet_document_downloads": "Document download records",
    "packet_timeline_events": "Timeline events",
    "packet_timeline_event_documents": "Timeline links to documents",
    "packet_decisions": "Decision-log entries",
    "packets": "Record packets",
    "packet_items": "Record packet contents",
    "meetings": "Meetings",
    "meeting_notes": "Meeting notes",
    "meeting_note_versions": "Meeting notes versions",
    "outbox_messages": "Mail about the family (with attachments)",
    "adr_survey_invitations": "Survey links",
    "family_exports": "Family exports (ZIP files)",
    "family_inputs": "The family's input before meetings",
    "family_input_concerns": "Concerns the family wrote before meetings",
    "meeting_continuations": "Links between continued meetings",
    "program_requests": "Requests to the state program (the family's own words)",
}
#: Tables that are never destroyed with a family (they hold no child data).
KEPT = {"adr_cases", "audit_entries", "audit_entry_details", "destruction_certificates"}


class DestroyError(ValueError):
    """The destruction cannot go ahead; the message says why."""


def _t(name: str):
    return db.metadata.tables[name]


def _scopes(seeds: dict, case_ids=()) -> tuple[dict, dict]:
    """For each table holding the subject's rows: the condition that picks them; and for
    each table in ``KEPT_WITH_CASE``: the condition that picks its rows to keep, anonymized.

    ``seeds`` picks the subject's own rows ({table: condition}: the family, or a request to
    the state program and its mail). A row belongs to the subject when it is seeded or one
    of its foreign keys (required or not) leads to a row that belongs to it, or to one of
    its (kept, anonymized) cases: found from the schema, parents before children, so a
    table added later is covered without a change here. A row of a ``KEPT_WITH_CASE``
    table that a kept case (or a kept row) leads to is kept instead, unless a deleted row
    leads to it too (the deletions run first).
    """
    conds: dict = {}
    kept = {"adr_cases": _t("adr_cases").c.id.in_(list(case_ids))}
    for t in db.metadata.sorted_tables:
        if t.name in KEPT or t.name in kept:
            continue
        picks = [seeds[t.name]] if t.name in seeds else []
        keeps = []
        for fk in t.foreign_keys:
            parent = fk.column.table
            if parent is t:
                continue
            if parent.name in conds:
                picks.append(fk.parent.in_(select(fk.column).where(conds[parent.name])))
            elif parent.name in kept:
                keeps.append(fk.parent.in_(select(fk.column).where(kept[parent.name])))
        if t.name not in KEPT_WITH_CASE:
            picks += keeps
        elif keeps:
            kept[t.name] = or_(*keeps)
        if picks:
            conds[t.name] = or_(*picks)
    del kept["adr_cases"]
    return conds, kept


def family_seeds(family_id: int, org_id: int) -> dict:
    families = _t("families")
    return {"families": and_(families.c.id == family_id, families.c.organization_id == org_id)}


@dataclass
class Subject:
    """What one destruction is about: where its rows start, its cases and files."""

    org_id: int
    #: {table: condition} picking the subject's own rows (see _scopes).
    seeds: dict
    #: Dispute-resolution cases kept for the 618 report, anonymized.
    case_ids: list
    #: The record of access: the destroyed record's kind and id.
    record: tuple[str, int]
    #: Stored files removed once the view commits.
    keys: list = field(default_factory=list)
    #: The destroyed family, when the subject is one (its entries' details are erased by
    #: family; otherwise those about ``record``).
    family_id: int | None = None
    #: Names the subject on the certificate (no child data), e.g. "Program request REQ-…".
    subject: str = ""
    #: Certificate labels that differ from LABELS for this kind of subject.
    labels: dict = field(default_factory=dict)


def destroy(subject: Subject, user) -> DestructionCertificate:
    """Delete the subject's rows, anonymize its cases and keep their program records
    without free text, erase the record-of-access details about it, and issue the
    certificate. Flushes, never commits; the files are removed once the view commits."""
    org_id = subject.org_id
    conn = db.session.connection()
    if conn.dialect.name == "sqlite":
        # Every connection has it (db.py); said again here because this is what relies on it.
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
    cases = _t("adr_cases")
    anon_ref = "anon-" + secrets.token_hex(6)
    anonymized = db.session.execute(
        update(cases).where(cases.c.id.in_(subject.case_ids))
        .values(family_id=None, meeting_id=None, notes="", student_ref=anon_ref)).rowcount

    scopes, kept = _scopes(subject.seeds, subject.case_ids)
    labels = {**LABELS, **subject.labels}
    counts = []
    for t in db.metadata.sorted_tables:
        if t.name in scopes:
            n = db.session.execute(select(func.count()).select_from(t)
                                   .where(scopes[t.name])).scalar_one()
            if n:
                counts.append([labels.get(t.name, _label(t.name)), n])
    for t in reversed(db.metadata.sorted_tables):
        if t.name in scopes:
            db.session.execute(delete(t).where(scopes[t.name]))
    counts += anonymize_kept(kept)
    reference = new_reference()
    erased = erase_details(org_id, subject.family_id, reference,
                           record=None if subject.family_id else subject.record)
    if erased:
        counts.append(["Record-of-access details erased (the entries stay)", erased])
    # The path-to-resolution counts of the child's cases no longer hold their commitments.
    refresh_students(org_id, {anon_ref})
    cert = DestructionCertificate(organization_id=org_id, family_id=subject.family_id,
                                  subject=subject.subject, reference=reference,
                                  destroyed_by_id=user.id, counts=counts,
                                  files_removed=len(subject.keys), cases_anonymized=anonymized)
    db.session.add(cert)
    db.session.flush()
    audit.record(audit.Action.DESTROYED, subject.record[0], subject.record[1],
                 family_id=subject.family_id, reference=cert.reference, user=user,
                 organization_id=org_id)
    keys = list(subject.keys)
    _after_commit(lambda: [storage.delete(k) for k in keys])
    return cert


def destroy_family(family, user) -> DestructionCertificate:
    """Delete every record of ``family``, anonymize its cases, and issue the certificate.

    Flushes, never commits; the files are removed once the view commits.
    """
    from ..packets.models import Packet

    if any(is_building(p) for p in db.session.execute(
            select(Packet).where(Packet.family_id == family.id)).scalars()):
        raise DestroyError("A record packet of this family is being built. Wait until it "
                           "finishes, then destroy the records.")
    family_id, org_id, student_ref = family.id, family.organization_id, family.student_ref
    doc, pkt, mtg = _t("packet_documents"), _t("packets"), _t("meetings")
    keys = list(db.session.execute(select(doc.c.storage_key)
                                   .where(doc.c.family_id == family_id)).scalars())
    for row in db.session.execute(select(pkt.c.docx_key, pkt.c.zip_key, pkt.c.pdf_key)
                                  .where(pkt.c.family_id == family_id)):
        keys.extend(k for k in row if k)
    exports = _t("family_exports")
    keys.extend(k for k in db.session.execute(select(exports.c.storage_key).where(
        exports.c.family_id == family_id, exports.c.storage_key.is_not(None))).scalars())

    cases = _t("adr_cases")
    meetings = select(mtg.c.id).where(mtg.c.family_id == family_id)
    picks = [cases.c.family_id == family_id, cases.c.meeting_id.in_(meetings)]
    if student_ref:
        picks.append(cases.c.student_ref == student_ref)
    case_ids = list(db.session.execute(select(cases.c.id).where(
        cases.c.organization_id == org_id, or_(*picks))).scalars())
    return destroy(Subject(org_id=org_id, seeds=family_seeds(family_id, org_id),
                           case_ids=case_ids, keys=keys, record=("family", family_id),
                           family_id=family_id), user)


def _label(table: str) -> str:
    return table.replace("meeting_", "Meeting ").replace("_", " ").capitalize()


def scrub_after_commit(tables: list[str] | None = None) -> dict:
    """Leave no copy of deleted rows in the database files (run after the commit)."""
    engine = db.engine
    if engine.dialect.name == "sqlite":
        result = None
        for _ in range(50):  # a reader still on an old snapshot makes the checkpoint wait
            with engine.connect() as conn:
                # On the driver's own connection: a checkpoint cannot run inside a transaction.
                cursor = conn.connection.driver_connection.execute(
                    "PRAGMA wal_checkpoint(TRUNCATE)")
                result = cursor.fetchone()
                cursor.close()
            if result[0] == 0:
                break
            time.sleep(0.1)
        return {"checkpoint": list(result) if result else None}
    if engine.dialect.name == "postgresql":
        names = tables or destroyed_tables()
        # FULL rewrites the tables, so no byte of the family stays in the data files (plain
        # VACUUM leaves changed rows and index entries); it locks them while it runs.
        full = current_app.config.get("FACILITATOR_DESTROY_VACUUM_FULL", True)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in names:
                conn.exec_driver_sql(f'VACUUM {"(FULL) " if full else ""}"{name}"')
            # Columns that can describe a family are never sampled (statistics target 0,
            # rights/columns.py); rewriting the statistics catalog too (and its TOAST table)
            # leaves no copy behind should one ever be. It is small: milliseconds.
            statistics = vacuum_statistics(conn)
        return {"vacuumed": names, "statistics_rewritten": statistics}
    return {}


def destroyed_tables() -> list[str]:
    """Every table a destruction deletes from or changes."""
    scopes, kept = _scopes(family_seeds(0, 0))
    return sorted({*scopes, *kept, "adr_cases", "audit_entry_details"})
