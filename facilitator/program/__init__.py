"""The state program: requests, the roster of neutrals, impartial assignment, sessions and pay.

A state (or regional) dispute-resolution program is an SEA organization. It
imports the districts it serves, keeps a roster of neutral facilitators and
mediators, proposes a neutral for each case in rotation among those eligible
(34 CFR 300.506(b)(1) and (b)(3)), logs every neutral passed over with the
reason, and turns sessions into payment requests. Imports ``adr`` and below.
"""


def blueprint():
    """The program blueprint with all its view modules registered."""
    from . import (  # noqa: F401
        assign_routes,
        neutral_routes,
        request_routes,
        roster_routes,
        session_routes,
    )
    from .views import bp

    return bp
