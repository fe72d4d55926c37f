"""Dispute-resolution cases: deadlines, CSV import/export, the 618 table, dashboard, surveys."""


def blueprint():
    """The dispute-resolution blueprint with every view module's routes on it, and the
    meeting link (a held meeting updates its case) registered."""
    from . import (  # noqa: F401 - each module registers its views (meeting_link: its hook)
        meeting_link,
        routes,
        survey_routes,
    )
    from .views import bp

    return bp
