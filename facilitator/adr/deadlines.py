"""IDEA dispute-resolution clocks, as pure functions of a case's dates.

- Due process complaint (34 CFR 300.510, 300.515): resolution meeting within
  15 days of receiving the complaint; a 30-day resolution period; the hearing
  decision 45 days after the resolution period ends. When a written waiver of
  the resolution meeting or a written statement that no agreement is possible
  is recorded (resolution_ended_on), the 45 days start the day after it.
- Expedited due process complaint (300.532(c)): resolution meeting within 7
  days, resolution period of 15 days, hearing within 20 school days of the
  complaint, decision within 10 school days after the hearing.
- State complaint (300.152(a)): the written decision within 60 days.
Calendar days unless "school days"; school days are weekdays that are not in
the organization's closures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DUE_SOON_DAYS = 7


def add_school_days(start: date, n: int, closed: Iterable[date] = ()) -> date:
    """The n-th school day after ``start`` (weekdays not in ``closed``)."""
    closed = set(closed)
    day = start
    counted = 0
    while counted < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return day


@dataclass(frozen=True)
class Clock:
    """One deadline of a case and whether it was met."""

    name: str
    due: date
    #: The day the event happened, if it did.
    done_on: date | None
    #: Whether the clock still runs (the case is open and the event has not happened).
    running: bool
    rule: str

    def state(self, today: date) -> str:
        """met, missed, overdue, due_soon, running or stopped."""
        if self.done_on is not None:
            return "met" if self.done_on <= self.due else "missed"
        if not self.running:
            return "stopped"
        if today > self.due:
            return "overdue"
        if (self.due - today).days <= DUE_SOON_DAYS:
            return "due_soon"
        return "running"


STATE_LABELS = {"met": "Met", "missed": "Missed", "overdue": "Overdue",
                "due_soon": "Due soon", "running": "Running", "stopped": "Not needed"}


def clocks(case, closed: Iterable[date] = ()) -> list[Clock]:
    """The clocks of a case (any object with the AdrCase date attributes)."""
    process, status = case.process, case.status
    received = case.received_on
    open_ = status == "pending"
    out: list[Clock] = []
    if process == "due_process":
        out.append(Clock("Resolution meeting", received + timedelta(days=15),
                         case.resolution_meeting_on, open_ and case.resolution_ended_on is None,
                         "within 15 days of receiving the complaint (300.510(a))"))
        period_end = received + timedelta(days=30)
        out.append(Clock("Resolution period ends", period_end, None, False,
                         "30 days after the complaint was received (300.510(b))"))
        start = case.resolution_ended_on if case.resolution_ended_on else period_end
        out.append(Clock("Hearing decision", start + timedelta(days=45), case.decision_on,
                         open_, "45 days after the resolution period ends, or after a written "
                                "waiver or no-agreement statement (300.510(c), 300.515(a))"))
    elif process == "expedited_due_process":
        out.append(Clock("Resolution meeting", received + timedelta(days=7),
                         case.resolution_meeting_on, open_ and case.resolution_ended_on is None,
                         "within 7 days of receiving the complaint (300.532(c)(3)(i))"))
        hearing_due = add_school_days(received, 20, closed)
        out.append(Clock("Hearing", hearing_due, case.hearing_on, open_,
                         "within 20 school days of the complaint (300.532(c)(2))"))
        base = case.hearing_on or hearing_due
        out.append(Clock("Hearing decision", add_school_days(base, 10, closed),
                         case.decision_on, open_,
                         "within 10 school days after the hearing (300.532(c)(2))"))
    elif process == "state_complaint":
        out.append(Clock("Complaint decision", received + timedelta(days=60), case.decision_on,
                         open_ and not case.pending_hearing,
                         "within 60 days of receiving the complaint (300.152(a))"))
    return out


def pending_states(case, today: date, closed: Iterable[date] = ()) -> list[tuple[Clock, str]]:
    """The clocks of a case that are overdue or due soon, with their state."""
    closed = set(closed)
    out = []
    for clock in clocks(case, closed):
        state = clock.state(today)
        if state in ("overdue", "due_soon"):
            out.append((clock, state))
    return out
