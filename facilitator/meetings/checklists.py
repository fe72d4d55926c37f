"""A meeting's checklists as an organization sees them: the files' items minus the hidden
ones plus its own, and each meeting's ticks and notes.

Functions flush and never commit; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, bindparam, cast, func, literal

from ..content import PHASES, current_content
from ..db import utcnow
from ..extensions import db
from .models import ChecklistProgress, HiddenChecklistItem, Meeting, OrgChecklistItem
from .services import MeetingError


@dataclass(frozen=True)
class EffectiveItem:
    """A checklist item as an organization sees it: from the files or its own."""

    key: str
    text: str
    help: str | None
    phase: str
    custom: bool = False


def hidden_keys(org_id: int) -> set[str]:
    return set(db.session.execute(db.select(HiddenChecklistItem.item_key).where(
        HiddenChecklistItem.organization_id == org_id)).scalars())


def org_items(org_id: int, phase: str | None = None, include_removed: bool = False):
    stmt = db.select(OrgChecklistItem).where(OrgChecklistItem.organization_id == org_id)
    if phase:
        stmt = stmt.where(OrgChecklistItem.phase == phase)
    if not include_removed:
        stmt = stmt.where(OrgChecklistItem.removed_at.is_(None))
    return list(db.session.execute(stmt.order_by(OrgChecklistItem.id)).scalars())


def checklist_items(org_id: int, phase: str) -> list[EffectiveItem]:
    """The phase's items from the files minus the hidden ones, then the organization's own."""
    if phase not in PHASES:
        raise MeetingError(f"Unknown checklist '{phase}'.")
    hidden = hidden_keys(org_id)
    items = [EffectiveItem(i.key, i.text, i.help, phase)
             for i in current_content().checklists[phase].items if i.key not in hidden]
    items += [EffectiveItem(o.key, o.text, o.help or None, phase, custom=True)
              for o in org_items(org_id, phase)]
    return items


def progress_by_key(meeting: Meeting) -> dict[str, ChecklistProgress]:
    return {p.item_key: p for p in meeting.checklist_progress}


def counts_columns(phase: str) -> tuple:
    """(hidden items of the files, own items, items done) as scalar subqueries correlated
    to a meeting row, to ride along with a query of meetings (bind ``files`` to the
    phase's file keys); ``counts_from`` makes (done, total) of them."""
    files = bindparam("files", expanding=True)
    # Correlated to the meeting of the query they ride in, however deeply nested (left to
    # itself, a subquery two levels down took "meetings" into its own FROM and counted
    # every organization's hidden items).
    hidden = db.select(HiddenChecklistItem.item_key).where(
        HiddenChecklistItem.organization_id == Meeting.organization_id).correlate(Meeting)
    own = db.select(OrgChecklistItem.id).where(
        OrgChecklistItem.organization_id == Meeting.organization_id,
        OrgChecklistItem.phase == phase, OrgChecklistItem.removed_at.is_(None))
    own_keys = db.select(literal("org-") + cast(OrgChecklistItem.id, String)).where(
        own.whereclause).correlate(Meeting)
    return (
        db.select(func.count()).select_from(HiddenChecklistItem).where(
            hidden.whereclause, HiddenChecklistItem.item_key.in_(files)).scalar_subquery(),
        db.select(func.count(OrgChecklistItem.id)).where(own.whereclause).scalar_subquery(),
        db.select(func.count()).select_from(ChecklistProgress).where(
            ChecklistProgress.meeting_id == Meeting.id, ChecklistProgress.done.is_(True),
            ChecklistProgress.item_key.not_in(hidden),
            ChecklistProgress.item_key.in_(files) | ChecklistProgress.item_key.in_(own_keys))
        .scalar_subquery())


def file_keys(phase: str) -> list[str]:
    return [i.key for i in current_content().checklists[phase].items]


def counts_from(phase: str, hidden_files: int, own_count: int, done: int) -> tuple[int, int]:
    """(done, total) from the three numbers."""
    return done, len(file_keys(phase)) - hidden_files + own_count


def checklist_counts(meeting: Meeting, phase: str) -> tuple[int, int]:
    """(done, total) for one phase, counted by the database in one query.

    The same items as ``checklist_items``: the files' keys not hidden by the organization,
    and its own items not removed (their key is "org-<id>")."""
    if phase not in PHASES:
        raise MeetingError(f"Unknown checklist '{phase}'.")
    row = db.session.execute(db.select(*counts_columns(phase)).where(
        Meeting.id == meeting.id), {"files": file_keys(phase)}).one()
    return counts_from(phase, *row)


def set_checklist_item(meeting: Meeting, phase: str, key: str, done: bool, note: str,
                       user_id: int) -> ChecklistProgress:
    """Tick or untick an item for this meeting, with an optional note."""
    if key not in {i.key for i in checklist_items(meeting.organization_id, phase)}:
        raise MeetingError("That checklist item does not exist (it may have been hidden).")
    progress = progress_by_key(meeting).get(key)
    if progress is None:
        progress = ChecklistProgress(organization_id=meeting.organization_id, phase=phase,
                                     item_key=key)
        meeting.checklist_progress.append(progress)
    if done and not progress.done:
        progress.done_at, progress.done_by_id = utcnow(), user_id
    elif not done:
        progress.done_at, progress.done_by_id = None, None
    progress.done = done
    progress.note = note.strip()
    db.session.flush()
    return progress


def hide_item(org_id: int, key: str, user_id: int) -> None:
    """Hide one of the files' items for the whole organization."""
    known = {i.key for c in current_content().checklists.values() for i in c.items}
    if key not in known:
        raise MeetingError("That item is not in the checklist files.")
    if key not in hidden_keys(org_id):
        db.session.add(HiddenChecklistItem(organization_id=org_id, item_key=key,
                                           hidden_by_id=user_id))
        db.session.flush()


def unhide_item(org_id: int, key: str) -> None:
    db.session.execute(db.delete(HiddenChecklistItem).where(
        HiddenChecklistItem.organization_id == org_id, HiddenChecklistItem.item_key == key))
    db.session.flush()


def add_org_item(org_id: int, phase: str, text: str, help_text: str) -> OrgChecklistItem:
    if phase not in PHASES:
        raise MeetingError(f"Unknown checklist '{phase}'.")
    item = OrgChecklistItem(organization_id=org_id, phase=phase, text=text.strip(),
                            help=help_text.strip())
    db.session.add(item)
    db.session.flush()
    return item


def remove_org_item(item: OrgChecklistItem) -> None:
    item.removed_at = utcnow()
    db.session.flush()
