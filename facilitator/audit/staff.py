"""Who can read the organization's family records (34 CFR 300.623(d)).

Generated from the live permissions: active users and the capabilities
:data:`facilitator.access.ROLE_CAPABILITIES` gives their roles. Reading family
records is open to every role of the organization (access.py); should a role
ever lose it, a ``read_families`` capability there decides instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..access import ROLE_CAPABILITIES
from ..auth.models import Role, User
from ..extensions import db

READ_CAPABILITY = "read_families"

#: What each capability means for family records, as shown on the list.
CAPABILITY_LABELS = {
    "edit_families": "edits families and tip files",
    "edit_records": "keeps documents and record packets",
    "edit_meetings": "prepares and runs meetings (notes)",
    "edit_cases": "records dispute-resolution cases",
    "manage_users": "manages users",
}


def reading_roles() -> list[str]:
    """Roles whose holders can read family records today."""
    gated = any(READ_CAPABILITY in caps for caps in ROLE_CAPABILITIES.values())
    return [r.value for r in Role
            if r in ROLE_CAPABILITIES and (not gated or READ_CAPABILITY in ROLE_CAPABILITIES[r])]


@dataclass
class StaffRow:
    name: str
    position: str
    role: str
    email: str
    can: str


def staff_with_access(org_id: int) -> list[StaffRow]:
    """Every active user of the organization who can read family records, by name."""
    users = db.session.execute(
        db.select(User).where(User.organization_id == org_id, User.active.is_(True),
                              User.role.in_(reading_roles()))
        .order_by(User.name, User.email)).scalars()
    rows = []
    for u in users:
        caps = ROLE_CAPABILITIES.get(u.role, frozenset())
        does = ["reads every family's records"] + [
            label for cap, label in CAPABILITY_LABELS.items() if cap in caps]
        rows.append(StaffRow(name=u.display_name, position=u.position or "", role=u.role_label,
                             email=u.email, can="; ".join(does)))
    return rows
