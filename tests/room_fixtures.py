"""Room display fixtures (tests/room and tests/browser): a meeting with some of everything on
its board, and private things planted as canaries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family, TipEntry
from facilitator.meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from facilitator.meetings.models import ChecklistProgress, Reflection
from facilitator.meetings.notes import save_note
from facilitator.meetings.services import create_meeting

#: Private text that must never reach the display, one per private place.
CANARIES = {"notes": "CANARY-NOTES-7f3", "tip": "CANARY-TIP-91a", "reflection": "CANARY-REFL-2c8",
            "checklist": "CANARY-CHECK-5d0", "positions": "CANARY-POSITION-44b"}


@pytest.fixture()
def canaries() -> dict:
    return dict(CANARIES)


@pytest.fixture()
def room_meeting(make_user):
    """Factory: room_meeting(user=None, language="Spanish") -> (user, meeting)."""

    def factory(user=None, language: str = "English"):
        user = user or make_user(role="facilitator", name="Luis Moreno")
        org = user.organization
        family = Family(organization_id=org.id, student_name="Mateo Alvarez",
                        primary_language=language)
        db.session.add(family)
        family.contacts.append(Contact(organization_id=org.id, name="Lucía Alvarez",
                                       role="parent", preferred_language=language))
        family.tips.append(TipEntry(organization_id=org.id, kind="frustration",
                                    author_id=user.id, text=f"Tip {CANARIES['tip']}"))
        db.session.flush()
        meeting = create_meeting(family, {
            "kind": "facilitated_iep", "starts_at": utcnow() + timedelta(minutes=5),
            "duration_minutes": 90, "location": "Room B", "facilitator_id": user.id,
            "purpose": "Speech services"})
        save_note(meeting, f"Private notes {CANARIES['notes']}", 0, user.id)
        meeting.reflection = Reflection(organization_id=org.id,
                                        what_worked=f"Worked {CANARIES['reflection']}")
        db.session.add(ChecklistProgress(organization_id=org.id, meeting_id=meeting.id,
                                         phase="during", item_key="x", done=True,
                                         note=f"Note {CANARIES['checklist']}"))
        db.session.add_all([
            Concern(organization_id=org.id, meeting_id=meeting.id, title="Speech minutes",
                    positions=f"Parent wants 4 h {CANARIES['positions']}",
                    interests="Mateo is understood by friends", options="Push-in\nPull-out",
                    agreement="Two 30-minute sessions a week", status="agreed"),
            Decision(organization_id=org.id, meeting_id=meeting.id,
                     text="Start speech services on 1 March", agreed_by="Team"),
            ActionItem(organization_id=org.id, meeting_id=meeting.id,
                       task="Send the speech schedule", owner="Ms. Chen",
                       due_date=date(2027, 3, 1)),
            ParkingLotItem(organization_id=org.id, meeting_id=meeting.id,
                           text="Bus route change"),
        ])
        db.session.commit()
        return user, meeting

    return factory
