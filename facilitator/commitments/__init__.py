"""After the meeting: commitments with owners who can answer, reminders, the family's
view, review dates, and the path from facilitation to resolution."""


def blueprint():
    """The commitments blueprint with every view module's routes on it (and its hooks)."""
    from . import (  # noqa: F401 - each module registers its views (hooks: its listeners)
        funnel_routes,
        hooks,
        paths,
        public_routes,
        routes,
    )
    from .views import bp

    return bp
