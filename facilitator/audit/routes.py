"""The record of access pages, its CSV export, and the staff access list."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import date

from flask import Blueprint, Response, current_app, render_template, send_file

from .. import access
from ..extensions import db
from ..families.models import Family
from ..web import protect
from . import services, staff
from .models import Action, RecordKind

bp = Blueprint("audit", __name__)


@bp.get("/families/<int:family_id>/record-of-access")
@access.signed_in
def family_record(family_id: int):
    """Who viewed, downloaded, exported or disclosed this family's records, newest first."""
    family = access.get_or_404(Family, family_id)
    page = db.paginate(services.entries_query(family.organization_id, family.id),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("audit/family_record.html", family=family, page=page)


def recent_entries(family_id: int, limit: int = 10) -> list:
    """The newest entries of a family's record of access (shown on the family page)."""
    return list(db.session.execute(
        services.entries_query(access.current_org_id(), family_id).limit(limit)).scalars())


def _spool_csv(rows) -> tempfile.SpooledTemporaryFile:
    """Formula-safe CSV (UTF-8 with BOM) in a temporary file: on disk once it is large."""
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    for row in rows:
        writer.writerow([protect(c) for c in row])
    text.flush()
    text.detach()
    spool.seek(0)
    return spool


def _csv_response(spool, filename: str) -> Response:
    response = send_file(spool, mimetype="text/csv", as_attachment=True,
                         download_name=filename, conditional=False, etag=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/admin/record-of-access.csv")
@access.require("manage_settings")
def export_csv():
    """Download the organization's whole record of access as CSV (the export is recorded)."""
    spool = _spool_csv(services.csv_rows(access.current_org_id()))
    services.record(Action.EXPORTED, RecordKind.ACCESS_RECORD_EXPORT, None)
    db.session.commit()
    return _csv_response(spool, f"record-of-access-{date.today().isoformat()}.csv")


@bp.get("/admin/staff-access")
@access.require("manage_users")
def staff_list():
    """Names and positions of everyone who can read the organization's family records."""
    rows = staff.staff_with_access(access.current_org_id())
    return render_template("audit/staff.html", rows=rows, roles=staff.reading_roles())


@bp.get("/admin/staff-access.csv")
@access.require("manage_users")
def staff_csv():
    """The staff access list as CSV: name, position, role, email, what they can do."""
    rows = staff.staff_with_access(access.current_org_id())
    spool = _spool_csv([["name", "position", "role", "email", "what they can do"]]
                       + [[r.name, r.position, r.role, r.email, r.can] for r in rows])
    return _csv_response(spool, f"staff-access-{date.today().isoformat()}.csv")


@bp.app_context_processor
def _helpers() -> dict:
    return {"recent_access": recent_entries}
