"""Realistic, fictional case rows (CSV shape) for the demo and the benchmarks.

Proportions are plausible for a mid-size district, not taken from real data:
facilitated IEPs are the most common request, then mediations, due process
and State complaints; expedited complaints are rare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

PROCESS_WEIGHTS = (("facilitated_iep", 45), ("mediation", 20), ("due_process", 18),
                   ("expedited_due_process", 4), ("state_complaint", 13))

SCHOOLS = ("Riverside High School", "Maple Grove Elementary", "Cedar Hills Middle School",
           "Lincoln Park Elementary", "Harbor View Academy", "Willow Creek Elementary",
           "North Ridge Middle School", "Sunset Valley Elementary")

NOTES = ("", "", "", "Parent asked for an interpreter (Spanish).",
         "Concerns about reading services and progress reports.",
         "Disagreement over placement after the reevaluation.",
         "Transportation and schedule questions.", "Behavior plan review requested.")


def rows(rng: random.Random, n: int, first_year: int, years: int, today: date,
         schools=SCHOOLS, prefix: str = "RV") -> Iterator[dict]:
    """``n`` case rows over ``years`` school years from ``first_year``; statuses as of ``today``."""
    processes, weights = zip(*PROCESS_WEIGHTS, strict=True)
    start = date(first_year, 7, 1)
    end = min(date(first_year + years, 6, 30), today)
    span = max((end - start).days, 1)
    students = max(n // 3, 1)
    dpc_refs: list[str] = []
    fiep_by_student: dict[str, str] = {}
    days = sorted(rng.randrange(span) for _ in range(n))
    for i, offset in enumerate(days):
        process = rng.choices(processes, weights)[0]
        received = start + timedelta(days=offset)
        if received.weekday() >= 5 and received - timedelta(days=2) >= start:
            received -= timedelta(days=received.weekday() - 4)
        student = f"S{rng.randrange(students):06d}"
        ref = f"{prefix}-{received.year}-{i:07d}"
        row = {"case_ref": ref, "process": process, "received_on": received.isoformat(),
               "school": rng.choice(schools), "student_ref": student,
               "notes": rng.choice(NOTES)}
        age = (today - received).days

        def after(lo: int, hi: int, received=received) -> date | None:
            day = received + timedelta(days=rng.randint(lo, hi))
            return day if day <= today else None

        if process in ("facilitated_iep", "mediation"):
            held = after(5, 40)
            if held is None:
                row["status"] = "pending"
            elif rng.random() < .1:
                row["status"] = "withdrawn"
                row["closed_on"] = held.isoformat()
            else:
                row["status"] = "held"
                row["held_on"] = row["closed_on"] = held.isoformat()
                row["agreement"] = (rng.choices(["full", "partial", "none"], [55, 30, 15])[0]
                                    if process == "facilitated_iep"
                                    else rng.choices(["yes", "no"], [72, 28])[0])
            if process == "mediation":
                if dpc_refs and rng.random() < .35:
                    row["related_ref"] = rng.choice(dpc_refs[-50:])
                elif student in fiep_by_student and rng.random() < .5:
                    row["related_ref"] = fiep_by_student[student]
            else:
                fiep_by_student[student] = ref
        elif process in ("due_process", "expedited_due_process"):
            expedited = process == "expedited_due_process"
            if rng.random() < .7:
                meeting = after(2, 7 if expedited else 15)
                if meeting:
                    row["resolution_meeting_on"] = meeting.isoformat()
                    row["settlement"] = "yes" if rng.random() < .3 else "no"
            settled = row.get("settlement") == "yes"
            decided = after(30, 45) if expedited else after(50, 110)
            if settled or (decided and rng.random() < .55):
                row["status"] = "withdrawn"
                closed = after(10, 60)
                if closed is None:
                    row["status"] = "pending"
                else:
                    row["closed_on"] = closed.isoformat()
            elif decided is None or age < 20:
                row["status"] = "pending"
            else:
                row["status"] = "adjudicated"
                row["decision_on"] = row["closed_on"] = decided.isoformat()
                row["timeline"] = (rng.choices(["within", "late"], [90, 10])[0] if expedited
                                   else rng.choices(["within", "extended", "late"],
                                                    [55, 40, 5])[0])
                if expedited:
                    row["placement_changed"] = "yes" if rng.random() < .4 else "no"
            if row["status"] == "pending":
                row.pop("closed_on", None)
            dpc_refs.append(ref)
        else:
            decided = after(30, 75)
            if decided is None:
                row["status"] = "pending"
                row["pending_hearing"] = "yes" if rng.random() < .1 else ""
            elif rng.random() < .25:
                row["status"] = "withdrawn"
                row["closed_on"] = decided.isoformat()
            else:
                row["status"] = "report_issued"
                row["decision_on"] = row["closed_on"] = decided.isoformat()
                row["findings"] = "yes" if rng.random() < .6 else "no"
                row["timeline"] = rng.choices(["within", "extended", "late"], [80, 15, 5])[0]
        yield row
