"""The state program: requests, the roster of neutrals, impartial assignment, sessions and pay.

A state (or regional) dispute-resolution program is an SEA organization. It
imports the districts it serves, keeps a roster of neutral facilitators and
mediators, proposes a neutral for each case in rotation among those eligible
(34 CFR 300.506(b)(1) and (b)(3)), logs every neutral passed over with the
reason, and turns sessions into payment requests. Imports ``adr`` and below.
"""


def blueprint():
    """The program blueprint with all its view modules registered."""
    from ..adr.services import SURVEY_HOOKS
    from . import (  # noqa: F401
        assign_routes,
        figure_routes,
        neutral_routes,
        request_routes,
        roster_routes,
        session_routes,
    )
    from .figures import note_survey_neutral
    from .views import bp

    if note_survey_neutral not in SURVEY_HOOKS:
        SURVEY_HOOKS.append(note_survey_neutral)
    return bp
