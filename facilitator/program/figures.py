"""The program's figures for one school year (July to June), all regions or one.

Every figure is one grouped query (the database counts; Python only folds the few
grouped rows); the two time measures read one grouped row per request (its first
accepted assignment, its first held session) and take the median and the 90th
percentile here. The queries use only portable SQL (SQLite and PostgreSQL).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, case, func, select

from ..adr.models import AdrCase, SurveyResponse
from ..adr.report import percent
from ..extensions import db
from .models import (
    Assignment,
    AssignmentStatus,
    Neutral,
    ProgramCase,
    ProgramDistrict,
    SurveyNeutral,
)
from .pay import Payment, ProgramSession, SessionKind
from .request_models import ProgramRequest, RequestStatus

#: An assignment in these states means the neutral served the case.
SERVED = (AssignmentStatus.ACCEPTED.value, AssignmentStatus.ENDED.value)
#: Request states that close a request without a case (their reasons are shown).
CLOSED_WITHOUT_CASE = (RequestStatus.DECLINED.value, RequestStatus.REFUSED.value,
                       RequestStatus.WITHDRAWN.value)
DPC = ("due_process", "expedited_due_process")
#: The groupings of the agreement rates (the key is also the case list's filter).
AGREEMENT_BY = ("process", "neutral", "region", "language")


@dataclass(frozen=True)
class Filters:
    """A school year (its first calendar year) and, optionally, one region."""

    year: int
    region: str = ""


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 7, 1, tzinfo=UTC), datetime(year + 1, 7, 1, tzinfo=UTC)


def percentile(values: list[int], q: float) -> int | None:
    """The nearest-rank ``q``th percentile (None when empty). Pure."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def spread(values: list[int]) -> dict:
    """How many, the median and the 90th percentile of day counts. Pure."""
    return {"n": len(values),
            "median": round(statistics.median(values), 1) if values else None,
            "p90": percentile(values, 90)}


def requests_query(org_id: int, f: Filters, *columns):
    start, end = year_bounds(f.year)
    stmt = (select(*columns).select_from(ProgramRequest)
            .join(ProgramDistrict, ProgramDistrict.id == ProgramRequest.district_id)
            .where(ProgramRequest.organization_id == org_id,
                   ProgramRequest.created_at >= start, ProgramRequest.created_at < end))
    return stmt.where(ProgramDistrict.region == f.region) if f.region else stmt


def request_counts(org_id: int, f: Filters) -> dict:
    """Requests received in the year by status, the total, and the reasons of those closed."""
    by_status = dict.fromkeys((s.value for s in RequestStatus), 0)
    for status, n in db.session.execute(requests_query(
            org_id, f, ProgramRequest.status, func.count()).group_by(ProgramRequest.status)):
        by_status[status] = n
    reasons = [{"status": status, "reason": reason or "", "n": n}
               for status, reason, n in db.session.execute(
                   requests_query(org_id, f, ProgramRequest.status,
                                  ProgramRequest.decision_reason, func.count())
                   .where(ProgramRequest.status.in_(CLOSED_WITHOUT_CASE))
                   .group_by(ProgramRequest.status, ProgramRequest.decision_reason)
                   .order_by(ProgramRequest.status, func.count().desc()))]
    return {"by_status": by_status, "received": sum(by_status.values()), "reasons": reasons}


def _days(rows) -> list[int]:
    out = []
    for _, created, then in rows:
        if then is not None:
            then = then.date() if isinstance(then, datetime) else then
            out.append((then - created.date()).days)
    return out


def timeliness(org_id: int, f: Filters) -> dict:
    """Days from request to an accepted assignment and to the first held session."""
    key = (ProgramRequest.id, ProgramRequest.created_at)
    assigned = db.session.execute(
        requests_query(org_id, f, *key, func.min(Assignment.responded_at))
        .join(Assignment, Assignment.case_id == ProgramRequest.case_id)
        .where(Assignment.status.in_(SERVED)).group_by(*key)).all()
    session = db.session.execute(
        requests_query(org_id, f, *key, func.min(ProgramSession.on))
        .join(Assignment, Assignment.case_id == ProgramRequest.case_id)
        .join(ProgramSession, ProgramSession.assignment_id == Assignment.id)
        .where(ProgramSession.kind == SessionKind.HELD.value).group_by(*key)).all()
    return {"assignment": spread(_days(assigned)), "session": spread(_days(session))}


def _held():
    return case((and_(AdrCase.process.in_(("facilitated_iep", "mediation")),
                      AdrCase.status == "held"), 1),
                (and_(AdrCase.process.in_(DPC), AdrCase.resolution_meeting_on.is_not(None)), 1),
                else_=0)


def _agreed():
    return case(
        (and_(AdrCase.process == "facilitated_iep", AdrCase.status == "held",
              AdrCase.agreement.in_(("full", "partial"))), 1),
        (and_(AdrCase.process == "mediation", AdrCase.status == "held",
              AdrCase.agreement == "yes"), 1),
        (and_(AdrCase.process.in_(DPC), AdrCase.resolution_meeting_on.is_not(None),
              AdrCase.settlement.is_(True)), 1), else_=0)


def cases_query(org_id: int, f: Filters, *columns):
    """The program's cases of the year (those with the program's details), with their
    district and the neutral who served them (if any)."""
    stmt = (select(*columns).select_from(AdrCase)
            .join(ProgramCase, ProgramCase.case_id == AdrCase.id)
            .join(ProgramDistrict, ProgramDistrict.id == ProgramCase.district_id)
            .outerjoin(Assignment, and_(Assignment.case_id == AdrCase.id,
                                        Assignment.status.in_(SERVED)))
            .outerjoin(Neutral, Neutral.id == Assignment.neutral_id)
            .where(AdrCase.organization_id == org_id, AdrCase.school_year == f.year))
    return stmt.where(ProgramDistrict.region == f.region) if f.region else stmt


def agreement_rates(org_id: int, f: Filters, by: str) -> list[dict]:
    """Cases, sessions held and agreements reached, grouped by process, neutral, region or
    the family's language; the rate is agreements per held session (resolution meeting)."""
    keys = {"process": (AdrCase.process, AdrCase.process),
            "neutral": (Neutral.id, Neutral.name),
            "region": (ProgramDistrict.region, ProgramDistrict.region),
            "language": (ProgramCase.language, ProgramCase.language)}[by]
    rows = db.session.execute(
        cases_query(org_id, f, *keys, func.count(AdrCase.id), func.sum(_held()),
                    func.sum(_agreed())).group_by(*keys).order_by(keys[1])).all()
    return [{"key": "" if key is None else str(key), "label": label, "cases": n,
             "held": int(held or 0), "agreed": int(agreed or 0),
             "rate": percent(int(agreed or 0), int(held or 0))}
            for key, label, n, held, agreed in rows]


def district_use(org_id: int, f: Filters) -> list[dict]:
    """Requests and cases per district (every district that had either)."""
    rows: dict[int, dict] = {}
    for district_id, name, n in db.session.execute(
            requests_query(org_id, f, ProgramDistrict.id, ProgramDistrict.name, func.count())
            .group_by(ProgramDistrict.id, ProgramDistrict.name)):
        rows[district_id] = {"id": district_id, "name": name, "requests": n, "cases": 0}
    for district_id, name, n in db.session.execute(
            cases_query(org_id, f, ProgramDistrict.id, ProgramDistrict.name,
                   func.count(func.distinct(AdrCase.id)))
            .group_by(ProgramDistrict.id, ProgramDistrict.name)):
        rows.setdefault(district_id, {"id": district_id, "name": name, "requests": 0,
                                      "cases": 0})["cases"] = n
    return sorted(rows.values(), key=lambda r: (-r["cases"] - r["requests"], r["name"]))


def surveys_by_neutral(org_id: int, f: Filters, min_n: int) -> dict:
    """Survey answers per neutral (groups under ``min_n`` suppressed) and how many answers
    of the year could not be linked to a neutral."""
    def n_if(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    r = SurveyResponse
    rows = db.session.execute(
        select(Neutral.id, Neutral.name, func.count(r.id),
               n_if(r.neutral_helpful >= 3), n_if(r.neutral_helpful.is_not(None)),
               n_if(r.had_input >= 3), n_if(r.had_input.is_not(None)),
               n_if(r.use_again == "yes"), n_if(r.use_again != ""))
        .select_from(r).join(SurveyNeutral, SurveyNeutral.response_id == r.id)
        .join(Neutral, Neutral.id == SurveyNeutral.neutral_id)
        .where(r.organization_id == org_id, r.school_year == f.year)
        .group_by(Neutral.id, Neutral.name).order_by(Neutral.name)).all()
    out = []
    for neutral_id, name, n, nh, nh_n, hi, hi_n, again, again_n in rows:
        item = {"key": str(neutral_id), "label": name, "n": n, "suppressed": n < min_n}
        if not item["suppressed"]:
            item.update(neutral_helpful=percent(nh, nh_n), had_input=percent(hi, hi_n),
                        use_again=percent(again, again_n))
        out.append(item)
    total = db.session.execute(select(func.count(r.id)).where(
        r.organization_id == org_id, r.school_year == f.year)).scalar_one()
    return {"rows": out, "unlinked": total - sum(i["n"] for i in out), "min_n": min_n}


def payments_by_month(org_id: int, f: Filters) -> list[dict]:
    """Approved payments per month of the school year (July to June): amount, sessions, neutrals."""
    first, after = date(f.year, 7, 1), date(f.year + 1, 7, 1)
    found = {m: (cents, sessions, people) for m, cents, sessions, people in db.session.execute(
        select(Payment.month, func.sum(Payment.amount_cents), func.sum(Payment.sessions),
               func.count(Payment.id))
        .where(Payment.organization_id == org_id, Payment.month >= first,
               Payment.month < after).group_by(Payment.month))}
    out = []
    for i in range(12):
        month = date(f.year + (6 + i) // 12, (6 + i) % 12 + 1, 1)
        cents, sessions, people = found.get(month, (0, 0, 0))
        out.append({"month": month, "cents": int(cents or 0), "sessions": int(sessions or 0),
                    "neutrals": int(people or 0)})
    return out


def regions(org_id: int) -> list[str]:
    return [r for r in db.session.execute(
        select(ProgramDistrict.region).where(ProgramDistrict.organization_id == org_id,
                                             ProgramDistrict.region != "")
        .group_by(ProgramDistrict.region).order_by(ProgramDistrict.region)).scalars()]


def all_figures(org_id: int, f: Filters, survey_min_n: int) -> dict:
    """Every figure of the page (and of its CSV)."""
    return {"requests": request_counts(org_id, f), "time": timeliness(org_id, f),
            "agreement": {by: agreement_rates(org_id, f, by) for by in AGREEMENT_BY},
            "districts": district_use(org_id, f),
            "surveys": surveys_by_neutral(org_id, f, survey_min_n),
            "payments": payments_by_month(org_id, f)}


def note_survey_neutral(case, response) -> None:
    """Survey hook: remember which neutral served the case a survey answer is about."""
    neutral_id = db.session.execute(
        select(Assignment.neutral_id).where(Assignment.case_id == case.id,
                                            Assignment.status.in_(SERVED))
        .order_by(Assignment.id.desc()).limit(1)).scalar_one_or_none()
    if neutral_id is not None:
        db.session.add(SurveyNeutral(organization_id=response.organization_id,
                                     response_id=response.id, neutral_id=neutral_id))
        db.session.flush()


def request_filter(stmt, status: str = "", district_id: int | None = None):
    """The requests behind a figure: by status and district."""
    if status:
        stmt = stmt.where(ProgramRequest.status == status)
    if district_id:
        stmt = stmt.where(ProgramRequest.district_id == district_id)
    return stmt


def case_filter(stmt, by: dict):
    """The cases behind a figure: by process, neutral, language, district, held or agreed."""
    if by.get("process"):
        stmt = stmt.where(AdrCase.process == by["process"])
    if by.get("neutral"):
        stmt = stmt.where(Neutral.id == by["neutral"])
    if by.get("language"):
        stmt = stmt.where(ProgramCase.language == by["language"])
    if by.get("district"):
        stmt = stmt.where(ProgramDistrict.id == by["district"])
    if by.get("outcome") == "held":
        stmt = stmt.where(_held() == 1)
    elif by.get("outcome") == "agreed":
        stmt = stmt.where(_agreed() == 1)
    elif by.get("outcome") == "unassigned":
        stmt = stmt.where(Neutral.id.is_(None))
    return stmt
