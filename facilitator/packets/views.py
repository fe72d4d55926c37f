"""The advocate records blueprint and what its view modules share: the family a record
hangs under, and files sent as private attachments."""

from __future__ import annotations

from flask import Blueprint

from .. import access
from ..families.models import Family

bp = Blueprint("packets", __name__, url_prefix="/records")


def family_or_404(family_id) -> Family:
    """The family of the current organization named in the URL, or 404."""
    return access.get_or_404(Family, family_id)
