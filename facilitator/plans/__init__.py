"""Capacity assessments and CADRE-structured capacity action plans."""


def blueprint():
    """The plans blueprint with every view module's routes on it."""
    from . import measured_routes  # noqa: F401 - registers its views on routes.bp
    from .routes import bp

    return bp
