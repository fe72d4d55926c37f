"""The record of access (34 CFR 300.614, FERPA 34 CFR 99.32).

Features call one function, :func:`record`, in the same transaction as the
access it records; the view's commit carries the entry. Entries are
append-only and hash-chained per organization (see :mod:`.models`).
"""

from __future__ import annotations

from .models import Action, RecordKind
from .services import AuditError, record

__all__ = ["Action", "AuditError", "RecordKind", "record"]
