"""Impartial assignment: the next eligible neutral in rotation; each skip logged with why."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from facilitator.adr.models import AdrCase
from facilitator.extensions import db
from facilitator.program import rotation
from facilitator.program.models import (
    Assignment,
    Neutral,
    NeutralConflict,
    NeutralTraining,
    ProgramDistrict,
    ProgramSettings,
    RotationEntry,
)
from facilitator.program.rotation import Facts, Need, Reason, Rules

TODAY = date(2026, 12, 6)
RULES = Rules(min_initial_hours=18, refresher_years=2, conflict_years=3)
NEED = Need(process="mediation", district_id=7, region="North", language="es")


def _ok(i: int, **kw) -> Facts:
    base = dict(neutral_id=i, processes={"mediation"}, languages={"en", "es"},
                regions={"North"}, initial_hours=40, qualified_until=TODAY + timedelta(days=300),
                caseload_limit=3)
    return Facts(**{**base, **kw})


@pytest.mark.parametrize("change, reason", [
    ({"active": False}, Reason.INACTIVE),
    ({"processes": {"facilitated_iep"}}, Reason.PROCESS),
    ({"contract_end": TODAY - timedelta(days=1)}, Reason.CONTRACT),
    ({"contract_start": TODAY + timedelta(days=1)}, Reason.CONTRACT),
    ({"initial_hours": 12}, Reason.TRAINING),
    ({"qualified_until": TODAY - timedelta(days=1)}, Reason.TRAINING),
    ({"qualified_until": None}, Reason.TRAINING),
    ({"sea_employee": True}, Reason.SEA_EMPLOYEE),
    ({"conflict_districts": {7}}, Reason.CONFLICT),
    ({"languages": {"en"}}, Reason.LANGUAGE),
    ({"regions": {"South"}}, Reason.REGION),
    ({"away": [(TODAY - timedelta(days=2), TODAY + timedelta(days=2))]}, Reason.AWAY),
    ({"open_cases": 3}, Reason.CAPACITY),
    ({"refused_this_case": True}, Reason.THIS_CASE),
])
def test_each_rule_passes_a_neutral_over_with_its_reason(change, reason):
    assert rotation.evaluate(_ok(1), NEED, RULES, TODAY) == []
    assert rotation.evaluate(_ok(1, **change), NEED, RULES, TODAY) == [reason]


def test_an_interpreter_lifts_the_language_rule_and_a_prior_case_with_the_family_counts():
    english = _ok(1, languages={"en"})
    assert rotation.evaluate(english, Need(**{**NEED.__dict__, "interpreter": True}),
                             RULES, TODAY) == []
    prior = _ok(2, prior_students={"S-1"})
    assert rotation.evaluate(prior, Need(**{**NEED.__dict__, "student_ref": "S-1"}),
                             RULES, TODAY) == [Reason.PRIOR_FAMILY]


def test_the_worked_example_longest_waiting_first_and_skips_keep_their_place():
    """Ana (never assigned) has a conflict with district 7; Ben was assigned in March;
    Cruz in January. Order: Ana, Cruz, Ben. Ana is passed over (conflict), Cruz is proposed."""
    ana = _ok(1, conflict_districts={7})
    ben = _ok(2, last_assigned_at=datetime(2026, 3, 1, tzinfo=UTC))
    cruz = _ok(3, last_assigned_at=datetime(2026, 1, 5, tzinfo=UTC))
    chosen, passed = rotation.next_in_rotation([ben, cruz, ana], NEED, RULES, TODAY)
    assert chosen is cruz
    assert [(pos, f.neutral_id, reasons) for pos, f, reasons in passed] == \
        [(1, 1, [Reason.CONFLICT])]
    # For a case in another district Ana, who kept her place, is first.
    other = Need(**{**NEED.__dict__, "district_id": 8})
    assert rotation.next_in_rotation([ben, cruz, ana], other, RULES, TODAY)[0] is ana


def test_nobody_eligible_passes_everyone_over():
    chosen, passed = rotation.next_in_rotation([_ok(1, active=False), _ok(2, open_cases=9)],
                                               NEED, RULES, TODAY)
    assert chosen is None and [r for _, _, r in passed] == [[Reason.INACTIVE], [Reason.CAPACITY]]


# --- against the database: the log an auditor reads ---------------------------------------


@pytest.fixture()
def program(make_org):
    org = make_org("state-program", kind="state")
    db.session.add(ProgramSettings(organization_id=org.id, conflict_years=3))
    north = ProgramDistrict(organization_id=org.id, code="0701", name="Riverside USD",
                            region="North")
    db.session.add(north)
    db.session.flush()

    def neutral(name, **kw):
        n = Neutral(organization_id=org.id, name=name, processes="mediation,facilitated_iep",
                    languages=kw.pop("languages", "en"), regions="North", caseload_limit=2, **kw)
        n.trainings.append(NeutralTraining(on=TODAY - timedelta(days=200), kind="initial",
                                           hours=40))
        db.session.add(n)
        db.session.flush()
        return n

    ana = neutral("Ana Ruiz", languages="en,es")
    ana.conflicts.append(NeutralConflict(district_id=north.id, relation="employee",
                                         ended_on=TODAY - timedelta(days=365)))
    ben = neutral("Ben Okafor")
    cruz = neutral("Cruz Delgado", languages="en,es")
    db.session.commit()
    return org, north, ana, ben, cruz


def _case(org, ref="S-100"):
    case = AdrCase(organization_id=org.id, case_ref=f"M-{ref}", process="mediation",
                   received_on=TODAY, school_year=2026, student_ref=ref)
    db.session.add(case)
    db.session.flush()
    return case


def test_propose_logs_every_neutral_passed_over_and_rotates(program):
    org, north, ana, ben, cruz = program
    need = Need(process="mediation", district_id=north.id, region="North", language="es",
                student_ref="S-100")
    case = _case(org)
    first = rotation.propose(org.id, case.id, need, today=TODAY)
    db.session.commit()
    # Ana: conflict (worked for Riverside a year ago, within 3 years); Ben: no Spanish.
    assert first.neutral_id == cruz.id
    log = db.session.execute(select(RotationEntry).where(RotationEntry.case_id == case.id)
                             .order_by(RotationEntry.id)).scalars().all()
    assert [(e.neutral_id, e.decision, e.reasons, e.position) for e in log] == [
        (ana.id, "skipped", "conflict", 1), (ben.id, "skipped", "language", 2),
        (cruz.id, "proposed", "", 3)]

    # Cruz declines: the case goes to the next eligible; Cruz is not proposed again for it.
    rotation.respond(first, "declined", reason="Away that week")
    second = rotation.propose(org.id, case.id, need, today=TODAY)
    assert second is None  # Ana conflicted, Ben no Spanish, Cruz declined this case
    reasons = db.session.execute(select(RotationEntry.reasons).where(
        RotationEntry.case_id == case.id, RotationEntry.neutral_id == cruz.id,
        RotationEntry.decision == "skipped")).scalar_one()
    assert reasons == "this_case"

    # With an interpreter arranged, Ben can take it.
    third = rotation.propose(org.id, case.id, Need(**{**need.__dict__, "interpreter": True}),
                             today=TODAY)
    assert third.neutral_id == ben.id


def test_a_conflict_ends_after_the_configured_years_and_acceptance_needs_an_attestation(program):
    org, north, ana, ben, cruz = program
    db.session.execute(db.update(ProgramSettings).values(conflict_years=0))
    need = Need(process="mediation", district_id=north.id, region="North", language="es")
    case = _case(org)
    a = rotation.propose(org.id, case.id, need, today=TODAY)
    assert a.neutral_id == ana.id  # the conflict ended a year ago: past the 0-year window
    with pytest.raises(ValueError, match="no conflict"):
        rotation.respond(a, "accepted")
    rotation.respond(a, "accepted", attested=True)
    assert a.status == "accepted" and a.attested_no_conflict
    with pytest.raises(ValueError, match="already been answered"):
        rotation.respond(a, "declined")


def test_capacity_counts_open_cases_and_parties_may_choose_only_an_eligible_neutral(program):
    org, north, ana, ben, cruz = program
    need = Need(process="mediation", district_id=north.id, region="North")
    for i in range(2):
        rotation.choose(org.id, _case(org, f"S-{i}").id, ben.id, need, today=TODAY)
    with pytest.raises(ValueError, match="over capacity"):
        rotation.choose(org.id, _case(org, "S-9").id, ben.id, need, today=TODAY)
    assert db.session.execute(select(db.func.count(Assignment.id))).scalar_one() == 2


def test_lapsing_training_is_listed_before_it_lapses(program):
    org, north, ana, ben, cruz = program
    for t in cruz.trainings:
        t.on = TODAY - timedelta(days=700)  # refresher due in about 30 days
    db.session.commit()
    names = [n.name for n, _ in rotation.lapsing(org.id, today=TODAY)]
    assert names == ["Cruz Delgado"]
