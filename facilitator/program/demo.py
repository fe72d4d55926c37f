"""Demo data for a state dispute-resolution program: districts, a roster of four neutrals
(one Spanish-speaking with an account, one with a conflict with Riverside, one whose training
lapses soon, one kept on file), and a year of cases assigned in rotation."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import select

from ..adr.csv_io import import_cases, to_csv
from ..adr.generate import rows
from ..adr.models import AdrCase, school_year_of
from ..adr.rules import COLUMNS
from ..db import utcnow
from ..extensions import db
from ..families.models import Family
from ..meetings.services import create_meeting
from .models import Assignment, Neutral, NeutralConflict, NeutralTraining, ProgramDistrict
from .rotation import propose, respond
from .services import import_districts, need_for, save_details, settings_for

DIRECTORY = b"""district_id,name,region
0701,Riverside Unified School District,North
0702,Hill County School District,North
0703,Lakeshore School District,South
0704,Mesa Verde Unified School District,South
"""
SCHOOLS = ("Riverside High", "Hill County Middle", "Lakeshore Elementary", "Mesa Verde High")


def load(ctx) -> None:
    """The state program's districts, roster and cases (flushes, does not commit)."""
    org = ctx.orgs.get("state-program")
    if org is None:
        return
    today = utcnow().date()
    settings_for(org.id)
    import_districts(org.id, DIRECTORY)
    districts = {d.code: d for d in db.session.execute(select(ProgramDistrict).where(
        ProgramDistrict.organization_id == org.id)).scalars()}
    neutral_user = ctx.users.get("neutral@stateprogram.example")

    def neutral(name, email, languages, regions, trained_days_ago, **kw):
        n = Neutral(organization_id=org.id, name=name, email=email, languages=languages,
                    regions=regions, processes="facilitated_iep,mediation,"
                                                "resolution_facilitation",
                    caseload_limit=kw.pop("caseload_limit", 6), rate_session_cents=45000,
                    rate_hour_cents=9000, rate_mile_cents=67,
                    contract_start=today - timedelta(days=400),
                    contract_end=today + timedelta(days=330), **kw)
        n.trainings.append(NeutralTraining(on=today - timedelta(days=trained_days_ago),
                                           kind="initial", hours=40,
                                           title="Special education mediation, 40 hours"))
        db.session.add(n)
        return n

    elena = neutral("Elena Vargas", "neutral@stateprogram.example", "en,es", "North,South", 200,
                    user_id=neutral_user.id if neutral_user else None)
    ben = neutral("Ben Okafor", "ben.okafor@mediators.example", "en", "North", 300)
    neutral("Carla Nguyen", "carla.nguyen@mediators.example", "en", "North,South",
            2 * 365 - 30)  # the refresher falls due in about a month
    neutral("Dale Porter", "dale.porter@mediators.example", "en", "South", 900, active=False)
    db.session.flush()
    ben.conflicts.append(NeutralConflict(district_id=districts["0701"].id, relation="employee",
                                         ended_on=today - timedelta(days=420),
                                         note="School psychologist at Riverside until last "
                                              "year."))
    rng = random.Random(18)
    year = school_year_of(today)
    data = list(rows(rng, 60, year - 1, 2, today, schools=SCHOOLS, prefix="SP"))
    import_cases(org.id, to_csv([list(COLUMNS)] + [[r.get(c, "") for c in COLUMNS]
                                                   for r in data]).encode())
    cases = db.session.execute(select(AdrCase).where(
        AdrCase.organization_id == org.id,
        AdrCase.process.in_(("facilitated_iep", "mediation", "due_process")))
        .order_by(AdrCase.received_on, AdrCase.id)).scalars().all()
    codes = sorted(districts)
    for case in cases:
        district = districts[codes[SCHOOLS.index(case.school) if case.school in SCHOOLS
                                   else rng.randrange(len(codes))]]
        details = save_details(case, district, "es" if rng.random() < 0.3 else "en",
                               False, None)
        made = propose(org.id, case.id, need_for(case, details), today=case.received_on)
        if made is not None and (case.closed_on is None or rng.random() < 0.9):
            respond(made, "accepted", attested=True)
    # The newest open case of Elena's gets a family and a meeting: what she sees signed in.
    mine = [c for c in cases if c.closed_on is None and db.session.execute(
        select(Assignment.id).where(Assignment.case_id == c.id,
                                    Assignment.neutral_id == elena.id,
                                    Assignment.status == "accepted")).first()]
    if mine:
        case = mine[-1]
        family = Family(organization_id=org.id, student_name="Mateo Herrera",
                        student_ref=case.student_ref, school=case.school or "",
                        primary_language="Spanish", interpreter_needed=False)
        db.session.add(family)
        db.session.flush()
        meeting = create_meeting(family, {
            "kind": "facilitated_iep", "starts_at": utcnow() + timedelta(days=6),
            "duration_minutes": 120, "location": "Lakeshore District Office, Room 2",
            "purpose": "Agree on reading support and the behavior plan"})
        case.family_id, case.meeting_id = family.id, meeting.id
    db.session.flush()
