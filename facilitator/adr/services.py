"""Changing cases, school closures and surveys (services flush, never commit)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from .. import i18n
from ..db import utcnow
from ..extensions import db
from .models import AdrCase, Process, SchoolClosure, SurveyInvitation, SurveyResponse
from .rules import COLUMNS, check


class CaseError(Exception):
    """A case could not be saved; ``problems`` are (column, sentence) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("; ".join(f"{c}: {m}" for c, m in problems))
        self.problems = problems


def find_case(org_id: int, case_ref: str) -> AdrCase | None:
    return db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == org_id, AdrCase.case_ref == case_ref)).scalar_one_or_none()


def save_case(org_id: int, values: dict, case: AdrCase | None = None, **extra) -> AdrCase:
    """Create (case=None) or update a case from typed values after the per-process checks.

    ``values`` uses the CSV column names (related_ref is a case_ref); ``extra``
    sets the fields that are not in the CSV (resolution_ended_on, hearing_on,
    family_id, meeting_id).
    """
    values = {c: values.get(c) for c in COLUMNS} | {
        c: values.get(c) or "" for c in ("case_ref", "school", "student_ref", "related_ref",
                                         "agreement", "timeline", "notes", "status")}
    problems = check(values)
    other = find_case(org_id, values["case_ref"]) if values["case_ref"] else None
    if other is not None and other is not case:
        problems.append(("case_ref", f"'{values['case_ref']}' is already used by another case"))
    related = None
    if values["related_ref"]:
        related = find_case(org_id, values["related_ref"])
        if related is None:
            problems.append(("related_ref", f"'{values['related_ref']}' names no case in "
                                            "this organization"))
        elif case is not None and related.id == case.id:
            problems.append(("related_ref", "a case cannot be related to itself"))
    family_id = extra.get("family_id")
    if family_id is not None:
        from ..families.models import Family

        family = db.session.get(Family, family_id)
        if family is None or family.organization_id != org_id:
            problems.append(("family_id", "names no family in this organization"))
    if problems:
        raise CaseError(problems)
    previous_student = case.student_ref if case is not None else ""
    if case is None:
        case = AdrCase(organization_id=org_id)
        db.session.add(case)
    for column in COLUMNS:
        if column != "related_ref":
            setattr(case, column, values[column])
    case.related = related
    for key, value in extra.items():
        setattr(case, key, value)
    case.refresh_derived()
    db.session.flush()
    refresh_escalation(org_id, {case.student_ref, previous_student})
    return case


def case_values(case: AdrCase) -> dict:
    """A case's values under the CSV column names (for editing)."""
    values = {c: getattr(case, c) for c in COLUMNS if c != "related_ref"}
    values["related_ref"] = case.related.case_ref if case.related else ""
    return values


def delete_case(case: AdrCase) -> None:
    """Delete a case; cases that named it as related keep existing without the link."""
    db.session.execute(db.update(AdrCase).where(AdrCase.related_id == case.id)
                       .values(related_id=None))
    org_id, student = case.organization_id, case.student_ref
    db.session.delete(case)
    db.session.flush()
    refresh_escalation(org_id, {student})


#: Called as hook(org_id, student_refs) after escalation is recomputed (same transaction):
#: features above keep what they derive from a student's cases (commitments/paths.py).
ESCALATION_HOOKS: list = []

#: The processes that count as escalation after a facilitated IEP.
ESCALATION_PROCESSES = ("mediation", "due_process", "expedited_due_process", "state_complaint")


def refresh_escalation(org_id: int, student_refs: set[str] | None = None) -> None:
    """Recompute AdrCase.escalated for the organization's facilitated IEPs (of these students).

    Escalation: of the facilitated IEPs held, those followed within 12 months
    (received on or after the day held, up to 12 months later) by a mediation,
    due process complaint or State complaint for the same student.
    """
    from sqlalchemy import and_, case, exists, func, literal, select, text, update
    from sqlalchemy.orm import aliased

    later = aliased(AdrCase, name="later")
    if db.engine.dialect.name == "sqlite":
        limit = func.date(AdrCase.held_on, "+12 months")
    else:
        limit = AdrCase.held_on + text("interval '12 months'")
    follow = exists(select(literal(1)).select_from(later).where(
        later.organization_id == AdrCase.organization_id,
        later.student_ref == AdrCase.student_ref,
        later.received_on >= AdrCase.held_on,
        later.received_on <= limit,
        later.process.in_(ESCALATION_PROCESSES)))
    value = case((and_(AdrCase.status == "held", AdrCase.student_ref != "",
                       AdrCase.held_on.is_not(None), follow), True), else_=False)
    base = (update(AdrCase).where(AdrCase.organization_id == org_id,
                                  AdrCase.process == Process.FACILITATED_IEP.value)
            .values(escalated=value).execution_options(synchronize_session=False))
    if student_refs is None:
        db.session.execute(base)
    else:
        refs = sorted(r for r in student_refs if r)
        for i in range(0, len(refs), 500):
            db.session.execute(base.where(AdrCase.student_ref.in_(refs[i:i + 500])))
    db.session.flush()
    for hook in ESCALATION_HOOKS:
        hook(org_id, None if student_refs is None else set(student_refs))


def record_meeting_outcome(org_id: int, *, process: str, held_on: date | None,
                           agreement: str | None, student_ref: str = "", school: str = "",
                           family_id: int | None = None, meeting_id: int | None = None,
                           case_ref: str | None = None, received_on: date | None = None,
                           related_ref: str = "", status: str | None = None,
                           notes: str | None = None) -> AdrCase:
    """Create or update, in one step, the case of a facilitated IEP or mediation meeting.

    For the meetings feature: call it when a meeting is held (or cancelled,
    status="withdrawn"). The case is found by meeting_id, else by case_ref;
    a new case gets case_ref "MTG-<meeting_id>" (or a dated one) and
    received_on = held_on unless given. Raises CaseError on values that do not
    fit the process (e.g. agreement "partial" for a mediation).
    """
    if process not in (Process.FACILITATED_IEP, Process.MEDIATION):
        raise CaseError([("process", "a meeting outcome is a facilitated_iep or a mediation")])
    case = None
    if meeting_id is not None:
        case = db.session.execute(db.select(AdrCase).where(
            AdrCase.organization_id == org_id, AdrCase.meeting_id == meeting_id)
        ).scalar_one_or_none()
    if case is None and case_ref:
        case = find_case(org_id, case_ref)
    values = case_values(case) if case is not None else {
        "case_ref": case_ref or _new_ref(org_id, meeting_id, held_on or received_on),
        "received_on": received_on or held_on, "notes": ""}
    status = status or ("held" if held_on else "pending")
    values.update(process=process, status=status, school=school or values.get("school") or "",
                  student_ref=student_ref or values.get("student_ref") or "",
                  held_on=held_on if status == "held" else None,
                  agreement=(agreement or "") if status == "held" else "")
    if received_on:
        values["received_on"] = received_on
    if related_ref:
        values["related_ref"] = related_ref
    if notes is not None:
        values["notes"] = notes
    if status == "pending":
        values["closed_on"] = None
    elif values.get("closed_on") is None:
        values["closed_on"] = held_on
    extra = {"meeting_id": meeting_id} if meeting_id is not None else {}
    if family_id is not None:
        extra["family_id"] = family_id
    return save_case(org_id, values, case, **extra)


def _new_ref(org_id: int, meeting_id: int | None, day: date | None) -> str:
    if meeting_id is not None:
        return f"MTG-{meeting_id}"
    stem = f"MTG-{(day or date.today()).isoformat()}"
    n = 1
    while find_case(org_id, f"{stem}-{n}") is not None:
        n += 1
    return f"{stem}-{n}"


# School closures ----------------------------------------------------------------------

def closures(org_id: int) -> set[date]:
    return set(db.session.execute(db.select(SchoolClosure.day).where(
        SchoolClosure.organization_id == org_id)).scalars())


def add_closures(org_id: int, first: date, last: date | None, label: str) -> int:
    """Add weekday closures from first to last (inclusive); returns how many were new."""
    from datetime import timedelta

    last = last or first
    have = closures(org_id)
    added = 0
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in have:
            db.session.add(SchoolClosure(organization_id=org_id, day=day, label=label))
            added += 1
        day += timedelta(days=1)
    db.session.flush()
    return added


# Surveys --------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitations(case: AdrCase, count: int, language: str | None = None) -> list[str]:
    """Make ``count`` single-use survey tokens for a held case; returns the tokens (shown once).

    The links open in ``language`` ("en"/"es"); by default the family's language.
    """
    language = i18n.supported(language) or i18n.family_language(case.family)
    tokens = []
    for _ in range(count):
        token = secrets.token_urlsafe(24)
        db.session.add(SurveyInvitation(organization_id=case.organization_id, case_id=case.id,
                                        token_hash=hash_token(token), language=language))
        tokens.append(token)
    db.session.flush()
    return tokens


def find_invitation(token: str) -> SurveyInvitation | None:
    """The unused invitation for a token, else None."""
    if not token or len(token) > 100:
        return None
    inv = db.session.execute(db.select(SurveyInvitation).where(
        SurveyInvitation.token_hash == hash_token(token))).scalar_one_or_none()
    if inv is None or inv.used_at is not None:
        return None
    return inv


def invitation_language(token: str) -> str | None:
    """The language a survey link was made in (used or not), else None."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(db.select(SurveyInvitation.language).where(
        SurveyInvitation.token_hash == hash_token(token))).scalar_one_or_none()


#: Called with (case, response) after an answer is stored: a feature above may note what it
#: knows of the case beside the answer (the state program: which neutral served it).
SURVEY_HOOKS: list = []


def submit_survey(invitation: SurveyInvitation, answers: dict) -> None:
    """Store the answers without any link to the invitation or case, and use up the token."""
    case = db.session.get(AdrCase, invitation.case_id)
    invitation.used_at = utcnow()
    response = SurveyResponse(organization_id=invitation.organization_id,
                              process=case.process, school_year=case.school_year, **answers)
    db.session.add(response)
    db.session.flush()
    for hook in SURVEY_HOOKS:
        hook(case, response)
