"""Meetings and dispute-resolution cases on a family's timeline and decision log.

Registered with the registries in :mod:`facilitator.packets.timeline` when the
packets blueprint is imported. Meetings sit below packets in the feature order
and are imported directly; dispute-resolution cases are a sibling feature and
are imported lazily, only when a timeline is built.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import url_for

from ..extensions import db
from ..meetings.live_models import Decision
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.services import to_local
from .timeline import DECISION_PROVIDERS, TIMELINE_PROVIDERS, DecisionEntry, TimelineEntry


def meeting_entries(family) -> Iterable[TimelineEntry]:
    """Each of the family's meetings, on its local date, with its status."""
    meetings = db.session.execute(
        db.select(Meeting).where(Meeting.family_id == family.id,
                                 Meeting.organization_id == family.organization_id)
    ).scalars()
    for m in meetings:
        yield TimelineEntry(
            date=to_local(m.starts_at).date(), kind="meeting",
            description=f"{m.kind_label} ({m.status_label.lower()})",
            source="Meetings", url=url_for("meetings.detail", meeting_id=m.id),
            key=f"meeting:{m.id}")


def meeting_decisions(family) -> Iterable[DecisionEntry]:
    """Decisions recorded in the family's held or scheduled meetings."""
    rows = db.session.execute(
        db.select(Decision, Meeting).join(Meeting, Meeting.id == Decision.meeting_id)
        .where(Meeting.family_id == family.id,
               Meeting.organization_id == family.organization_id,
               Decision.organization_id == family.organization_id,
               Meeting.status != MeetingStatus.CANCELLED)
    ).all()
    for decision, meeting in rows:
        yield DecisionEntry(
            date=to_local(meeting.starts_at).date(), what=decision.text,
            approved_by=decision.agreed_by, why=decision.rationale,
            source=meeting.kind_label, url=url_for("meetings.detail", meeting_id=meeting.id))


def case_entries(family) -> Iterable[TimelineEntry]:
    """Each dispute-resolution case of the family: filed, held, decided."""
    from ..adr.models import AdrCase

    conditions = [AdrCase.family_id == family.id]
    if family.student_ref:
        conditions.append(AdrCase.student_ref == family.student_ref)
    cases = db.session.execute(
        db.select(AdrCase).where(AdrCase.organization_id == family.organization_id,
                                 db.or_(*conditions))
    ).scalars()
    for case in cases:
        url = url_for("adr.case_detail", case_id=case.id)
        label = case.process_label
        yield TimelineEntry(date=case.received_on, kind="filing",
                            description=f"{label} {case.case_ref} received",
                            source="Dispute resolution", url=url, key=f"case:{case.id}")
        if case.held_on:
            yield TimelineEntry(date=case.held_on, kind="meeting",
                                description=f"{label} {case.case_ref} held",
                                source="Dispute resolution", url=url)
        if case.resolution_meeting_on:
            yield TimelineEntry(date=case.resolution_meeting_on, kind="meeting",
                                description=f"Resolution meeting for {case.case_ref}",
                                source="Dispute resolution", url=url)
        if case.decision_on:
            yield TimelineEntry(date=case.decision_on, kind="other",
                                description=f"Decision or report issued in {case.case_ref}",
                                source="Dispute resolution", url=url)


def register() -> None:
    """Add the providers once (importing twice must not list entries twice)."""
    for registry, provider in ((TIMELINE_PROVIDERS, meeting_entries),
                               (TIMELINE_PROVIDERS, case_entries),
                               (DECISION_PROVIDERS, meeting_decisions)):
        if provider not in registry:
            registry.append(provider)


register()
