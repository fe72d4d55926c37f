"""Bring a benchmark database made before migration 0911 up to date (the benchmark files
are made by adr_generate.py with the models, so they carry no alembic_version).

    ADR_BENCH_DB=/tmp/adr-bench.db .venv/bin/python bench/adr_bench_upgrade.py

What migration 0911 does, on the benchmark file: the columns the database keeps
(related_process, dash_class, dash_pack1..3), filled in, their triggers, and the report
and school indexes as the models define them; then any table added since the file was
made. About 30 s for 1,000,000 cases.
"""

from __future__ import annotations

import sqlite3
import time

from adr_common import DB_PATH, make_app


def main() -> None:
    from facilitator.adr import derived
    from facilitator.adr.models import AdrCase

    start = time.perf_counter()
    con = sqlite3.connect(DB_PATH)
    have = {row[1] for row in con.execute("PRAGMA table_info(adr_cases)")}
    for column, kind in (("related_process", "VARCHAR(30)"), ("dash_class", "INTEGER"),
                         ("dash_pack1", "BIGINT"), ("dash_pack2", "BIGINT"),
                         ("dash_pack3", "BIGINT")):
        if column not in have:
            con.execute(f"ALTER TABLE adr_cases ADD COLUMN {column} {kind}")
    for statement in derived.SQLITE_DROP:
        con.execute(statement)
    for index in ("ix_adr_cases_report", "ix_adr_cases_school"):
        con.execute(f"DROP INDEX IF EXISTS {index}")
    con.execute("UPDATE adr_cases SET related_process = (SELECT r.process FROM adr_cases AS r "
                "WHERE r.id = adr_cases.related_id)")
    con.execute("UPDATE adr_cases SET dash_class = " + derived.dash_class_sql())  # noqa: S608
    con.execute("UPDATE adr_cases SET " + ", ".join(  # noqa: S608
        f"dash_pack{i + 1} = {derived.pack_sql(i, 'dash_class', 'process')}" for i in range(3)))
    for statement in derived.SQLITE:
        con.execute(statement)
    for index in AdrCase.__table__.indexes:
        if index.name in ("ix_adr_cases_report", "ix_adr_cases_school"):
            columns = ", ".join(c.name for c in index.columns)
            con.execute(f"CREATE INDEX {index.name} ON adr_cases ({columns})")
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    from facilitator.extensions import db

    with make_app().app_context():
        db.create_all()  # tables added since the file was made (the page requests read them)
    print(f"{DB_PATH} brought up to migration 0911 in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
