"""A family whose guardian prefers Spanish, for the translation tests."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.families.models import Contact, Family


def spanish_family(org, primary_language: str = "English") -> Family:
    """Mateo Alvarez; his guardian Lucía's preferred language is Spanish (flushed)."""
    family = Family(organization_id=org.id, student_name="Mateo Alvarez",
                    primary_language=primary_language)
    family.contacts.append(Contact(organization_id=org.id, name="Lucía Alvarez",
                                   preferred_language="Español", is_guardian=True))
    db.session.add(family)
    db.session.flush()
    return family
