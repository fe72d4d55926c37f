"""Demo commitments: every status, some overdue, a guardian who said "this has not
happened", a review that is due, and held cases whose commitments fill every stage of
the path to resolution."""

from __future__ import annotations

from datetime import timedelta

from ..extensions import db
from ..families.models import Family
from ..meetings.models import Meeting, MeetingStatus
from . import services
from .models import CasePath, Commitment
from .vocabulary import CommitmentStatus, Source


def _owner(meeting: Meeting, name: str) -> dict:
    for p in meeting.participants:
        if p.name == name:
            return services.resolve_owner(meeting.organization_id, meeting, f"participant-{p.id}")
    return services.resolve_owner(meeting.organization_id, meeting, "", name=name)


def _add(meeting_or_none, *, family_id, org_id, task, owner, due, status, done_late=False,
         case=None, source=Source.OTHER) -> Commitment:
    c = services.create_commitment(family_id=family_id, org_id=org_id, task=task, owner=owner,
                                   due_on=due, meeting=meeting_or_none, case=case,
                                   source=source, check_due=False)
    if status != CommitmentStatus.NOT_STARTED:
        c.status = status
        if status == CommitmentStatus.DONE:
            c.done_on = due + timedelta(days=4) if done_late else due - timedelta(days=1)
        services._history(c, via="staff", note="Updated by the team.",
                          status_from=CommitmentStatus.NOT_STARTED)
    return c


def _held_meeting(org_id: int) -> Meeting | None:
    return db.session.execute(db.select(Meeting).where(
        Meeting.organization_id == org_id, Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.starts_at.desc())).scalars().first()


def load(ctx) -> None:
    """Add the riverside commitments (flushes, no commit)."""
    org = ctx.orgs["riverside"]
    facilitator = ctx.users["facilitator@riverside.example"]
    day = services.today()
    held = _held_meeting(org.id)
    if held is not None:
        guardian = next((p.name for p in held.participants if p.role == "parent"), "")
        kw = {"family_id": held.family_id, "org_id": org.id}
        _add(held, **kw, task="Llamar a la oficina de transporte sobre el horario del autobús",
             owner=_owner(held, guardian) if guardian else _owner(held, "Jorge Alvarez"),
             due=day - timedelta(days=2), status=CommitmentStatus.NOT_STARTED)
        _add(held, **kw, task="Observación en el salón por la terapeuta del habla",
             owner=_owner(held, "Omar Haddad"), due=day - timedelta(days=1),
             status=CommitmentStatus.NOT_DONE)
        _add(held, **kw, task="Revisar el plan de conducta con la maestra",
             owner=_owner(held, "Hannah Brooks"), due=day + timedelta(days=10),
             status=CommitmentStatus.CHANGED)
        _add(held, **kw, task="Evaluación de tecnología de asistencia",
             owner=services.resolve_owner(org.id, held, f"user-{facilitator.id}"),
             due=day + timedelta(days=5), status=CommitmentStatus.CANCELLED)
        _add(held, **kw, task="Reunión corta de seguimiento con la maestra",
             owner=services.resolve_owner(org.id, held, f"user-{facilitator.id}"),
             due=day + timedelta(days=2), status=CommitmentStatus.IN_PROGRESS)
        db.session.flush()
        reported = db.session.execute(db.select(Commitment).where(
            Commitment.meeting_id == held.id, Commitment.status == CommitmentStatus.NOT_DONE)
        ).scalars().first()
        if reported is not None:
            services.family_report(reported, "La terapeuta no ha venido al salón todavía.",
                                   by_name="Family")
        review = services.ensure_review(held)
        review.review_on = day - timedelta(days=1)
    _path_cases(org.id, day)
    db.session.flush()


def _path_cases(org_id: int, day) -> None:
    """Commitments on held cases of the newest school year, one of each kind of ending."""
    from ..adr.dashboard import years

    found = years(org_id)
    if not found:
        return
    for year in found[:2]:
        rows = _held(org_id, year)
        # Held at least a week ago, so that what followed fits before today.
        quiet = [r for r in rows if not r.mask and r.student_ref and r.held_on
                 and r.held_on <= day - timedelta(days=7)]
        if quiet and year == found[0]:
            _what_followed(org_id, quiet[-1], day)
            _one_without_agreement(org_id, year)
            rows = _held(org_id, year)
        followed = [r for r in rows if r.mask][:4]
        quiet = [r for r in rows if not r.mask][:4]
        plan = [(CommitmentStatus.DONE, False), (CommitmentStatus.DONE, True),
                (CommitmentStatus.NOT_DONE, False), (CommitmentStatus.IN_PROGRESS, False)]
        for group in (followed, quiet):
            for row, (status, late) in zip(group, plan, strict=False):
                _case_commitment(org_id, row, status, late, day)


def _held(org_id: int, year: int) -> list:
    from ..adr.models import AdrCase

    return db.session.execute(db.select(
        AdrCase.id, AdrCase.student_ref, AdrCase.school, AdrCase.held_on,
        CasePath.followed.label("mask")).join(CasePath, CasePath.case_id == AdrCase.id)
        .where(CasePath.organization_id == org_id, CasePath.school_year == year)
        .order_by(AdrCase.id)).all()


def _one_without_agreement(org_id: int, year: int) -> None:
    """A held facilitated IEP meeting that ended without agreement, if the year has none."""
    from ..adr.models import AdrCase
    from ..adr.services import case_values, save_case

    held = db.session.execute(db.select(AdrCase).where(
        AdrCase.organization_id == org_id, AdrCase.school_year == year,
        AdrCase.process == "facilitated_iep", AdrCase.status == "held")
        .order_by(AdrCase.id)).scalars().all()
    if held and not any(c.agreement == "none" for c in held):
        save_case(org_id, {**case_values(held[0]), "agreement": "none"}, held[0])


def _what_followed(org_id: int, row, day) -> None:
    """One student whose facilitated meeting was followed by every later process."""
    from ..adr.services import save_case

    start = row.held_on + timedelta(days=1)
    common = {"school": row.school, "student_ref": row.student_ref}
    save_case(org_id, {**common, "case_ref": f"DEMO-MED-{row.id}", "process": "mediation",
                       "received_on": start, "status": "pending"})
    save_case(org_id, {**common, "case_ref": f"DEMO-DPC-{row.id}", "process": "due_process",
                       "received_on": start, "status": "adjudicated",
                       "resolution_meeting_on": start + timedelta(days=1), "settlement": False,
                       "decision_on": min(day, start + timedelta(days=2)), "timeline": "within",
                       "closed_on": min(day, start + timedelta(days=2))})
    save_case(org_id, {**common, "case_ref": f"DEMO-SC-{row.id}", "process": "state_complaint",
                       "received_on": start, "status": "pending"})


def _case_commitment(org_id: int, row, status, late, day) -> None:
    from ..adr.models import AdrCase

    case = db.session.get(AdrCase, row.id)
    family = db.session.execute(db.select(Family).where(
        Family.organization_id == org_id, Family.student_ref == case.student_ref)
    ).scalar_one_or_none()
    if family is None:
        from ..families.models import TipEntry

        family = Family(organization_id=org_id, student_name=f"Student {case.student_ref}",
                        student_ref=case.student_ref, school=case.school)
        family.tips.append(TipEntry(organization_id=org_id, kind="communication",
                                    text="Prefers short email updates on how the agreed "
                                         "services are going."))
        db.session.add(family)
        db.session.flush()
    case.family_id = family.id
    due = (case.held_on or day) + timedelta(days=30)
    if status == CommitmentStatus.IN_PROGRESS:
        due = day + timedelta(days=20)
    _add(None, family_id=family.id, org_id=org_id, case=case, source=Source.MEDIATION
         if case.process == "mediation" else Source.AGREEMENT,
         task="Start the agreed services and send the first progress report",
         owner=services.resolve_owner(org_id, None, "", name="Case manager"), due=due,
         status=status, done_late=late)
