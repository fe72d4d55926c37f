"""The dispute-resolution blueprint (with its `flask adr` commands) and what its view
modules share: the labels every page uses, the organization and the school-year argument."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, request

from .. import access
from . import dashboard as dash
from .cli import register_cli
from .models import (
    AGREEMENT_LABELS,
    PROCESS_LABELS,
    STATUS_LABELS,
    parse_school_year,
    school_year_label,
    school_year_of,
)

bp = Blueprint("adr", __name__, url_prefix="/adr", cli_group="adr")
register_cli(bp)

@bp.app_context_processor
def adr_labels():
    """The labels every dispute-resolution template reads."""
    return {"PROCESS_LABELS": PROCESS_LABELS, "STATUS_LABELS": STATUS_LABELS,
            "AGREEMENT_LABELS": AGREEMENT_LABELS, "school_year_label": school_year_label}


def org_id() -> int:
    """The signed-in user's organization."""
    return access.current_org_id()


def year_arg(default_latest: bool = True) -> int | None:
    """The ``?year=`` school year (404 when malformed), else the newest with cases."""
    raw = request.args.get("year", "")
    if raw:
        year = parse_school_year(raw)
        if year is None:
            abort(404)
        return year
    if not default_latest:
        return None
    years = dash.years(org_id())
    return years[0] if years else school_year_of(date.today())
