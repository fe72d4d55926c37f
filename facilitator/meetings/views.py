"""The meetings blueprint and what its view modules share: the way back to a meeting page,
the checklist counts and rows, the local-time template filter."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, request, url_for

from ..content import PHASES, current_content
from . import checklists, services
from .forms import ChecklistItemForm
from .models import Meeting

bp = Blueprint("meetings", __name__)

#: The meeting pages a form may send the user back to (``next``).
PAGES = {"detail", "prepare", "live", "after"}


@bp.app_template_filter("localtime")
def localtime_filter(value, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC time shown in the meetings' time zone."""
    local = services.to_local(value)
    return local.strftime(fmt) if local else "—"


def back_url(meeting: Meeting, default: str, anchor: str = "") -> str:
    """The meeting page named by the form's ``next`` (one of PAGES), else ``default``."""
    page = request.values.get("next")
    page = page if page in PAGES else default
    return url_for(f"meetings.{page}", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


def phase_counts(meeting: Meeting) -> dict:
    """(done, total) of each checklist phase of the meeting."""
    return {phase: checklists.checklist_counts(meeting, phase) for phase in PHASES}


@dataclass
class ChecklistRow:
    item: checklists.EffectiveItem
    progress: object
    form: ChecklistItemForm


def checklist_view(meeting: Meeting, phase: str) -> dict:
    """One phase's checklist rows, each with its tick form, and the counts."""
    progress = checklists.progress_by_key(meeting)
    rows = []
    for item in checklists.checklist_items(meeting.organization_id, phase):
        p = progress.get(item.key)
        form = ChecklistItemForm(formdata=None, item_key=item.key, done=bool(p and p.done),
                                 note=p.note if p else "")
        form.done.id = f"done-{item.key}"
        form.note.id = f"note-{item.key}"
        rows.append(ChecklistRow(item, p, form))
    done = sum(1 for r in rows if r.progress and r.progress.done)
    return {"phase": phase, "title": current_content().checklists[phase].title, "rows": rows,
            "done": done, "total": len(rows)}
