"""Advocate records: a family's documents, timeline, decision log and record packets."""


def blueprint():
    """The records blueprint with every view module's routes on it, and the timeline
    providers of the meetings and dispute-resolution features registered."""
    from . import (  # noqa: F401 - each module registers its views (providers: its sources)
        packet_routes,
        providers,
        routes,
        timeline_routes,
    )
    from .views import bp

    return bp
