"""Planting a canary in every column that can hold text, and finding where it survives.

Everything comes from the schema (SQLAlchemy metadata): a table added tomorrow
is planted by itself. A table whose foreign keys lead to a family (directly or
through meetings, cases, documents, ...) that has no row yet gets one, made
from its columns' types, so that its columns are planted too.

Which columns can describe a family (and so are planted) is decided in one place,
facilitator/rights/columns.py (``ALLOWED``), which also keeps PostgreSQL's statistics
from sampling them.

Each planted column gets its own canary (8 characters, the shortest text column
is 8 long), so a canary found anywhere names the column it was planted in.
"""

from __future__ import annotations

import json
import re
import secrets
import string
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.rights.columns import ALLOWED, text_columns
from facilitator.rights.columns import kind as _kind

ROOT = "families"


def reaches_family(table, seen=None) -> bool:
    """Whether a chain of foreign keys leads from ``table`` to a family."""
    seen = seen or set()
    if table.name == ROOT:
        return True
    seen.add(table.name)
    return any(fk.column.table.name not in seen and reaches_family(fk.column.table, seen)
               for fk in table.foreign_keys)


@dataclass
class Plant:
    prefix: str = field(default_factory=lambda: "Q" + "".join(
        secrets.choice(string.ascii_uppercase + string.digits) for _ in range(5)))
    #: canary -> "table.column"
    columns: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def canary(self, table: str, column: str) -> str:
        name = f"{table}.{column}"
        for value, owner in self.columns.items():
            if owner == name:
                return value
        n = len(self.columns)
        value = self.prefix + string.digits[n // 36 % 10] + (string.digits
                                                             + string.ascii_uppercase)[n % 36]
        self.columns[value] = name
        return value

    @property
    def file_canary(self) -> bytes:
        return f"{self.prefix}FILE".encode()

    def all_bytes(self) -> dict[bytes, str]:
        return {**{c.encode(): n for c, n in self.columns.items()},
                self.file_canary: "a stored file"}

    def found_in(self, data: bytes) -> list[str]:
        """The planted columns (or files) whose canary is in ``data``."""
        if self.prefix.encode() not in data:
            return []
        return sorted(n for c, n in self.all_bytes().items() if c in data)


def _value(column, plant: Plant, ids: dict):
    """A value for a required column of a generated row."""
    for fk in column.foreign_keys:
        return ids.get(fk.column.table.name)
    kind = _kind(column)
    if kind:
        if column.name in ALLOWED.get(column.table.name, set()):
            # Not planted (it describes no family), so a plain value that is not a canary.
            text = f"x{len(plant.columns)}{column.name}"[:getattr(column.type, "length", None)
                                                        or 64]
        else:
            text = plant.canary(column.table.name, column.name)
        return text.encode() if kind == "binary" else text
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = None
    simple = {int: 1, bool: False, float: 0.0, Decimal: Decimal(0), date: date.today(),
              datetime: utcnow(), time: time(9, 0)}
    if python_type in simple:
        return simple[python_type]
    raise AssertionError(f"{column.table.name}.{column.name}: the canary test cannot make a "
                         f"value of type {column.type!r}; teach tests/canary.py")


def _insert(table, plant: Plant, ids: dict) -> None:
    row = {}
    for column in table.columns:
        if column.primary_key and not column.foreign_keys and _kind(column) is None:
            continue  # generated
        if column.nullable and not column.foreign_keys:
            continue
        for fk in column.foreign_keys:
            target = fk.column.table
            if target.name not in ids and not column.nullable and target is not table:
                _insert(target, plant, ids)  # a required parent that has no row yet
        row[column.name] = _value(column, plant, ids)
    result = db.session.execute(table.insert().values(**row))
    if "id" in table.c:
        ids[table.name] = result.inserted_primary_key[0]


def fill_empty_tables(plant: Plant, ids: dict) -> list[str]:
    """Give every table that reaches a family, and has no row yet, one row; returns their
    names. ``ids`` maps table names to the id a foreign key should point at."""
    made = []
    for table in db.metadata.sorted_tables:
        if "id" in table.c:
            first = db.session.execute(select(table.c.id).order_by(table.c.id)).first()
            if first is not None:
                ids.setdefault(table.name, first[0])
        count = db.session.execute(select(func.count()).select_from(table)).scalar_one()
        if count or not reaches_family(table):
            continue
        _insert(table, plant, ids)
        made.append(table.name)
    db.session.commit()
    return made


def plant_everywhere(plant: Plant) -> None:
    """Put each planted column's canary in every row of every table."""
    for table in db.metadata.sorted_tables:
        allowed = ALLOWED.get(table.name, set())
        for column in text_columns(table):
            if column.name in allowed:
                continue
            canary = plant.canary(table.name, column.name)
            kind = _kind(column)
            value = canary.encode() if kind == "binary" else (
                {"canary": canary} if kind == "json" else canary)
            try:
                with db.session.begin_nested():
                    db.session.execute(table.update().values(**{column.name: value}))
            except DBAPIError as exc:
                if not _plant_each_row(table, column, canary):  # unique: one value per row
                    # e.g. a CHECK that allows only a vocabulary (it cannot hold a name)
                    plant.skipped[f"{table.name}.{column.name}"] = str(exc.orig)[:200]
    db.session.commit()


def _plant_each_row(table, column, canary: str) -> bool:
    """The canary followed by the row's number, row by row (for a unique column)."""
    keys = list(table.primary_key.columns)
    length = getattr(column.type, "length", None)
    try:
        with db.session.begin_nested():
            rows = db.session.execute(select(*keys)).all()
            for n, row in enumerate(rows):
                value = f"{canary}{n:x}"
                if length and len(value) > length:
                    return False
                db.session.execute(table.update().where(
                    *[k == v for k, v in zip(keys, row, strict=True)])
                    .values(**{column.name: value.encode() if _kind(column) == "binary"
                               else value}))
    except DBAPIError:
        return False
    return True


def surviving_in_tables(plant: Plant) -> list[str]:
    """Every table.column that still holds a canary, with the column it was planted in."""
    found = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).mappings():
            for name, value in row.items():
                if value is None:
                    continue
                if not isinstance(value, str | bytes):
                    value = json.dumps(value, default=str)
                data = value if isinstance(value, bytes) else value.encode()
                for origin in plant.found_in(data):
                    found.append(f"{table.name}.{name} holds the canary planted in {origin}")
    return sorted(set(found))


def plant_files(plant: Plant, folder: Path) -> int:
    """Append the file canary to every stored file; returns how many."""
    count = 0
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "ab") as fh:
                fh.write(b"\n" + plant.file_canary)
            count += 1
    return count


def surviving_in_files(plant: Plant, paths) -> list[str]:
    found = []
    for path in paths:
        if Path(path).is_file():
            for origin in plant.found_in(Path(path).read_bytes()):
                found.append(f"{path} holds the canary planted in {origin}")
    return found


def database_files(app) -> list[Path]:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        return []
    dbfile = Path(url.removeprefix("sqlite:///"))
    return [dbfile, Path(f"{dbfile}-wal"), Path(f"{dbfile}-journal")]


def postgres_files() -> dict[Path, str]:
    """The current database's data files after a checkpoint, with their relation names."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("CHECKPOINT")
        datadir = Path(conn.exec_driver_sql("SHOW data_directory").scalar())
        oid = conn.exec_driver_sql("SELECT oid FROM pg_database "
                                   "WHERE datname = current_database()").scalar()
        names = dict(conn.exec_driver_sql(
            "SELECT pg_relation_filenode(oid)::text, relname FROM pg_class "
            "WHERE pg_relation_filenode(oid) IS NOT NULL").all())
    folder = datadir / "base" / str(oid)
    return {p: names.get(re.sub(r"[._].*", "", p.name), "?")
            for p in folder.iterdir() if p.is_file()}


def plant_rows(plant: Plant, table, where, skip=()) -> int:
    """Put each planted column's canary in the rows of ``table`` that ``where`` picks (row
    by row, numbered, where a column is unique); returns how many rows."""
    keys = list(table.primary_key.columns)
    rows = db.session.execute(select(*keys).where(where)).all()
    allowed = ALLOWED.get(table.name, set()) | set(skip)
    for column in text_columns(table):
        if column.name in allowed or not rows:
            continue
        canary, kind = plant.canary(table.name, column.name), _kind(column)
        try:
            with db.session.begin_nested():
                for n, row in enumerate(rows):
                    value = f"{canary}{n:x}" if column.unique else canary
                    value = value.encode() if kind == "binary" else (
                        {"canary": value} if kind == "json" else value)
                    db.session.execute(table.update().where(
                        *[k == v for k, v in zip(keys, row, strict=True)])
                        .values({column.name: value}))
        except DBAPIError as exc:  # e.g. a CHECK that allows only a vocabulary
            plant.skipped[f"{table.name}.{column.name}"] = str(exc.orig)[:200]
    db.session.commit()
    return len(rows)
