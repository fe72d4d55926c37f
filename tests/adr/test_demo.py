"""The demo loads a few hundred riverside cases over three school years, all valid."""

from __future__ import annotations

from facilitator import demo
from facilitator.adr import report
from facilitator.adr.csv_io import export_csv, import_cases
from facilitator.adr.models import AdrCase, SurveyResponse
from facilitator.extensions import db


def test_demo_cases(app):
    ctx = demo.load()
    db.session.commit()
    org = ctx.orgs["riverside"]
    years = db.session.execute(db.select(AdrCase.school_year, db.func.count()).where(
        AdrCase.organization_id == org.id).group_by(AdrCase.school_year)).all()
    assert len(years) == 3 and sum(n for _, n in years) >= 300
    for year, _ in years:
        assert report.identities(report.counts(org.id, year)) == []
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar() > 20
    # The demo's own export re-imports unchanged.
    text = export_csv(org.id)
    assert import_cases(org.id, text.encode()).updated >= 300
    assert export_csv(org.id) == text
