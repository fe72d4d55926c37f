"""Factories for meeting tests: a family and a meeting planned through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.services import create_meeting


@pytest.fixture()
def make_family(app):
    def factory(org, name: str = "Maya Lopez", **kw) -> Family:
        family = Family(organization_id=org.id, student_name=name, **kw)
        db.session.add(family)
        db.session.commit()
        return family

    return factory


@pytest.fixture()
def make_meeting(app, make_family):
    def factory(org, family=None, when=None, **kw):
        family = family or make_family(org)
        data = {"kind": "facilitated_iep", "starts_at": when or utcnow() + timedelta(days=3),
                "duration_minutes": 90, "location": "Room 12", "purpose": "Annual goals",
                **kw}
        meeting = create_meeting(family, data)
        db.session.commit()
        return meeting

    return factory
