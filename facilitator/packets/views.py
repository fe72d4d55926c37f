"""The advocate records blueprint and what its view modules share: the family a record
hangs under, and files sent as private attachments."""

from __future__ import annotations

from flask import Blueprint, send_file

from .. import access
from ..families.models import Family

bp = Blueprint("packets", __name__, url_prefix="/records")


def family_or_404(family_id) -> Family:
    """The family of the current organization named in the URL, or 404."""
    return access.get_or_404(Family, family_id)


def attachment(path, name: str, mimetype: str):
    """A stored file as a download that is never cached nor sniffed as another type."""
    response = send_file(path, mimetype=mimetype, as_attachment=True, download_name=name,
                         conditional=False, etag=False, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
