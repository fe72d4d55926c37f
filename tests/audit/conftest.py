"""Fixtures for the record of access and parents' rights: a family with some of everything."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from facilitator.adr.models import AdrCase
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.families.models import Contact, Family, TipEntry
from facilitator.meetings import continuation
from facilitator.meetings.notes import ensure_note, save_note
from facilitator.meetings.services import create_meeting
from facilitator.packets import services as packet_services
from facilitator.voice.models import FamilyConcern, FamilyInput


def pdf_bytes(text: str) -> bytes:
    from facilitator.packets.pdftext import text_pdf_bytes

    return text_pdf_bytes([("p", text)], "test")


@pytest.fixture()
def full_family(app):
    """Factory: full_family(org, user, canary) -> Family with ``canary`` in every record."""

    def factory(org, user, canary: str = "nothing-special") -> Family:
        family = Family(organization_id=org.id, student_name=f"Student {canary}",
                        student_ref=f"ref-{canary}", school="Lincoln Elementary", grade="4",
                        notes=f"family notes {canary}")
        db.session.add(family)
        db.session.flush()
        db.session.add(Contact(organization_id=org.id, family=family, name=f"Parent {canary}",
                               email="parent@example.org"))
        db.session.add(TipEntry(organization_id=org.id, family=family, kind="joy",
                                text=f"Loves trains {canary}"))
        packet_services.add_document_bytes(family, f"letter-{canary}.txt",
                                           f"A letter about {canary}\n".encode(), user=user)
        packet_services.add_document_bytes(family, "report.pdf", pdf_bytes(f"report {canary}"),
                                           user=user)
        packet_services.add_event(family, event_date=date(2025, 9, 1), kind="concern",
                                  description=f"Concern raised {canary}")
        packet_services.add_decision(family, decided_on=date(2025, 9, 5),
                                     what=f"Decided {canary}", approved_by="IEP team")
        meeting = create_meeting(family, {
            "kind": "facilitated_iep", "starts_at": utcnow() - timedelta(days=2),
            "duration_minutes": 60, "location": "Room 4", "purpose": f"Purpose {canary}"})
        note = ensure_note(meeting)
        db.session.flush()
        for n in range(3):
            save_note(meeting, f"notes version {n} {canary} " + "x" * 3000, note.version,
                      user.id)
        item = FamilyInput(organization_id=org.id, meeting_id=meeting.id, family_id=family.id,
                           guardian_name=f"Parent {canary}", status="shared",
                           strengths=f"Strengths {canary}", needs_note=f"needs {canary}")
        db.session.add(item)
        db.session.flush()
        db.session.add(FamilyConcern(organization_id=org.id, input_id=item.id,
                                     meeting_id=meeting.id, text=f"Family concern {canary}"))
        continuation.continue_meeting(meeting, utcnow() + timedelta(days=7), 60, set(), user)
        from facilitator.commitments import services as commitments

        c = commitments.create_commitment(
            family_id=family.id, org_id=org.id, task=f"Send the report {canary}",
            owner=commitments.resolve_owner(org.id, meeting, "", name=f"Owner {canary}",
                                            email="owner@example.org"),
            due_on=None, meeting=meeting, user=user)
        commitments.update_commitment(c, status="in_progress", note=f"Started {canary}",
                                      user=user, keep_due=True)
        commitments.family_report(c, f"Not yet {canary}", by_name=f"Guardian {canary}")
        db.session.add(AdrCase(organization_id=org.id, case_ref=f"C-{family.id}",
                               process="facilitated_iep", received_on=date(2025, 9, 2),
                               school_year=2026, school="Lincoln Elementary",
                               student_ref=family.student_ref, family_id=family.id,
                               meeting_id=meeting.id, notes=f"case notes {canary}"))
        db.session.commit()
        return family

    return factory

