"""A state program with districts, three neutrals and a case, for the program's tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitator.adr.models import AdrCase
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.services import create_meeting
from facilitator.program.models import Neutral, NeutralConflict, NeutralTraining, ProgramDistrict


@pytest.fixture()
def state(make_org, make_user):
    """The program organization, its districts, three neutrals (one conflicted with Riverside,
    one Spanish-speaking, one with an account), a mediation case with a meeting, and another
    family's meeting (which no neutral of that case may open)."""
    org = make_org("state-program", kind="state")
    today = utcnow().date()
    riverside = ProgramDistrict(organization_id=org.id, code="0701", name="Riverside USD",
                                region="North")
    hill = ProgramDistrict(organization_id=org.id, code="0702", name="Hill County SD",
                           region="North")
    db.session.add_all([riverside, hill])
    db.session.flush()
    neutral_user = make_user("neutral", org=org, email="cruz@mediators.example",
                             name="Cruz Delgado")
    people = {}
    for name, langs, email, user in (("Ana Ruiz", "en,es", "ana@mediators.example", None),
                                     ("Ben Okafor", "en", "ben@mediators.example", None),
                                     ("Cruz Delgado", "en,es", "cruz@mediators.example",
                                      neutral_user)):
        n = Neutral(organization_id=org.id, name=name, email=email, languages=langs,
                    processes="mediation,facilitated_iep", regions="North", caseload_limit=3,
                    user_id=user.id if user else None, rate_session_cents=45000)
        n.trainings.append(NeutralTraining(on=today - timedelta(days=100), kind="initial",
                                           hours=40))
        db.session.add(n)
        people[name.split()[0].lower()] = n
    db.session.flush()
    people["ana"].conflicts.append(NeutralConflict(district_id=riverside.id))
    family = Family(organization_id=org.id, student_name="Canary Student", student_ref="S-77")
    db.session.add(family)
    db.session.flush()
    meeting = create_meeting(family, {"kind": "mediation" if False else "facilitated_iep",
                                      "starts_at": utcnow() + timedelta(days=5),
                                      "duration_minutes": 90, "location": "Room 4",
                                      "purpose": "Mediation session"})
    other_family = Family(organization_id=org.id, student_name="Other Child")
    db.session.add(other_family)
    db.session.flush()
    other = create_meeting(other_family, {"kind": "facilitated_iep",
                                          "starts_at": meeting.starts_at,
                                          "duration_minutes": 60, "location": "Room 9",
                                          "purpose": "Another family's meeting"})
    case = AdrCase(organization_id=org.id, case_ref="M-2026-001", process="mediation",
                   received_on=today, school_year=2026, student_ref="S-77",
                   family_id=family.id, meeting_id=meeting.id)
    db.session.add(case)
    db.session.commit()
    return {"org": org, "riverside": riverside, "hill": hill, "case": case,
            "meeting": meeting, "other_meeting": other, "family": family,
            "neutral_user": neutral_user, **people}
