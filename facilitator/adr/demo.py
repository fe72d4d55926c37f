"""Demo dispute-resolution data for the district "riverside": a few hundred fictional cases
over three school years, school closures and some survey answers."""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import services
from .csv_io import import_cases, to_csv
from .generate import SCHOOLS, rows
from .models import AdrCase, Process, school_year_of
from .rules import COLUMNS

#: The district's pilot schools for early resolution (the plans demo groups them).
PILOT_SCHOOLS = ("Cedar Hills Middle School", "North Ridge Middle School",
                 "Riverside High School")


def _pilot_year(org_id: int, today: date, current: int) -> None:
    """This school year so far: facilitated IEPs in the pilot schools end in full
    agreement, elsewhere many end without one (the plan demo's pilot is on track, the
    rest of the district is not)."""
    start = date(current, 7, 1)
    span = max((today - start).days, 0)
    others = [s for s in SCHOOLS if s not in PILOT_SCHOOLS]
    for i in range(40):
        pilot = i % 2 == 0
        received = start + timedelta(days=span * i // 40)
        held = min(received + timedelta(days=8 + i % 15), today)
        services.save_case(org_id, {
            "case_ref": f"RV-PILOT-{i:03d}", "process": Process.FACILITATED_IEP.value,
            "status": "held", "received_on": received, "held_on": held,
            "closed_on": held, "agreement": "full" if pilot else "none",
            "school": PILOT_SCHOOLS[i % 3] if pilot else others[i % len(others)],
            "student_ref": f"SP{i:05d}"})


def load(ctx) -> None:
    """Add the riverside cases (flushes, does not commit)."""
    from ..extensions import db

    org = ctx.orgs["riverside"]
    rng = random.Random(2026)
    today = date.today()
    current = school_year_of(today)
    data = list(rows(rng, 360, current - 2, 3, today))
    body = to_csv([list(COLUMNS)] + [[r.get(c, "") for c in COLUMNS] for r in data])
    import_cases(org.id, body.encode())
    _pilot_year(org.id, today, current)
    for year in (current - 2, current - 1, current):
        services.add_closures(org.id, date(year, 12, 22), date(year + 1, 1, 2), "Winter break")
        services.add_closures(org.id, date(year + 1, 3, 23), date(year + 1, 3, 27),
                              "Spring break")
    held = db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == org.id, AdrCase.status == "held",
        AdrCase.process.in_((Process.FACILITATED_IEP.value, Process.MEDIATION.value)))
        .order_by(AdrCase.id)).scalars().all()
    for case in rng.sample(held, min(len(held), 90)):
        for token in services.create_invitations(case, rng.randint(1, 2)):
            inv = services.find_invitation(token)
            services.submit_survey(inv, {
                "raised_concerns": rng.choice([2, 3, 3, 4, 4]),
                "had_input": rng.choice([2, 3, 4, 4]),
                "neutral_helpful": rng.choice([2, 3, 4, 4, 4, None]),
                "relationship_change": rng.choice(["improved", "improved", "unchanged",
                                                   "worse"]),
                "use_again": rng.choice(["yes", "yes", "yes", "unsure", "no"])})
    db.session.flush()
