"""The meeting room: a display of the shared record for the whole table (projector, TV,
another laptop), pairing a room device by a short code, and the read-back that turns the
summary from draft to final (versioned, corrections shown to the family).

Imports meetings (and links, audit) downward; meetings knows nothing of it except two
hook lists: ``meetings.outcomes.OUTCOME_HOOKS`` (closing a meeting ends its pairings) and
``meetings.summary.FAMILY_SUMMARY`` (the family's copy comes from the final version).
"""


def blueprint():
    """The room blueprint with every room view module on it."""
    from . import (  # noqa: F401 - each module registers its views on the blueprint
        device_routes,
        display_routes,
        readback_routes,
    )
    from .views import bp

    return bp
