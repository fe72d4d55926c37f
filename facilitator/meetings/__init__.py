"""Meetings: preparation, the live meeting (checklists, prompts, notes, concerns, decisions,
action items, parking lot) and what happens after."""


def blueprint():
    """The meetings blueprint with the views of every meetings view module on it."""
    from . import (  # noqa: F401 - each module registers its views on the blueprint
        checklist_routes,
        closing,
        continuation_routes,
        live_fragments,
        live_routes,
        record_routes,
        routes,
        summary,
        summary_mail,
    )
    from .views import bp

    return bp
