"""The demo state program gives every figure something to show."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator import demo
from facilitator.adr.models import school_year_of
from facilitator.auth.models import Organization
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.program import figures as fig
from facilitator.program.pay import Payment, ProgramSession
from facilitator.program.request_models import ProgramRequest


def test_demo_requests_in_every_state_and_figures_with_something(app):
    demo.load()
    db.session.commit()
    org = db.session.execute(select(Organization).where(
        Organization.slug == "state-program")).scalar_one()
    states = set(db.session.execute(select(ProgramRequest.status).where(
        ProgramRequest.organization_id == org.id)).scalars())
    assert states == {"awaiting_other", "ready", "approved", "declined", "refused",
                      "withdrawn"}
    assert db.session.execute(select(func.count(ProgramSession.id))).scalar_one() >= 3
    assert db.session.execute(select(func.count(Payment.id))).scalar_one() == 1
    year = school_year_of(utcnow().date())
    data = fig.all_figures(org.id, fig.Filters(year), 5)
    assert data["requests"]["received"] == 8 and len(data["requests"]["reasons"]) == 3
    assert data["time"]["assignment"]["n"] == 3 and data["time"]["session"]["n"] == 3
    assert all(data["agreement"][by] for by in fig.AGREEMENT_BY)
    assert any(r["held"] for r in data["agreement"]["neutral"])
    assert data["districts"]
    assert [r for r in data["surveys"]["rows"] if not r["suppressed"]]
