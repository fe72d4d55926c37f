"""Changes to families, contacts and tip files. Functions flush; the view commits."""

from __future__ import annotations

from sqlalchemy import func, or_

from ..db import utcnow
from ..extensions import db
from .models import Contact, Family, TipEntry, TipKind

FAMILY_FIELDS = ("student_name", "student_ref", "school", "grade", "date_of_birth",
                 "primary_language", "interpreter_needed", "notes")
CONTACT_FIELDS = ("name", "role", "is_guardian", "email", "phone", "preferred_language")


class FamilyError(ValueError):
    """A rule about families was broken; the message says what to do."""


def _clean(value):
    return value.strip() if isinstance(value, str) else value


def _ref_taken(org_id: int, ref: str | None, exclude_id: int | None = None) -> bool:
    if not ref:
        return False
    stmt = db.select(func.count(Family.id)).where(
        Family.organization_id == org_id, Family.student_ref == ref)
    if exclude_id is not None:
        stmt = stmt.where(Family.id != exclude_id)
    return db.session.execute(stmt).scalar_one() > 0


def _apply(obj, fields, data: dict) -> None:
    for name in fields:
        if name in data:
            value = _clean(data[name])
            setattr(obj, name, "" if value is None and name not in (
                "student_ref", "date_of_birth") else value)


def create_family(org_id: int, data: dict) -> Family:
    """Add a family (student) to the organization; the reference must be unique."""
    data = {**data, "student_ref": _clean(data.get("student_ref")) or None}
    if _ref_taken(org_id, data["student_ref"]):
        raise FamilyError(f"Another family already uses the reference {data['student_ref']}.")
    family = Family(organization_id=org_id)
    _apply(family, FAMILY_FIELDS, data)
    db.session.add(family)
    db.session.flush()
    return family


def update_family(family: Family, data: dict) -> None:
    """Change a family's details."""
    data = {**data, "student_ref": _clean(data.get("student_ref")) or None}
    if _ref_taken(family.organization_id, data["student_ref"], exclude_id=family.id):
        raise FamilyError(f"Another family already uses the reference {data['student_ref']}.")
    _apply(family, FAMILY_FIELDS, data)
    db.session.flush()


def set_archived(family: Family, archived: bool) -> None:
    """Archive (hide from lists, keep every record) or bring a family back."""
    family.archived_at = utcnow() if archived else None
    db.session.flush()


def search_families(stmt, q: str | None, archived: bool):
    """Extend a scoped SELECT of families with the search text and archive filter."""
    if not archived:
        stmt = stmt.where(Family.archived_at.is_(None))
    if q and q.strip():
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(or_(func.lower(Family.student_name).like(like),
                              func.lower(Family.student_ref).like(like),
                              func.lower(Family.school).like(like)))
    return stmt.order_by(func.lower(Family.student_name), Family.id)


def save_contact(family: Family, data: dict, contact: Contact | None = None) -> Contact:
    """Add a contact to a family, or change one."""
    if contact is None:
        contact = Contact(organization_id=family.organization_id, family=family)
        db.session.add(contact)
    _apply(contact, CONTACT_FIELDS, data)
    db.session.flush()
    return contact


def remove_contact(contact: Contact) -> None:
    db.session.delete(contact)
    db.session.flush()


def add_tip(family: Family, kind: str, text: str, author_id: int | None) -> TipEntry:
    """Add an entry to the family's tip file."""
    if kind not in {k.value for k in TipKind}:
        raise FamilyError(f"Unknown kind of tip '{kind}'.")
    tip = TipEntry(organization_id=family.organization_id, family=family, kind=kind,
                   text=text.strip(), author_id=author_id)
    db.session.add(tip)
    db.session.flush()
    return tip


def update_tip(tip: TipEntry, kind: str, text: str) -> None:
    if kind not in {k.value for k in TipKind}:
        raise FamilyError(f"Unknown kind of tip '{kind}'.")
    tip.kind, tip.text = kind, text.strip()
    db.session.flush()


def remove_tip(tip: TipEntry) -> None:
    db.session.delete(tip)
    db.session.flush()


def tips_by_kind(family: Family) -> list[tuple[TipKind, list[TipEntry]]]:
    """The tip file grouped by kind, in the order the kinds are listed."""
    groups = []
    for kind in TipKind:
        entries = [t for t in family.tips if t.kind == kind]
        if entries:
            groups.append((kind, entries))
    return groups
