"""The room blueprint, the hooks it gives the meetings feature, and what the live page
asks of it (the display panel, the hide toggles)."""

from __future__ import annotations

from flask import Blueprint, url_for

from ..links import services as links
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.outcomes import OUTCOME_HOOKS
from ..meetings.summary import FAMILY_SUMMARY
from . import counter  # noqa: F401 - the change counter listens from import on
from .state import current_version, display_for, display_state, hidden_keys
from .versions import family_summary

bp = Blueprint("room", __name__)


@bp.record_once
def _poll_shortcut(state) -> None:
    """Answer the paired devices' unchanged polls before Flask (see shortcut.py)."""
    from .shortcut import PollShortcut

    state.app.wsgi_app = PollShortcut(state.app.wsgi_app, state.app)

#: The purpose of a room device's pairing code (links from outside).
PURPOSE = "display_pairing"


def end_pairings(meeting: Meeting) -> str | None:
    """A meeting no longer scheduled (held, cancelled): its pairing codes stop working."""
    if meeting.status == MeetingStatus.SCHEDULED:
        return None
    ended = links.revoke_all("meeting", meeting.id, PURPOSE)
    return "The room display codes of this meeting no longer work." if ended else None


if end_pairings not in OUTCOME_HOOKS:
    OUTCOME_HOOKS.append(end_pairings)
if family_summary not in FAMILY_SUMMARY:
    FAMILY_SUMMARY.append(family_summary)


def active_pairings(meeting: Meeting) -> list:
    return [link for link in links.links_for("meeting", meeting.id, PURPOSE)
            if link.state() == "active"]


@bp.app_template_global()
def room_panel(meeting: Meeting) -> dict:
    """What the live page shows of the room: its display, hidden items, active codes."""
    from .forms import DisplaySettingsForm

    display = display_for(meeting)
    form = DisplaySettingsForm(formdata=None, preset=display.preset if display else None,
                               language=display.language if display else "")
    state = display_state(meeting, display, current_version(meeting.id))
    return {"display": display, "hidden": hidden_keys(meeting.id), "state": state,
            "pairings": active_pairings(meeting), "settings": form,
            "url": url_for("room.display", meeting_id=meeting.id)}
