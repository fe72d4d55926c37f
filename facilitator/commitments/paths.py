"""Keep CasePath in step: one row per held facilitated IEP meeting or mediation, with its
commitments counted and what followed for the student within 12 months.

Refreshed (DELETE then INSERT ... SELECT, in the caller's transaction) for the cases
a change touches: a commitment's case (after each flush), a student's cases (when
the dispute-resolution services recompute escalation: a case saved, deleted or
imported), or a whole organization (``flask commitments rebuild-paths``); and the
worker's clock settles open cases that went past a due date (:func:`settle`).
"""

from __future__ import annotations

from sqlalchemy import (
    and_,
    case,
    delete,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session, aliased

from ..adr import services as adr_services
from ..adr.models import AdrCase, Process
from ..extensions import db
from .models import CasePath, Commitment
from .services import today
from .vocabulary import CommitmentStatus

HELD_PROCESSES = (Process.FACILITATED_IEP.value, Process.MEDIATION.value)
DPC = (Process.DUE_PROCESS.value, Process.EXPEDITED.value)
LATER = (Process.MEDIATION.value, *DPC, Process.STATE_COMPLAINT.value)
OPEN = (CommitmentStatus.NOT_STARTED.value, CommitmentStatus.IN_PROGRESS.value,
        CommitmentStatus.CHANGED.value)
_TOUCHED = "commitments.touched_cases"


def followed_mask(org_id, student_ref, held_on, case_id):
    """A correlated bitmask of what followed a held case within 12 months (0: nothing)."""
    later = aliased(AdrCase, name="later")
    if db.engine.dialect.name == "sqlite":
        limit = func.date(held_on, "+12 months")
    else:
        limit = held_on + text("interval '12 months'")

    def bit(cond, value):
        return func.max(case((cond, value), else_=0))

    is_dpc = later.process.in_(DPC)
    mask = (bit(later.process == Process.MEDIATION.value, 1)
            + bit(and_(is_dpc, later.resolution_meeting_on.is_not(None)), 2)
            + bit(is_dpc, 4)
            + bit(and_(is_dpc, or_(later.status == "adjudicated",
                                   later.hearing_on.is_not(None))), 8)
            + bit(later.process == Process.STATE_COMPLAINT.value, 16))
    probe = (select(mask).select_from(later).where(
        later.organization_id == org_id, later.student_ref == student_ref,
        later.received_on >= held_on, later.received_on <= limit, later.id != case_id,
        later.process.in_(LATER)).scalar_subquery())
    return case((student_ref != "", func.coalesce(probe, 0)), else_=literal(0))


def _rows(where):
    """SELECT of the CasePath rows for the held cases matching ``where`` (on AdrCase c)."""
    c = aliased(AdrCase, name="c")
    k = aliased(Commitment, name="k")
    done = k.status == CommitmentStatus.DONE.value
    late = and_(done, k.due_on.is_not(None), k.done_on > k.due_on)

    def n(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    keys = [c.id, c.organization_id, c.school_year, c.school, c.process, c.agreement,
            c.held_on, c.student_ref]
    grouped = (select(*keys, func.count(k.id).label("n_commitments"),
                      n(and_(done, ~late)).label("n_on_time"), n(late).label("n_late"),
                      n(k.status == CommitmentStatus.NOT_DONE.value).label("n_not_done"),
                      n(k.status.in_(OPEN)).label("n_open"),
                      func.min(case((k.status.in_(OPEN), k.due_on))).label("first_open_due"))
               .select_from(c)
               .outerjoin(k, and_(k.case_id == c.id,
                                  k.status != CommitmentStatus.CANCELLED.value))
               .where(c.status == "held", c.process.in_(HELD_PROCESSES), *where(c))
               .group_by(*keys).subquery("g"))
    g = grouped.c
    kept = case((or_(g.n_not_done > 0, g.first_open_due < today()), "not_kept"),
                (g.n_open > 0, "open"), (g.n_late > 0, "late"),
                (g.n_commitments > 0, "on_time"), else_="none")
    ends = g.n_on_time + g.n_late * SHIFT + g.n_not_done * SHIFT * SHIFT
    return select(g.id, g.organization_id, g.school_year, g.school, g.process, g.agreement,
                  followed_mask(g.organization_id, g.student_ref, g.held_on, g.id),
                  g.n_commitments, g.n_on_time, g.n_late, g.n_not_done, g.n_open,
                  g.first_open_due, kept, ends)


COLUMNS = ("case_id", "organization_id", "school_year", "school", "process", "agreement",
           "followed", "n_commitments", "n_on_time", "n_late", "n_not_done", "n_open",
           "first_open_due", "kept", "ends")
#: CasePath.ends packs three counts, 21 bits apart.
SHIFT = 2 ** 21


def _refresh(conn, case_filter, path_filter) -> None:
    conn.execute(delete(CasePath).where(path_filter))
    conn.execute(insert(CasePath).from_select(list(COLUMNS), _rows(case_filter)))


def refresh_cases(case_ids, conn=None) -> None:
    """Recompute the rows of these cases (a commitment of theirs changed)."""
    ids = sorted({i for i in case_ids if i is not None})
    conn = conn if conn is not None else db.session.connection()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        _refresh(conn, lambda c, chunk=chunk: [c.id.in_(chunk)],
                 CasePath.case_id.in_(chunk))


def refresh_students(org_id: int, student_refs: set[str] | None = None) -> None:
    """Recompute the rows of these students' cases (all of the organization's when None)."""
    conn = db.session.connection()
    if student_refs is None:
        _refresh(conn, lambda c: [c.organization_id == org_id],
                 CasePath.organization_id == org_id)
        return
    refs = sorted(set(student_refs))
    for start in range(0, len(refs), 500):
        chunk = refs[start:start + 500]
        ids = select(AdrCase.id).where(AdrCase.organization_id == org_id,
                                       AdrCase.student_ref.in_(chunk))
        _refresh(conn, lambda c, chunk=chunk: [c.organization_id == org_id,
                                               c.student_ref.in_(chunk)],
                 and_(CasePath.organization_id == org_id, CasePath.case_id.in_(ids)))


def settle(day=None) -> int:
    """The clock's daily work: open cases whose first due date has passed are not kept.

    The funnel counts them so anyway (it compares first_open_due with today); settled,
    they are read from the index in one pass instead of looked up each time."""
    day = day or today()
    return db.session.execute(
        update(CasePath).where(CasePath.kept == "open", CasePath.first_open_due < day)
        .values(kept="not_kept").execution_options(synchronize_session=False)).rowcount


adr_services.ESCALATION_HOOKS.append(refresh_students)


@event.listens_for(Session, "after_flush")
def _note_cases(session: Session, flush_context) -> None:
    """After each flush: recompute the paths of the cases whose commitments changed."""
    touched: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Commitment):
            touched.add(obj.case_id)
            hist = db.inspect(obj).attrs.case_id.history
            touched.update(hist.deleted or ())
    touched.discard(None)
    if touched:
        refresh_cases(touched, session.connection())
