"""The family timeline and decision log, open to other features.

Hand-entered events and decisions live in this package's models. Meetings,
dispute-resolution cases and anything else add their own entries through a
provider: a function taking a ``Family`` and returning entries. Register it
once, at import time of the contributing feature (for example at the bottom
of ``facilitator/meetings/models.py`` or in its ``routes.py``)::

    from facilitator.packets.timeline import (DECISION_PROVIDERS, TIMELINE_PROVIDERS,
                                              DecisionEntry, TimelineEntry)

    def meeting_entries(family):
        for m in db.session.execute(db.select(Meeting).where(
                Meeting.family_id == family.id,
                Meeting.organization_id == family.organization_id)).scalars():
            yield TimelineEntry(date=m.starts_at.date(), kind="meeting",
                                description=f"{m.kind_label}: {m.title}",
                                source="Meeting", url=url_for("meetings.detail", id=m.id))

    TIMELINE_PROVIDERS.append(meeting_entries)

A provider must only return records of ``family.organization_id``. A provider
that raises is logged and skipped, so one broken feature cannot hide the
rest of the timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import (
    EventKind,
    ManualDecision,
    TimelineEvent,
    TimelineEventDocument,
)

SAME_DAY_ORDER = (EventKind.CONCERN, EventKind.REQUEST, EventKind.MEETING, EventKind.EVALUATION,
                  EventKind.DISTRICT_RESPONSE, EventKind.SERVICES_CHANGED, EventKind.FILING,
                  EventKind.OTHER)

#: Kinds that open a question the district is expected to answer.
OPENING_KINDS = frozenset({EventKind.CONCERN, EventKind.REQUEST})


@dataclass
class TimelineEntry:
    """One line of the timeline, whatever feature it comes from.

    ``kind`` is one of :class:`~facilitator.packets.models.EventKind`'s values
    (``"meeting"``, ``"filing"``, ...). ``key`` identifies the entry so that a
    ``responds_to`` key of a later district response can point at it.
    """

    date: date
    kind: str
    description: str
    source: str = "Entered by hand"
    url: str | None = None
    documents: list[str] = field(default_factory=list)
    key: str | None = None
    responds_to: str | None = None
    event_id: int | None = None
    #: Filled in by :func:`family_timeline` on a district response.
    answered: TimelineEntry | None = None
    days_since: int | None = None
    #: Filled in on a concern or request: its first response, if any.
    response: TimelineEntry | None = None
    days_open: int | None = None

    @property
    def kind_label(self) -> str:
        if self.kind in EventKind.labels():
            return EventKind.label_of(self.kind)
        return self.kind.replace("_", " ").capitalize()


@dataclass
class DecisionEntry:
    """One decision-log line: what, who approved it, why, when."""

    date: date
    what: str
    approved_by: str = ""
    why: str = ""
    source: str = "Entered by hand"
    url: str | None = None
    decision_id: int | None = None


# A provider receives the Family model instance.
TimelineProvider = Callable[[Any], Iterable[TimelineEntry]]
DecisionProvider = Callable[[Any], Iterable[DecisionEntry]]

#: Functions adding entries to a family's timeline (meetings, cases, ...).
TIMELINE_PROVIDERS: list[TimelineProvider] = []
#: Functions adding entries to a family's decision log (meeting decisions, ...).
DECISION_PROVIDERS: list[DecisionProvider] = []


def _manual_events(family) -> Iterable[TimelineEntry]:
    events = db.session.execute(
        db.select(TimelineEvent)
        .where(TimelineEvent.family_id == family.id,
               TimelineEvent.organization_id == family.organization_id)
        .options(selectinload(TimelineEvent.links).selectinload(TimelineEventDocument.document))
    ).scalars()
    for e in events:
        yield TimelineEntry(
            date=e.event_date, kind=e.kind, description=e.description,
            documents=[d.title for d in e.documents], key=f"event:{e.id}",
            responds_to=f"event:{e.responds_to_id}" if e.responds_to_id else None,
            event_id=e.id)


def _manual_decisions(family) -> Iterable[DecisionEntry]:
    rows = db.session.execute(
        db.select(ManualDecision)
        .where(ManualDecision.family_id == family.id,
               ManualDecision.organization_id == family.organization_id)
    ).scalars()
    for d in rows:
        yield DecisionEntry(date=d.decided_on, what=d.what, approved_by=d.approved_by,
                            why=d.why, decision_id=d.id)


def _collect(providers, family) -> list:
    out: list = []
    for provider in providers:
        try:
            out.extend(provider(family))
        except Exception:
            current_app.logger.exception("timeline provider %r failed", provider)
    return out


def family_timeline(family) -> list[TimelineEntry]:
    """Every entry, oldest first, with each concern paired to the district's response.

    A response answers the concern it names (``responds_to``); one that names
    none answers the oldest concern or request still open before it. The gap
    in days is set on both sides.
    """
    # The advocate's own entries are never skipped; only other features' may be.
    entries = [*_manual_events(family), *_collect(TIMELINE_PROVIDERS, family)]
    # On one day: what was raised, then the meeting or evaluation, then the answer.
    kind_order = {k.value: i for i, k in enumerate(SAME_DAY_ORDER)}
    entries.sort(key=lambda e: (e.date, kind_order.get(e.kind, 99), e.description))
    by_key = {e.key: e for e in entries if e.key}
    open_items: list[TimelineEntry] = []
    for e in entries:
        if e.kind in OPENING_KINDS:
            open_items.append(e)
        elif e.kind == EventKind.DISTRICT_RESPONSE:
            target = by_key.get(e.responds_to) if e.responds_to else None
            if target is None and open_items:
                target = open_items[0]
            if target is not None:
                e.answered = target
                e.days_since = (e.date - target.date).days
                if target.response is None:
                    target.response = e
                    target.days_open = e.days_since
                if target in open_items:
                    open_items.remove(target)
    return entries


def days_waiting(entry: TimelineEntry, today: date) -> int | None:
    """Days a concern or request has gone without a response (None once answered)."""
    if entry.kind in OPENING_KINDS and entry.response is None:
        return (today - entry.date).days
    return None


def decision_log(family) -> list[DecisionEntry]:
    """Decisions from meetings (providers) and by hand, oldest first."""
    entries = [*_manual_decisions(family), *_collect(DECISION_PROVIDERS, family)]
    entries.sort(key=lambda d: (d.date, d.what))
    return entries
