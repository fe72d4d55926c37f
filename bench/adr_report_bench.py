"""Time the 618 report and the dashboard for one school year on the benchmark database,
each beside a raw SQL aggregate over the same rows measured in the same run.

    .venv/bin/python bench/adr_generate.py          # once: 1,000,000 cases
    .venv/bin/python bench/adr_report_bench.py [2020-21]

Baseline: a hand-written `SELECT process, status, count(*) ... GROUP BY` over the
same organization and year, run on a plain sqlite3 connection: the least any
per-year aggregate must do. The ratio is (ours / baseline); target <= 2.
"""

from __future__ import annotations

import re
import sqlite3
import sys

from adr_common import DB_PATH, ORG_SLUG, make_app, timed

PASSWORD = "bench-password-long-enough"  # noqa: S105 - throwaway bench account


def main(year_label: str) -> None:
    from facilitator.adr import dashboard, report
    from facilitator.adr.models import AdrCase, parse_school_year
    from facilitator.auth.models import Organization, User
    from facilitator.auth.services import create_user
    from facilitator.extensions import db

    year = parse_school_year(year_label)
    app = make_app()
    con = sqlite3.connect(DB_PATH)
    with app.app_context():
        org = db.session.execute(db.select(Organization).where(
            Organization.slug == ORG_SLUG)).scalar_one()
        total = db.session.execute(db.select(db.func.count(AdrCase.id)).where(
            AdrCase.organization_id == org.id)).scalar()
        in_year = db.session.execute(db.select(db.func.count(AdrCase.id)).where(
            AdrCase.organization_id == org.id, AdrCase.school_year == year)).scalar()
        print(f"{total:,} cases in the organization; {in_year:,} received in {year_label}")

        def raw(sql: str):
            return lambda: con.execute(sql, (org.id, year)).fetchall()

        base_618 = raw("SELECT process, status, count(*) FROM adr_cases "
                       "WHERE organization_id = ? AND school_year = ? GROUP BY process, status")
        base_dash = raw("SELECT school, process, status, count(*) FROM adr_cases "
                        "WHERE organization_id = ? AND school_year = ? "
                        "GROUP BY school, process, status")
        t_base618, _ = timed(base_618)
        t_618, counts = timed(lambda: report.counts(org.id, year))
        assert report.identities(counts) == [], report.identities(counts)
        t_basedash, _ = timed(base_dash)
        t_dash, data = timed(lambda: dashboard.year_dashboard(org.id, year))
        t_trend, _ = timed(lambda: dashboard.trends(org.id), repeat=3)
        t_base_trend, _ = timed(lambda: con.execute(
            "SELECT school_year, process, status, count(*) FROM adr_cases "
            "WHERE organization_id = ? GROUP BY school_year, process, status",
            (org.id,)).fetchall(), repeat=3)

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

    print(f"618 table ({year_label}):    {t_618 * 1000:8.1f} ms   raw SQL aggregate "
          f"{t_base618 * 1000:8.1f} ms   ratio {t_618 / t_base618:5.2f}")
    print(f"dashboard, one year:     {t_dash * 1000:8.1f} ms   raw SQL aggregate "
          f"{t_basedash * 1000:8.1f} ms   ratio {t_dash / t_basedash:5.2f}")
    print(f"trends, all years:       {t_trend * 1000:8.1f} ms   raw SQL aggregate "
          f"{t_base_trend * 1000:8.1f} ms   ratio {t_trend / t_base_trend:5.2f}")
    print(f"pages (whole request):   618 {t_page618 * 1000:.1f} ms, dashboard with trends "
          f"{t_pagedash * 1000:.1f} ms")
    print(f"year check: {data['total'].get('cases', 0):,} cases on the dashboard, "
          f"item 3 = {counts['3']:,}, B15 = {report.build_table(counts)['indicators'][0]['value']}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2020-21")
