"""CSV import and export of cases: one row per case, all-or-nothing, exact round trip.

Export protects spreadsheets from formula injection by putting an apostrophe
before any cell that starts with = + - @ a tab, a carriage return, or an
apostrophe; import takes exactly one leading apostrophe away, so export then
import gives back the same values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam
from sqlalchemy.orm import aliased

from ..db import utcnow
from ..extensions import db
from ..web import protect
from . import derived, services
from .models import AdrCase, school_year_of
from .rules import COLUMNS, DATE_COLUMNS, YES_NO_COLUMNS, parse

#: Larger files are refused before parsing (the web form has its own size limit).
MAX_ERRORS_SHOWN = 200


class ImportRefused(Exception):
    """The file was not imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} problem(s); nothing was imported")
        self.errors = errors


@dataclass
class ImportResult:
    created: int
    updated: int


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused([f"line 1, column -: the file is not UTF-8 text "
                             f"(byte {exc.start + 1}); save it as 'CSV UTF-8'"]) from exc


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's rows with the line each starts on; raises ImportRefused on a bad header."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _rows(reader)
    except csv.Error as exc:  # a cell over csv's size limit, NUL in old Pythons
        raise ImportRefused([f"line {reader.line_num}, column -: the file cannot be read "
                             f"as CSV ({exc}); check for a quote that is never closed"]
                            ) from None


def _rows(reader) -> list[tuple[int, dict[str, str]]]:
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRefused(["line 1, column -: the file is empty; "
                             "it needs a header row"]) from None
    header = [h.strip() for h in header]
    errors = []
    for name in header:
        if name not in COLUMNS:
            errors.append(f"line 1, column {name or '(blank)'}: unknown column "
                          f"'{name}'; the columns are " + ", ".join(COLUMNS))
    seen = set()
    for name in header:
        if name in seen:
            errors.append(f"line 1, column {name}: the column appears twice")
        seen.add(name)
    for name in ("case_ref", "process", "received_on", "status"):
        if name not in header:
            errors.append(f"line 1, column {name}: the required column is missing")
    if errors:
        raise ImportRefused(errors)
    rows = []
    start = reader.line_num + 1
    for cells in reader:
        line = start
        start = reader.line_num + 1
        if not "".join(cells).strip():
            continue
        if len(cells) != len(header):
            rows.append((line, {"__width__": f"has {len(cells)} cells; the header has "
                                             f"{len(header)}"}))
            continue
        rows.append((line, {name: cell[1:] if cell[:1] == "'" else cell
                            for name, cell in zip(header, cells, strict=True)}))
    return rows


def import_cases(org_id: int, data: bytes) -> ImportResult:
    """Create or update the organization's cases from CSV bytes; nothing is written on error."""
    rows = read_rows(data)
    errors: list[str] = []
    parsed: list[tuple[int, dict]] = []
    refs_in_file: dict[str, int] = {}
    for line, raw in rows:
        if "__width__" in raw:
            errors.append(f"line {line}, column -: the row {raw['__width__']}")
            continue
        values, problems = parse(raw)
        for column, message in problems:
            errors.append(f"line {line}, column {column}: {message}")
        ref = values["case_ref"]
        if ref:
            if ref in refs_in_file:
                errors.append(f"line {line}, column case_ref: '{ref}' is already on line "
                              f"{refs_in_file[ref]}")
            else:
                refs_in_file[ref] = line
        parsed.append((line, values))
    existing_rows = db.session.execute(
        db.select(AdrCase.case_ref, AdrCase.id, AdrCase.student_ref)
        .where(AdrCase.organization_id == org_id)).all()
    existing = {ref: id_ for ref, id_, _ in existing_rows}
    for line, values in parsed:
        ref = values["related_ref"]
        if ref and ref not in refs_in_file and ref not in existing:
            errors.append(f"line {line}, column related_ref: '{ref}' names no case in this "
                          "file or in the organization")
    if errors:
        raise ImportRefused(errors)

    inserts, updates, pending_links = [], [], []
    now = utcnow()
    for _, values in parsed:
        record = _record(org_id, values, now)
        ref = values["related_ref"]
        if ref and ref in existing:
            record["related_id"] = existing[ref]
        elif ref:
            pending_links.append(values)  # names a case of this file, new: linked below
        if values["case_ref"] in existing:
            record["b_id"] = existing[values["case_ref"]]
            del record["created_at"]
            updates.append(record)
        else:
            inserts.append(record)
    # Core executemany: one statement per chunk (the ORM's bulk path would split the
    # rows by which values are None).
    table = AdrCase.__table__
    _insert_many(table, inserts)
    if updates:
        columns = {k: bindparam(k) for k in updates[0] if k != "b_id"}
        stmt = table.update().where(table.c.id == bindparam("b_id")).values(columns)
        for chunk in _chunks(updates, 5000):
            db.session.execute(stmt, chunk)
    if pending_links:
        # Second pass: cases related to a case that this file creates.
        wanted = {v["case_ref"] for v in pending_links} | {v["related_ref"]
                                                           for v in pending_links}
        ids = {}
        wanted_list = sorted(wanted)
        for i in range(0, len(wanted_list), 500):
            ids.update(db.session.execute(db.select(AdrCase.case_ref, AdrCase.id).where(
                AdrCase.organization_id == org_id,
                AdrCase.case_ref.in_(wanted_list[i:i + 500]))).all())
        links = [{"b_id": ids[v["case_ref"]], "b_related": ids[v["related_ref"]]}
                 for v in pending_links]
        link = table.update().where(table.c.id == bindparam("b_id")).values(
            related_id=bindparam("b_related"))
        for chunk in _chunks(links, 5000):
            db.session.execute(link, chunk)
    db.session.flush()
    # Escalation flags of the students this file touched (old and new references).
    students = {v["student_ref"] for _, v in parsed}
    if updates:
        touched = {v["case_ref"] for _, v in parsed}
        students |= {s for ref, _, s in existing_rows if ref in touched}
    if len(students) > 20_000 or len(students) * 2 > len(existing_rows) + len(inserts):
        services.refresh_escalation(org_id)
    else:
        services.refresh_escalation(org_id, students)
    db.session.expire_all()
    return ImportResult(created=len(inserts), updated=len(updates))


def _insert_many(table, records: list[dict]) -> None:
    """INSERT the records in the session's transaction.

    On SQLite the rows go straight to the driver's executemany (about a third
    faster for a large file: no per-value bind processing); values are written
    the way SQLAlchemy's SQLite types store them. Elsewhere, Core executemany.
    """
    if not records:
        return
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        for chunk in _chunks(records, 5000):
            db.session.execute(table.insert(), chunk)
        return
    names = list(records[0])
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - column names
           f"VALUES ({', '.join('?' * len(names))})")        # come from the model
    driver = connection.connection.driver_connection
    cache: dict = {}

    def convert(value):
        # Dates and times repeat a lot in a file: each is formatted once.
        if value is None or isinstance(value, str | int):
            return value  # bool is an int: stored as 0/1 like SQLAlchemy's Boolean
        text = cache.get(value)
        if text is None:
            text = cache[value] = (value.strftime("%Y-%m-%d %H:%M:%S.%f")
                                   if isinstance(value, datetime) else value.isoformat())
        return text

    driver.executemany(sql, (tuple([convert(r[n]) for n in names]) for r in records))


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _record(org_id: int, v: dict, now: datetime) -> dict:
    """Column values of one case from typed row values (related_id set later)."""
    received = v["received_on"]
    record = {
        "organization_id": org_id,
        "case_ref": v["case_ref"],
        "process": v["process"],
        "received_on": received,
        "school_year": school_year_of(received),
        "school": v["school"],
        "student_ref": v["student_ref"],
        "status": v["status"],
        "held_on": v["held_on"],
        "agreement": v["agreement"],
        "resolution_meeting_on": v["resolution_meeting_on"],
        "settlement": v["settlement"],
        "decision_on": v["decision_on"],
        "timeline": v["timeline"],
        "findings": v["findings"],
        "pending_hearing": v["pending_hearing"],
        "placement_changed": v["placement_changed"],
        "closed_on": v["closed_on"],
        "notes": v["notes"],
        "related_id": None,
        "days_to_held": (v["held_on"] - received).days if v["held_on"] else None,
        "days_to_closed": (v["closed_on"] - received).days if v["closed_on"] else None,
        "escalated": False,
        "updated_at": now,
        "created_at": now,
    }
    record["dash_class"] = derived.dash_class_of(record)
    for i in range(3):
        record[f"dash_pack{i + 1}"] = derived.pack_of(i, record["dash_class"], record["process"])
    return record


def _cell(column: str, value) -> str:
    if value is None:
        return ""
    if column in YES_NO_COLUMNS:
        return "yes" if value else "no"
    if column in DATE_COLUMNS:
        return value.isoformat()
    return protect(str(value))


def export_rows(org_id: int, family_id: int | None = None) -> Iterator[list[str]]:
    """The header, then one row per case of the organization (or family), by case_ref."""
    yield list(COLUMNS)
    related = aliased(AdrCase)
    # Plain column tuples, not ORM objects: an export of 100,000 cases stays quick.
    columns = [related.case_ref if c == "related_ref" else getattr(AdrCase, c)
               for c in COLUMNS]
    stmt = (db.select(*columns)
            .outerjoin(related, related.id == AdrCase.related_id)
            .where(AdrCase.organization_id == org_id)
            .where(True if family_id is None else AdrCase.family_id == family_id)
            .order_by(AdrCase.case_ref)
            .execution_options(yield_per=5000))
    for row in db.session.execute(stmt):
        yield [_cell(c, value) for c, value in zip(COLUMNS, row, strict=True)]


def to_csv(rows: Iterable[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def export_csv(org_id: int) -> str:
    """Every case of the organization as CSV text (UTF-8 when encoded)."""
    return to_csv(export_rows(org_id))
