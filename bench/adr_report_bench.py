"""Time the 618 report and the dashboard for one school year on the benchmark database,
each beside raw SQL aggregates over the same rows measured in the same run.

    .venv/bin/python bench/adr_generate.py          # once: 1,000,000 cases
    .venv/bin/python bench/adr_report_bench.py [2020-21]

Two baselines, both on a plain sqlite3 connection to the same file:
- "same SQL raw": the exact statements our code sends (captured while it runs),
  replayed raw; ours / this = the cost of SQLAlchemy and the Python folding.
- "minimal": a hand-written `SELECT process, status, count(*) ... GROUP BY` over the
  same organization and year: the least any per-year aggregate must do.
Target: ours / baseline <= 2, and each under 1 second.
"""

from __future__ import annotations

import os
import re
import sqlite3
import statistics
import sys

from adr_common import DB_PATH, ORG_SLUG, make_app, timed
from sqlalchemy import event

ROUNDS = 11
PASSWORD = "bench-password-long-enough"  # noqa: S105 - throwaway bench account


def capture(engine, fn):
    """Run fn once and return the (sql, params) it sent."""
    sent = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return [(s, p) for s, p in sent if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def main(year_label: str) -> None:
    from facilitator.adr import dashboard, report
    from facilitator.adr.models import AdrCase, parse_school_year
    from facilitator.auth.models import Organization, User
    from facilitator.auth.services import create_user
    from facilitator.extensions import db

    print("load average before: {:.2f} {:.2f} {:.2f} (2 cores, shared)".format(*os.getloadavg()))
    year = parse_school_year(year_label)
    app = make_app()
    con = sqlite3.connect(DB_PATH)
    lines = []
    with app.app_context():
        org = db.session.execute(db.select(Organization).where(
            Organization.slug == ORG_SLUG)).scalar_one()
        total = db.session.execute(db.select(db.func.count(AdrCase.id)).where(
            AdrCase.organization_id == org.id)).scalar()
        in_year = db.session.execute(db.select(db.func.count(AdrCase.id)).where(
            AdrCase.organization_id == org.id, AdrCase.school_year == year)).scalar()
        print(f"{total:,} cases in the organization; {in_year:,} received in {year_label}")

        def replay(statements):
            def go():
                for sql, params in statements:
                    con.execute(sql, params).fetchall()
            return go

        def minimal(sql, args):
            return lambda: con.execute(sql, args).fetchall()

        cases = [
            ("618 table, one year", lambda: report.counts(org.id, year),
             "SELECT process, status, count(*) FROM adr_cases WHERE organization_id = ? "
             "AND school_year = ? GROUP BY process, status", (org.id, year)),
            ("dashboard, one year", lambda: dashboard.year_dashboard(org.id, year),
             "SELECT school, process, status, count(*) FROM adr_cases WHERE "
             "organization_id = ? AND school_year = ? GROUP BY school, process, status",
             (org.id, year)),
            ("trends, 5 years", lambda: dashboard.trends(org.id, last=year),
             "SELECT school_year, process, status, count(*) FROM adr_cases "
             "WHERE organization_id = ? AND school_year BETWEEN ? AND ? "
             "GROUP BY school_year, process, status", (org.id, year - 4, year)),
        ]
        for name, ours, sql, args in cases:
            statements = capture(db.engine, ours)
            # Interleaved rounds (as in commitments_bench.py): on a shared machine the load
            # moves, so each round times all three and the ratios are per-round medians.
            rounds = [(timed(ours, 1)[0], timed(replay(statements), 1)[0],
                       timed(minimal(sql, args), 1)[0]) for _ in range(ROUNDS)]
            t_ours, t_raw, t_min = (statistics.median(r[i] for r in rounds) for i in range(3))
            raw_ratio = statistics.median(r[0] / r[1] for r in rounds)
            min_ratio = statistics.median(r[0] / r[2] for r in rounds)
            lines.append(f"{name:<22} ours {t_ours * 1000:7.1f} ms | same SQL raw "
                         f"{t_raw * 1000:7.1f} ms (ratio {raw_ratio:4.2f}) | minimal "
                         f"GROUP BY {t_min * 1000:6.1f} ms (ratio {min_ratio:5.2f})")
        counts = report.counts(org.id, year)
        assert report.identities(counts) == [], report.identities(counts)

        user = db.session.execute(db.select(User).where(
            User.email == "bench@bench.example")).scalar_one_or_none()
        if user is None:
            create_user(org, "bench@bench.example", "analyst", PASSWORD, check_strength=False)
            db.session.commit()
        db.session.remove()

    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    assert client.post("/login", data={"email": "bench@bench.example", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302

    def page(path):
        def go():
            response = client.get(path)
            assert response.status_code == 200, response.status_code
        return go

    t_page618, _ = timed(page(f"/adr/report?year={year_label}"), repeat=3)
    t_pagedash, _ = timed(page(f"/adr/dashboard?year={year_label}"), repeat=3)
    for line in lines:
        print(line)
    print(f"  [medians of {ROUNDS} interleaved rounds; ratios are medians of the per-round "
          "ratios]")
    print(f"whole page requests:   618 table {t_page618 * 1000:.1f} ms, dashboard (one year "
          f"+ 5-year trends + 400 school rows) {t_pagedash * 1000:.1f} ms")
    print("load average after: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    print(f"check: item 3 = {counts['3']:,}, B15 = "
          f"{report.build_table(counts)['indicators'][0]['value']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2020-21")
