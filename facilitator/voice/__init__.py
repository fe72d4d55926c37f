"""The family's voice before the meeting: a guardian's short form through a link from
outside (no account, in their language), read by the facilitator on the Prepare page."""


def blueprint():
    """The voice blueprint with its view modules, and its hooks into the meetings mail."""
    from . import hooks, routes, staff_routes  # noqa: F401 - they register themselves
    from .routes import bp

    return bp
