"""What a case may hold, per process: one set of rules for the CSV import and the forms.

The rules follow the CSV contract (README "Dispute-resolution CSV format") and
34 CFR 300.152, 300.506, 300.508, 300.510, 300.515 and 300.532.
"""

from __future__ import annotations

from datetime import date

from ..validation import date_in_range, text_problem
from .models import AGREEMENTS, DUE_PROCESS_KINDS, STATUSES, TIMELINES, Process

#: The CSV columns, in export order.
COLUMNS = (
    "case_ref", "process", "received_on", "school", "student_ref", "related_ref", "status",
    "held_on", "agreement", "resolution_meeting_on", "settlement", "decision_on", "timeline",
    "findings", "pending_hearing", "placement_changed", "closed_on", "notes",
)
DATE_COLUMNS = ("received_on", "held_on", "resolution_meeting_on", "decision_on", "closed_on")
YES_NO_COLUMNS = ("settlement", "findings", "pending_hearing", "placement_changed")
TEXT_LIMITS = {"case_ref": 64, "school": 200, "student_ref": 64, "related_ref": 64}

Problem = tuple[str, str]  # (column, what is wrong)
OUT_OF_RANGE = "out of range"


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (years 1900-2200) -> date; raises ValueError otherwise."""
    if len(text) != 10 or text[4] != "-" or text[7] != "-" or not text[:4].isdigit():
        raise ValueError(text)
    value = date.fromisoformat(text)
    if not date_in_range(value):
        raise ValueError(OUT_OF_RANGE)
    return value


_KINDS = tuple((c, "date" if c in DATE_COLUMNS else "yes_no" if c in YES_NO_COLUMNS
                 else "notes" if c == "notes" else "text") for c in COLUMNS)
_YES_NO = {"yes": True, "no": False}


def parse(raw: dict[str, str]) -> tuple[dict, list[Problem]]:
    """Strings of one row -> typed values and the problems found, column by column."""
    problems: list[Problem] = []
    values: dict = {}
    get = raw.get
    for column, kind in _KINDS:
        text = get(column) or ""
        if kind == "notes":
            if text_problem(text):
                problems.append((column, "holds a control character; save the file as "
                                         "plain text (CSV UTF-8)"))
            values[column] = text
            continue
        text = text.strip()
        if kind == "text":
            limit = TEXT_LIMITS.get(column)
            if text_problem(text, multiline=False):
                problems.append((column, "holds a line break, tab or control character; "
                                         "keep it to one line of plain text"))
            elif limit and len(text) > limit:
                problems.append((column, f"is longer than {limit} characters"))
            values[column] = text
        elif not text:
            values[column] = None
        elif kind == "date":
            try:
                values[column] = parse_date(text)
            except ValueError as exc:
                problems.append((column, f"'{text}' is not between 1900 and 2200; check the year"
                                 if str(exc) == OUT_OF_RANGE else
                                 f"'{text[:40]}' is not a date; write it as YYYY-MM-DD"))
                values[column] = None
        else:
            value = _YES_NO.get(text.lower())
            if value is None:
                problems.append((column, f"'{text[:40]}' must be yes or no"))
            values[column] = value
    seen = {column for column, _ in problems}
    problems += [p for p in check(values) if p[0] not in seen]
    return values, problems


def check(v: dict) -> list[Problem]:
    """Per-process rules on typed values; every problem is (column, sentence)."""
    out: list[Problem] = []
    if not v.get("case_ref"):
        out.append(("case_ref", "is required"))
    try:
        process = Process(v.get("process") or "")
    except ValueError:
        given = v.get("process")
        out.append(("process", f"'{given[:40]}' is not one of "
                    + ", ".join(p.value for p in Process) if given else "is required"))
        return out
    if v.get("received_on") is None:
        out.append(("received_on", "is required"))
    status = v.get("status") or ""
    allowed = STATUSES[process]
    if status not in allowed:
        out.append(("status", (f"'{status[:40]}' is not a status of {process.value}; use "
                               if status else f"is required for {process.value}; use ")
                    + " | ".join(allowed)))
        status = ""

    def forbid(column: str, why: str) -> None:
        value = v.get(column)
        if value not in (None, ""):
            out.append((column, why))

    def need(column: str, why: str) -> None:
        if v.get(column) in (None, ""):
            out.append((column, why))

    meeting = process in (Process.FACILITATED_IEP, Process.MEDIATION)
    dpc = process in DUE_PROCESS_KINDS
    complaint = process == Process.STATE_COMPLAINT
    name = process.value

    # Meeting kinds: held_on and agreement only once held.
    if meeting:
        if status == "held":
            need("held_on", "is required when the meeting was held")
            agreement = v.get("agreement") or ""
            choices = AGREEMENTS[process]
            if not agreement:
                out.append(("agreement", f"is required when held; use {' | '.join(choices)}"))
            elif agreement not in choices:
                out.append(("agreement", f"'{agreement}' is not an agreement value for {name}; "
                                         f"use {' | '.join(choices)}"))
        elif status:
            forbid("held_on", f"a {status} {name} has no held_on date")
            forbid("agreement", f"a {status} {name} has no agreement")
    else:
        forbid("held_on", f"held_on is for facilitated_iep and mediation, not {name}")
        forbid("agreement", f"agreement is for facilitated_iep and mediation, not {name}")

    if dpc:
        if v.get("resolution_meeting_on") is None:
            forbid("settlement", "a settlement needs a resolution meeting (resolution_meeting_on)")
        elif v.get("settlement") is None:
            out.append(("settlement", "is required (yes or no) when a resolution meeting was held"))
        if status == "adjudicated":
            need("decision_on", "is required for an adjudicated hearing")
            _timeline(v, out, name, extended_ok=process == Process.DUE_PROCESS)
        elif status:
            forbid("decision_on", f"a {status} {name} has no decision_on")
            forbid("timeline", f"a {status} {name} has no timeline")
        if process == Process.EXPEDITED and status == "adjudicated":
            need("placement_changed",
                 "is required (yes or no) for an adjudicated expedited hearing")
        elif process == Process.EXPEDITED and status:
            forbid("placement_changed", "is only for an adjudicated expedited hearing")
        if process == Process.DUE_PROCESS:
            forbid("placement_changed", "is only for expedited_due_process")
    else:
        for column in ("resolution_meeting_on", "settlement"):
            forbid(column, f"{column} is for due process complaints, not {name}")
        forbid("placement_changed", "is only for expedited_due_process")

    if complaint:
        if status == "report_issued":
            need("decision_on", "is required (the day the report was issued)")
            _timeline(v, out, name, extended_ok=True)
            need("findings", "is required (yes or no) when a report was issued")
        elif status:
            forbid("decision_on", f"a {status} state complaint has no report date")
            forbid("timeline", f"a {status} state complaint has no timeline")
            forbid("findings", f"a {status} state complaint has no findings")
        if status and status != "pending":
            forbid("pending_hearing", "is only for a pending state complaint")
    else:
        forbid("findings", f"findings is for state complaints, not {name}")
        forbid("pending_hearing", f"pending_hearing is for state complaints, not {name}")
    if meeting:
        forbid("decision_on", f"decision_on is not used for {name}")
        forbid("timeline", f"timeline is not used for {name}")

    if status == "pending":
        forbid("closed_on", "a pending case has no closed_on date")
    received = v.get("received_on")
    if received:
        for column in ("held_on", "resolution_meeting_on", "decision_on", "closed_on"):
            day = v.get(column)
            if day and day < received:
                out.append((column, f"{day.isoformat()} is before received_on "
                                    f"{received.isoformat()}"))
    if v.get("related_ref") and v.get("related_ref") == v.get("case_ref"):
        out.append(("related_ref", "a case cannot be related to itself"))
    return out


def _timeline(v: dict, out: list[Problem], name: str, extended_ok: bool) -> None:
    timeline = v.get("timeline") or ""
    choices = TIMELINES if extended_ok else ("within", "late")
    if not timeline:
        out.append(("timeline", f"is required; use {' | '.join(choices)}"))
    elif timeline not in choices:
        why = (" (expedited decisions cannot be extended, 300.532(c))"
               if timeline == "extended" else "")
        out.append(("timeline", f"'{timeline}' is not allowed for {name}; "
                                f"use {' | '.join(choices)}{why}"))
