"""Time a CSV import of 100,000 rows (target: under 30 s) beside a raw sqlite3 insert of
the same rows measured in the same run.

    .venv/bin/python bench/adr_import_bench.py [ROWS]

Ours: read, validate every row, insert, link related cases and set escalation
flags, all in one transaction (facilitator.adr.csv_io.import_cases).
Baseline: the same rows, already parsed, inserted with executemany on a plain
sqlite3 connection (no validation, no linking), with the columns the database keeps
(dash_class, dash_pack1..3) given as the import gives them.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

from adr_common import make_app

DB = Path(os.environ.get("ADR_IMPORT_BENCH_DB", "/tmp/adr-import-bench.db"))  # noqa: S108 - throwaway benchmark file


def main(n: int) -> None:
    from facilitator.adr.csv_io import export_csv, import_cases, to_csv
    from facilitator.adr.generate import rows
    from facilitator.adr.rules import COLUMNS
    from facilitator.auth.services import create_organization
    from facilitator.extensions import db

    print("load average before: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))
    for suffix in ("", "-wal", "-shm"):
        p = DB.with_name(DB.name + suffix)
        if p.exists():
            p.unlink()
    data = list(rows(random.Random(100_000), n, 2020, 5, date(2025, 6, 30)))
    body = to_csv([list(COLUMNS)] + [[r.get(c, "") for c in COLUMNS] for r in data]).encode()
    print(f"{n:,} rows, {len(body) / 1e6:.1f} MB of CSV")
    app = make_app(DB)
    with app.app_context():
        db.create_all()
        org = create_organization("import-bench", "Import bench district", "district")
        base = create_organization("raw-bench", "Raw baseline", "district")
        db.session.commit()
        org_id, base_id = org.id, base.id

        start = time.perf_counter()
        result = import_cases(org_id, body)
        db.session.commit()
        ours = time.perf_counter() - start
        assert result.created == n
        start = time.perf_counter()
        again = import_cases(org_id, body)
        db.session.commit()
        update = time.perf_counter() - start
        assert again.updated == n
        start = time.perf_counter()
        text = export_csv(org_id)
        export = time.perf_counter() - start
        assert text.encode() == body, "export does not round-trip the import"
        db.session.remove()
        db.engine.dispose()

    con = sqlite3.connect(DB)
    cols = ["organization_id", "case_ref", "process", "received_on", "school_year", "school",
            "student_ref", "status", "agreement", "timeline", "notes", "escalated",
            "created_at", "updated_at", "dash_class", "dash_pack1", "dash_pack2", "dash_pack3"]
    # The columns the database keeps (migration 0911), as the import writes them: a row
    # without them would be completed by the trigger, a second write the import never pays.
    derived_columns = [_derived(r) for r in data]
    start = time.perf_counter()
    with con:
        con.executemany(
            f"INSERT INTO adr_cases ({', '.join(cols)}) "  # noqa: S608 - fixed names
            f"VALUES ({', '.join('?' * len(cols))})",
            [(base_id, r["case_ref"], r["process"], r["received_on"], 2020, r["school"],
              r["student_ref"], r["status"], r.get("agreement", ""), r.get("timeline", ""),
              r["notes"], 0, "2025-01-01", "2025-01-01", *k)
             for r, k in zip(data, derived_columns, strict=True)])
    raw = time.perf_counter() - start
    con.close()
    print(f"import {n:,} new rows:      {ours:6.2f} s (target < 30 s) | raw executemany "
          f"{raw:5.2f} s | ratio {ours / raw:5.2f}")
    print(f"re-import (all updates):  {update:6.2f} s")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"export {n:,} rows:         {export:6.2f} s (byte-identical to the imported file)")


def _derived(r: dict) -> tuple:
    """dash_class and dash_pack1..3 of the baseline's row (the columns it inserts)."""
    from facilitator.adr import derived

    cls = derived.dash_class_of({
        "process": r["process"], "status": r["status"], "agreement": r.get("agreement", ""),
        "resolution_meeting_on": None, "settlement": None, "escalated": False,
        "student_ref": r["student_ref"], "days_to_held": None, "days_to_closed": None})
    return (cls, *(derived.pack_of(i, cls, r["process"]) for i in range(3)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
