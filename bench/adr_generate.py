"""Build the benchmark database: 1,000,000 realistic cases for one State agency over ten
school years (2015-16 to 2024-25), inserted in bulk.

    .venv/bin/python bench/adr_generate.py [N]      # default 1,000,000; DB at /tmp/adr-bench.db
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from datetime import date

from adr_common import DB_PATH, FIRST_YEAR, ORG_SLUG, YEARS, make_app

COLUMNS = ("id", "organization_id", "case_ref", "process", "received_on", "school_year",
           "school", "student_ref", "related_id", "status", "held_on", "agreement",
           "resolution_meeting_on", "settlement", "timeline", "decision_on", "findings",
           "pending_hearing", "placement_changed", "closed_on", "notes", "days_to_held",
           "days_to_closed", "escalated", "created_at", "updated_at")


def main(n: int) -> None:
    from facilitator.adr.generate import rows
    from facilitator.adr.models import school_year_of
    from facilitator.auth.services import create_organization
    from facilitator.extensions import db

    for suffix in ("", "-wal", "-shm"):
        p = DB_PATH.with_name(DB_PATH.name + suffix)
        if p.exists():
            p.unlink()
    app = make_app()
    with app.app_context():
        db.create_all()
        org = create_organization(ORG_SLUG, "Bench State Department of Education", "state")
        db.session.commit()
        org_id = org.id
        db.engine.dispose()
    schools = [f"School {i:03d}" for i in range(400)]
    rng = random.Random(1_000_000)
    start = time.perf_counter()
    ids: dict[str, int] = {}
    out = []
    yn = {"yes": 1, "no": 0, "": None, None: None}
    now = "2025-07-01 00:00:00.000000"
    for i, r in enumerate(rows(rng, n, FIRST_YEAR, YEARS, date(2025, 6, 30), schools=schools,
                               prefix="ST"), start=1):
        ids[r["case_ref"]] = i
        received = date.fromisoformat(r["received_on"])
        held = r.get("held_on")
        closed = r.get("closed_on")
        out.append((
            i, org_id, r["case_ref"], r["process"], r["received_on"], school_year_of(received),
            r["school"], r["student_ref"], ids.get(r.get("related_ref") or ""), r["status"],
            held, r.get("agreement", ""), r.get("resolution_meeting_on"),
            yn[r.get("settlement")], r.get("timeline", ""), r.get("decision_on"),
            yn[r.get("findings")], yn[r.get("pending_hearing")], yn[r.get("placement_changed")],
            closed, r["notes"],
            (date.fromisoformat(held) - received).days if held else None,
            (date.fromisoformat(closed) - received).days if closed else None, 0, now, now))
    generated = time.perf_counter() - start
    con = sqlite3.connect(DB_PATH)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    start = time.perf_counter()
    with con:
        sql = (f"INSERT INTO adr_cases ({', '.join(COLUMNS)}) "  # noqa: S608 - fixed names
               f"VALUES ({', '.join('?' * len(COLUMNS))})")
        con.executemany(sql, out)
    inserted = time.perf_counter() - start
    con.close()
    with app.app_context():
        from facilitator.adr.services import refresh_escalation

        start = time.perf_counter()
        refresh_escalation(org_id)
        db.session.commit()
        escalation = time.perf_counter() - start
        db.session.remove()
        db.engine.dispose()
    con = sqlite3.connect(DB_PATH)
    con.execute("ANALYZE")
    con.close()
    print(f"generated {n:,} cases in {generated:.1f} s, inserted with indexes in "
          f"{inserted:.1f} s, escalation flags in {escalation:.1f} s -> {DB_PATH}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
