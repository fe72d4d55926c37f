"""Fixtures for commitments: a held meeting with a Spanish-speaking guardian and an outside
provider (both with email addresses), made through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family
from facilitator.meetings.models import MeetingStatus, Participant
from facilitator.meetings.services import create_meeting


@pytest.fixture()
def held_meeting(app):
    """Factory: held_meeting(org, facilitator) -> a meeting held two days ago."""

    counter = iter(range(1, 10_000))

    def factory(org, facilitator=None, school="Cedar Grove Elementary", student_ref=None):
        student_ref = student_ref or f"S-{next(counter)}"
        family = Family(organization_id=org.id, student_name="Mateo Alvarez", school=school,
                        student_ref=student_ref, primary_language="Spanish")
        db.session.add(family)
        db.session.flush()
        db.session.add(Contact(organization_id=org.id, family_id=family.id,
                               name="Lucía Alvarez", role="parent", is_guardian=True,
                               email="lucia@example.org", preferred_language="Spanish"))
        meeting = create_meeting(family, {
            "kind": "facilitated_iep", "starts_at": utcnow() - timedelta(days=2),
            "duration_minutes": 90, "location": "Room 4", "purpose": "Speech services",
            "facilitator_id": facilitator.id if facilitator else None})
        meeting.participants.append(Participant(
            organization_id=org.id, name="Lucía Alvarez", role="parent",
            email="lucia@example.org", language="Spanish"))
        meeting.participants.append(Participant(
            organization_id=org.id, name="Omar Haddad", role="service_provider",
            email="omar@provider.example"))
        meeting.status = MeetingStatus.HELD
        db.session.commit()
        return meeting

    return factory
