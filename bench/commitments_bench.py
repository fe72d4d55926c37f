"""Time the path to resolution (the funnel) for one school year on the benchmark database,
beside minimal GROUP BYs over the same rows measured in the same run.

    ADR_BENCH_DB=/tmp/adr-bench.db .venv/bin/python bench/adr_generate.py   # once: 1,000,000 cases
    ADR_BENCH_DB=/tmp/adr-bench.db .venv/bin/python bench/commitments_bench.py [2020-21]

The first run adds commitments (one or two per held facilitated IEP meeting and
mediation of every year: done on time, done late, not done, open, overdue, cancelled)
and rebuilds the path rows (paths.refresh_students for the organization), timing both.

Baselines, on a plain sqlite3 connection to the same file:
- "minimal held": ``SELECT process, agreement, count(*)`` over the year's held
  facilitated IEPs and mediations in adr_cases: the least the funnel's first stage needs.
- "minimal year": ``SELECT process, status, count(*)`` over every case of the year (the
  baseline of the 618 table in adr_report_bench.py).
Target: ours / baseline <= 2.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta

from adr_common import DB_PATH, ORG_SLUG, make_app, timed

TODAY = date(2025, 6, 30)
STATUSES = (("done", 50), ("late", 15), ("not_done", 10), ("in_progress", 10),
            ("not_started", 10), ("cancelled", 5))


def add_commitments(con: sqlite3.Connection, org_id: int) -> int:
    """One family per student with a held case, and 1-2 commitments per held case."""
    rng = random.Random(17)
    held = con.execute(
        "SELECT id, student_ref, school, held_on FROM adr_cases WHERE organization_id = ? "
        "AND status = 'held' AND process IN ('facilitated_iep', 'mediation')",
        (org_id,)).fetchall()
    now = "2025-07-01 00:00:00.000000"
    families: dict[str, int] = {}
    with con:
        for _, student, school, _held in held:
            if student not in families:
                cur = con.execute(
                    "INSERT INTO families (organization_id, student_name, student_ref, school, "
                    "grade, primary_language, interpreter_needed, notes, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, '', 'English', 0, '', ?, ?)",
                    (org_id, f"Student {student}", student, school, now, now))
                families[student] = cur.lastrowid
        kinds, weights = zip(*STATUSES, strict=True)
        rows = []
        for case_id, student, _, held_on in held:
            held_day = date.fromisoformat(held_on)
            for _ in range(rng.choice((1, 2))):
                kind = rng.choices(kinds, weights)[0]
                due = held_day + timedelta(days=rng.randint(10, 60))
                status, done_on = kind, None
                if kind == "done":
                    done_on = due - timedelta(days=rng.randint(0, 9))
                elif kind == "late":
                    status, done_on = "done", due + timedelta(days=rng.randint(1, 20))
                rows.append((org_id, families[student], case_id, "agreement",
                             "Start the agreed services", "Case manager", "", "en",
                             due.isoformat(), status,
                             done_on.isoformat() if done_on else None, now, now))
        con.executemany(
            "INSERT INTO commitments (organization_id, family_id, case_id, source, task, "
            "owner_name, owner_email, owner_language, due_on, status, done_on, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def main(year_label: str) -> None:
    from facilitator.adr.models import parse_school_year
    from facilitator.auth.models import Organization
    from facilitator.commitments import funnel
    from facilitator.commitments.models import CasePath, Commitment
    from facilitator.commitments.paths import refresh_students
    from facilitator.extensions import db

    print("load average before: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))
    year = parse_school_year(year_label)
    app = make_app()
    con = sqlite3.connect(DB_PATH)
    with app.app_context():
        org_id = db.session.execute(db.select(Organization.id).where(
            Organization.slug == ORG_SLUG)).scalar_one()
        if not db.session.execute(db.select(Commitment.id).limit(1)).first():
            db.session.remove()
            start = time.perf_counter()
            n = add_commitments(con, org_id)
            print(f"added {n:,} commitments in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            refresh_students(org_id)
            db.session.commit()
            print(f"rebuilt the path rows of the organization in "
                  f"{time.perf_counter() - start:.1f} s")
            con.execute("ANALYZE")
        from facilitator.commitments.paths import settle

        print(f"settled {settle(TODAY):,} open cases past a due date (the clock's daily pass)")
        db.session.commit()
        total = db.session.execute(db.select(db.func.count()).select_from(
            db.text("adr_cases"))).scalar()
        in_year = con.execute("SELECT count(*) FROM adr_cases WHERE organization_id = ? AND "
                              "school_year = ?", (org_id, year)).fetchone()[0]
        paths = db.session.execute(db.select(db.func.count(CasePath.case_id)).where(
            CasePath.organization_id == org_id, CasePath.school_year == year)).scalar()
        print(f"{total:,} cases; {in_year:,} received in {year_label}, {paths:,} of them "
              f"held facilitated IEPs and mediations")

        def ours():
            return funnel.funnel(org_id, year, None, TODAY)

        held_sql = ("SELECT process, agreement, count(*) FROM adr_cases WHERE "
                    "organization_id = ? AND school_year = ? AND status = 'held' AND process "
                    "IN ('facilitated_iep', 'mediation') GROUP BY process, agreement")
        year_sql = ("SELECT process, status, count(*) FROM adr_cases WHERE organization_id = ? "
                    "AND school_year = ? GROUP BY process, status")
        # Interleaved rounds: on a shared machine the load moves; each round times all three.
        data = ours()
        rounds = [(timed(ours, 1)[0],
                   timed(lambda: con.execute(held_sql, (org_id, year)).fetchall(), 1)[0],
                   timed(lambda: con.execute(year_sql, (org_id, year)).fetchall(), 1)[0])
                  for _ in range(15)]
        t_ours, t_held, t_year = (statistics.median(r[i] for r in rounds) for i in range(3))
        held_ratio = statistics.median(r[0] / r[1] for r in rounds)
        year_ratio = statistics.median(r[0] / r[2] for r in rounds)
        school = db.session.execute(db.select(CasePath.school).where(
            CasePath.organization_id == org_id, CasePath.school_year == year).limit(1)).scalar()
        t_school, _ = timed(lambda: funnel.funnel(org_id, year, school, TODAY))
    print(f"funnel, one year        {t_ours * 1000:7.1f} ms | minimal held GROUP BY "
          f"{t_held * 1000:6.1f} ms (ratio {held_ratio:4.2f}) | minimal year GROUP BY "
          f"{t_year * 1000:6.1f} ms (ratio {year_ratio:4.2f})  [medians of 15 interleaved "
          f"rounds; ratios are medians of the per-round ratios]")
    print(f"funnel, one school      {t_school * 1000:7.1f} ms")
    print(f"check: held {data['held']:,}, kept {data['kept']}, followed "
          f"{data['escalated']:,} ({data['escalated_rate']}%), split {data['split']}")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2020-21")
