"""The columns that can describe a family, and keeping PostgreSQL from copying them.

A column can describe a child or family when it holds text, binary data or JSON
(found from the schema, so a new column is covered by itself), unless ``ALLOWED``
says why it cannot. The erasure canary test (tests/canary.py) plants a canary in
each such column and fails if one survives a destruction.

On PostgreSQL, ``ANALYZE`` (autovacuum's too) copies sample values of columns
(most common values, histogram bounds) into the catalog ``pg_statistic``, where a
destruction cannot reach them and the table's owner cannot delete them. So each
such column, and each index expression over one, gets statistics target 0
(``ANALYZE`` skips it): ``quiet_statistics`` sets it wherever a schema is made
(migration 0913, after every ``flask db upgrade``, after ``create_all``).
``clear_statistics`` removes samples taken before: ``ALTER COLUMN ... TYPE`` to the
column's own type drops the column's ``pg_statistic`` rows without rewriting the
table (measured on PostgreSQL 15), and ``VACUUM (FULL) pg_statistic`` (allowed to
the database's owner) rewrites the catalog so the dead rows' bytes go too.
"""

from __future__ import annotations

import logging

from sqlalchemy import JSON, LargeBinary, MetaData, event, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ..extensions import db

log = logging.getLogger(__name__)

#: Columns that cannot describe a child or family, each with why. Everything else that
#: holds text, in every table, is planted by the canary test and must not survive.
ALLOWED = {
    # The organization itself and its settings: about no family.
    "organizations": {"name", "slug", "kind", "reminder_days"},
    # Staff accounts (the signed-in admin destroys through them): about no family.
    "users": {"email", "name", "position", "password_hash", "role", "session_token"},
    # The record of access is append-only (UPDATE is refused, so nothing can be planted):
    # vocabulary, hashes and a certificate reference. What can name a person is in
    # audit_entry_details, which is planted. A new text column here fails the test below.
    "audit_entries": {"action", "record_kind", "reference", "prev_hash", "hash",
                      "details_hash"},
    # Written by an erasure (a certificate reference); planting it would mark it erased.
    "audit_entry_details": {"erased_under"},
    # Cases are kept for the federal 618 report without the child's data: the case number
    # and school stay by design (README, destruction on request); the rest is vocabulary.
    "adr_cases": {"case_ref", "process", "school", "status", "agreement", "timeline"},
    # Random generated file names: the files they name are planted instead, and the
    # destruction must still find them.
    "packet_documents": {"storage_key"},
    "packets": {"docx_key", "zip_key", "pdf_key"},
    "family_exports": {"storage_key"},
    # The state program's district directory and its roster of neutrals (contracted
    # professionals): about no family, and a case's neutral must stay on the roster.
    "program_districts": {"code", "name", "region"},
    "program_neutrals": {"name", "email", "phone", "processes", "languages", "regions"},
    # A request's reference (REQ- and six random characters, given to the requester): it
    # names the request on its destruction certificate and is the case_ref of the case it
    # became (kept, above); no child data. The rest of the request is destroyed.
    "program_requests": {"reference"},
    # What a certificate is about, written by the destruction: "Program request " and that
    # reference (empty for a family, named by its former id).
    "destruction_certificates": {"subject"},
    # The program's records of a kept case (rights/keep.py): only vocabulary stays.
    # A language code from i18n.LANGUAGES (which neutral may serve, interpreter costs).
    "program_cases": {"language"},
    # rotation or parties; proposed, accepted, declined, objected, ended.
    "program_assignments": {"method", "status"},
    # proposed, skipped, chosen_by_parties, accepted, declined, objected.
    "program_rotation_log": {"decision"},
    # held, late_cancel, cancelled, no_show; full, partial, none, continued (or empty).
    "program_sessions": {"kind", "outcome"},
}


def kind(column) -> str | None:
    """"text", "binary", "json" or None for a column that cannot hold text."""
    if isinstance(column.type, JSON):
        return "json"
    if isinstance(column.type, LargeBinary):
        return "binary"
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return None
    if python_type is str:
        return "text"
    if python_type is bytes:
        return "binary"
    return None


def text_columns(table) -> list:
    """The columns of ``table`` that can hold text (a foreign key holds an id)."""
    return [c for c in table.columns if kind(c) and not c.foreign_keys]


def family_columns(metadata: MetaData | None = None) -> dict[str, list[str]]:
    """For each table: the columns that can describe a family (text minus ``ALLOWED``)."""
    found = {}
    for table in (metadata or db.metadata).sorted_tables:
        allowed = ALLOWED.get(table.name, set())
        names = [c.name for c in text_columns(table) if c.name not in allowed]
        if names:
            found[table.name] = names
    return found


def _family_columns_here(conn: Connection, metadata: MetaData | None) -> dict[str, list[str]]:
    """``family_columns`` that exist in the connected database (a migration runs with the
    newest models, on a schema that may not have every column yet)."""
    here = {}
    for table, columns in family_columns(metadata).items():
        found = conn.execute(text(
            "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(:rel) "
            "AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY(:columns)"),
            {"rel": _ident(table), "columns": columns}).scalars().all()
        if found:
            here[table] = [c for c in columns if c in found]
    return here


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: Expression columns of indexes whose expressions read one of ``columns`` (ANALYZE
#: samples an index expression as if it were a column of its own).
_INDEX_EXPRESSIONS = (
    "SELECT DISTINCT ic.relname, ia.attnum, ia.attstattarget FROM pg_index i "
    "JOIN pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid "
    " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid "
    "JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = d.refobjsubid "
    "JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum > 0 "
    " AND i.indkey[ia.attnum - 1] = 0 "
    "WHERE i.indrelid = to_regclass(:rel) AND ta.attname = ANY(:columns) ORDER BY 1, 2")


def quiet_statistics(conn: Connection, metadata: MetaData | None = None) -> list[str]:
    """Set statistics target 0 on every family column (and index expression over one) on
    PostgreSQL, so ANALYZE never samples them; returns what it changed. Idempotent, and a
    no-op elsewhere."""
    if conn.dialect.name != "postgresql":
        return []
    changed = []
    for table, columns in _family_columns_here(conn, metadata).items():
        loud = conn.execute(text(
            "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(:rel) "
            "AND a.attname = ANY(:columns) AND a.attstattarget <> 0 ORDER BY a.attnum"),
            {"rel": _ident(table), "columns": columns}).scalars().all()
        if loud:
            conn.execute(text(f"ALTER TABLE {_ident(table)} " + ", ".join(
                f"ALTER COLUMN {_ident(c)} SET STATISTICS 0" for c in loud)))
            changed += [f"{table}.{c}" for c in loud]
        for index, number, target in conn.execute(
                text(_INDEX_EXPRESSIONS), {"rel": _ident(table), "columns": columns}):
            if target != 0:
                conn.execute(text(f"ALTER INDEX {_ident(index)} ALTER COLUMN {int(number)} "
                                  "SET STATISTICS 0"))
                changed.append(f"{index}.{number}")
    return changed


#: The names pg_stats shows for these relations (an index's expressions under its name).
_SAMPLED = (
    "SELECT s.tablename, s.attname FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
    "JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = s.schemaname "
    "WHERE pg_table_is_visible(c.oid) AND s.tablename = ANY(:names)")
_COLUMN_TYPES = (
    "SELECT a.attname, format_type(a.atttypid, a.atttypmod), "
    "CASE WHEN a.attcollation <> 0 THEN quote_ident(cn.nspname) || '.' "
    "     || quote_ident(co.collname) END "
    "FROM pg_attribute a LEFT JOIN pg_collation co ON co.oid = a.attcollation "
    "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
    "WHERE a.attrelid = to_regclass(:rel) AND a.attname = ANY(:columns)")
#: For each expression index over the table: the table's columns it reads.
_INDEX_READS = (
    "SELECT ic.relname, ta.attname FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
    "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid "
    " AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid "
    "JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = d.refobjsubid "
    "WHERE i.indrelid = to_regclass(:rel) AND i.indexprs IS NOT NULL "
    "AND ta.attname = ANY(:columns)")


def clear_statistics(conn: Connection, metadata: MetaData | None = None) -> dict:
    """Remove the samples ANALYZE already took of family columns and of index expressions
    over them (PostgreSQL; in a transaction, then ``vacuum_statistics`` outside one), and
    quiet them. Returns the columns cleared and those PostgreSQL would not change the type
    of (a trigger or view reads them; a superuser can delete their pg_statistic rows)."""
    result: dict[str, list[str]] = {"cleared": [], "held": []}
    if conn.dialect.name != "postgresql":
        return result
    for table, columns in _family_columns_here(conn, metadata).items():
        args = {"rel": _ident(table), "columns": columns}
        reads: dict[str, set[str]] = {}
        for index, column in conn.execute(text(_INDEX_READS), args):
            reads.setdefault(index, set()).add(column)
        sampled = set()
        for name, column in conn.execute(text(_SAMPLED), {"names": [table, *reads]}):
            if name == table and column in columns:
                sampled.add(column)
            elif name in reads:
                # A type change builds an expression index again (PostgreSQL never reuses
                # one), and a new index has no statistics.
                sampled |= reads[name]
        if not sampled:
            continue
        types = {n: (t, coll) for n, t, coll in conn.execute(text(_COLUMN_TYPES), args)}
        todo = [c for c in columns if c in sampled]
        # Its own type (and collation): the table is not rewritten, and PostgreSQL drops the
        # column's statistics (ATExecAlterColumnType calls RemoveStatistics). A trigger, a
        # view or a policy that reads the column makes PostgreSQL refuse: that column is
        # left as it is and named (all at once first; one by one when that fails).
        if _retype(conn, table, todo, types):
            result["cleared"] += [f"{table}.{c}" for c in todo]
            continue
        for c in todo:
            result["cleared" if _retype(conn, table, [c], types) else "held"].append(
                f"{table}.{c}")
    if result["held"]:
        log.warning("pg_statistic keeps samples of %s (PostgreSQL would not change their "
                    "type); a superuser can delete their rows from pg_statistic",
                    ", ".join(result["held"]))
    quiet_statistics(conn, metadata)  # a rebuilt expression index starts with the default
    return result


def _retype(conn: Connection, table: str, columns: list[str], types: dict) -> bool:
    """Set each column to its own type, in a savepoint; False when PostgreSQL refuses."""
    try:
        with conn.begin_nested():
            conn.execute(text(f"ALTER TABLE {_ident(table)} " + ", ".join(
                f"ALTER COLUMN {_ident(c)} TYPE {types[c][0]}"
                + (f" COLLATE {types[c][1]}" if types[c][1] else "") for c in columns)))
    except DBAPIError as exc:
        log.warning("%s: %s", table, str(exc.orig).splitlines()[0])
        return False
    return True


def may_vacuum_statistics(conn: Connection) -> bool:
    """Whether this role may VACUUM pg_statistic (a superuser or the database's owner)."""
    return conn.execute(text(
        "SELECT pg_has_role(current_user, datdba, 'USAGE') FROM pg_database "
        "WHERE datname = current_database()")).scalar()


def vacuum_statistics(conn: Connection) -> bool:
    """Rewrite pg_statistic and its TOAST table (``conn`` in autocommit), so the bytes of
    removed samples leave the files; False when this role may not (it would only warn)."""
    if conn.dialect.name != "postgresql":
        return False
    if not may_vacuum_statistics(conn):
        log.warning("pg_statistic was not rewritten: only a superuser or the database's "
                    "owner may; run VACUUM (FULL) pg_statistic as one of them")
        return False
    conn.exec_driver_sql("VACUUM (FULL) pg_statistic")
    return True


@event.listens_for(db.metadata, "after_create")
def _quiet_after_create_all(target, connection, **kw) -> None:
    """``db.create_all()`` (the tests, benchmarks) makes a schema too: quiet it as well."""
    quiet_statistics(connection, target)
