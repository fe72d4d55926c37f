"""Demo data for a state dispute-resolution program: districts, a roster of four neutrals
(one Spanish-speaking with an account, one with a conflict with Riverside, one whose training
lapses soon, one kept on file), a year of cases assigned in rotation, requests in every state
(three approved into cases with sessions and one approved payment month), and survey answers
linked to the neutral who served."""

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
from .pay import ProgramSession, apply_outcome, approve, session_amount
from .requests import create_request, decide, record_other_party
from .rotation import propose, respond
from .services import details_for, import_districts, need_for, save_details, settings_for

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
    coordinator = ctx.users.get("coordinator@stateprogram.example")
    if coordinator is not None:
        _requests(org.id, districts, coordinator, today)
    rng = random.Random(18)
    year = school_year_of(today)
    data = list(rows(rng, 60, year - 1, 2, today, schools=SCHOOLS, prefix="SP"))
    import_cases(org.id, to_csv([list(COLUMNS)] + [[r.get(c, "") for c in COLUMNS]
                                                   for r in data]).encode())
    cases = db.session.execute(select(AdrCase).where(
        AdrCase.organization_id == org.id,
        AdrCase.process.in_(("facilitated_iep", "mediation", "due_process")))
        .order_by(AdrCase.received_on, AdrCase.id)).scalars().all()
    cases = [c for c in cases if not c.case_ref.startswith("REQ-")]  # those have a neutral
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
    _surveys(org.id, elena.id, [c for c in cases if c.status == "held"])


#: (days ago, district, process, language, requester, what happened, reason)
REQUESTS = (
    (150, "0703", "mediation", "es", "parent", "approved", ""),
    (130, "0702", "facilitated_iep", "en", "district", "approved", ""),
    (110, "0704", "facilitated_iep", "es", "both", "approved", ""),
    (95, "0701", "mediation", "en", "parent", "declined",
     "Received 24 days after the disputed meeting; the window is 10 days."),
    (80, "0702", "facilitated_iep", "en", "parent", "refused",
     "The district prefers to reconvene the IEP team without a facilitator."),
    (60, "0703", "mediation", "es", "parent", "withdrawn",
     "The family and the school agreed on the services by themselves."),
    (12, "0704", "facilitated_iep", "en", "district", "ready", ""),
    (4, "0701", "mediation", "es", "parent", "awaiting_other", ""),
)
STUDENTS = ("Lucía Ramos", "Owen Parker", "Sofía Medina", "Jayden Brooks", "Mia Chen",
            "Diego Castillo", "Harper Lee", "Valentina Cruz")


def _requests(org_id, districts, coordinator, today) -> None:
    """One request in every state; the approved ones get a neutral, sessions and pay."""
    paid = None
    for (ago, code, process, language, requester, outcome, reason), student in zip(
            REQUESTS, STUDENTS, strict=True):
        made_on = utcnow() - timedelta(days=ago)
        req = create_request(org_id, {
            "requester": requester, "contact_name": "Demo requester " + student.split()[1],
            "contact_email": "", "contact_phone": "555-0100", "student_name": student,
            "student_grade": "5", "district_id": districts[code].id, "school": "",
            "process": process, "concerns": "Reading support and the behavior plan.",
            "disputed_meeting_on": made_on.date() - timedelta(days=7 if ago != 95 else 24),
            "language": language, "interpreter": False, "accessibility": "",
            "consent_share": True})
        req.created_at = made_on
        if outcome in ("approved", "declined", "withdrawn", "ready") and requester != "both":
            record_other_party(req, True, "Agreed by phone.")
        if outcome == "refused":
            record_other_party(req, False, reason)
        if outcome in ("approved", "declined", "withdrawn"):
            case = decide(req, outcome, reason, coordinator, today=made_on.date())
            req.decided_at = made_on + timedelta(days=2)
            if case is not None:
                paid = _serve(org_id, case, made_on) or paid
    if paid is not None:
        approve(org_id, *paid, coordinator)


def _serve(org_id, case, made_on):
    """The approved request's case: proposed, accepted, one held session with an outcome."""
    made = propose(org_id, case.id, need_for(case, details_for(case)),
                   today=made_on.date())
    if made is None:
        return None
    respond(made, "accepted", attested=True)
    made.responded_at = made_on + timedelta(days=4 + case.id % 5)
    on = (made_on + timedelta(days=25)).date()
    neutral = db.session.get(Neutral, made.neutral_id)
    session = ProgramSession(organization_id=org_id, assignment_id=made.id,
                             neutral_id=neutral.id, on=on, kind="held", hours=3, miles=30,
                             outcome="full" if case.process == "facilitated_iep" else "yes")
    session.amount_cents = session_amount(neutral, settings_for(org_id), "held",
                                          session.hours, session.miles)
    db.session.add(session)
    apply_outcome(case, on, "full")
    db.session.flush()
    return neutral, on.replace(day=1)


def _surveys(org_id, neutral_id, held) -> None:
    """Six answers about held cases Elena served (enough to show her results)."""
    from ..adr.services import create_invitations, find_invitation, submit_survey

    mine = [c for c in held if db.session.execute(select(Assignment.id).where(
        Assignment.case_id == c.id, Assignment.neutral_id == neutral_id,
        Assignment.status == "accepted")).first()]
    by_year: dict[int, list] = {}
    for c in mine:
        by_year.setdefault(c.school_year, []).append(c)
    for cases in by_year.values():
        for i, case in enumerate((cases * 6)[:6]):
            token = create_invitations(case, 1, "en")[0]
            submit_survey(find_invitation(token), {
                "raised_concerns": 4, "had_input": 3 + i % 2, "neutral_helpful": 4 - (i == 5),
                "relationship_change": "improved" if i % 3 else "unchanged",
                "use_again": "yes" if i != 4 else "unsure"})
