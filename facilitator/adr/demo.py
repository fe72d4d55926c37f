"""Demo dispute-resolution data for the district "riverside": a few hundred fictional cases
over three school years, school closures and some survey answers."""

from __future__ import annotations

import random
from datetime import date

from . import services
from .csv_io import import_cases, to_csv
from .generate import rows
from .models import AdrCase, Process, school_year_of
from .rules import COLUMNS


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
