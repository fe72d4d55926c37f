"""The room blueprint, the hooks it gives the meetings feature, and what the live page
asks of it (the display panel, the hide toggles)."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import get_locale
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from sqlalchemy import bindparam

from .. import access
from ..extensions import db
from ..links import services as links
from ..links.models import ExternalLink
from ..meetings import live_cache
from ..meetings.models import Meeting, MeetingStatus
from ..meetings.outcomes import OUTCOME_HOOKS
from ..meetings.summary import FAMILY_SUMMARY
from . import counter  # noqa: F401 - the change counter listens from import on
from .state import (
    PURPOSE,
    display_for,
    display_state,
    hidden_keys,
    live_counter,
    open_codes_read,
    timer_seconds,
)
from .versions import family_summary

bp = Blueprint("room", __name__)


@bp.record_once
def _poll_shortcut(state) -> None:
    """Answer the paired devices' unchanged polls before Flask (see shortcut.py)."""
    from .shortcut import PollShortcut

    state.app.wsgi_app = PollShortcut(state.app.wsgi_app, state.app)

#: Where the kept room panel takes the active pairing codes (a comment: no text makes it).
PAIRINGS = Markup("<!--room-pairings-->")
#: ... and the timer, which runs on its own.
TIMER = Markup("<!--room-timer-->")
TIMER_SCRIPT = Markup('<script type="application/json" id="room-live-timer">{}</script>')


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
if live_counter not in live_cache.COUNTER_HOOKS:
    live_cache.COUNTER_HOOKS.append(live_counter)


#: The meeting's pairing codes not withdrawn (built once: it runs on every live page load).
_PAIRINGS = (db.select(ExternalLink).where(
    *links.not_withdrawn("meeting", bindparam("meeting"), PURPOSE))
    .order_by(ExternalLink.id.desc()))


def active_pairings(meeting: Meeting) -> list:
    if open_codes_read(meeting) == 0:  # this page view read none with the display row
        return []
    return [link for link in db.session.execute(_PAIRINGS, {"meeting": meeting.id}).scalars()
            if link.state() == "active"]


@bp.app_template_global()
def display_hidden(meeting: Meeting) -> set[tuple[str, int]]:
    """The meeting's items kept off the display (for the live page's hide buttons)."""
    return hidden_keys(meeting.id)


@bp.app_template_global()
def room_panel(meeting: Meeting) -> Markup:
    """The live page's room panel: kept under the change counter (like the page's boards);
    the active pairing codes and the running timer go in late (``room_late_parts``)."""
    from .forms import DisplaySettingsForm

    display = display_for(meeting)
    # A GET of the live page has just read the display row: its counter is the stored one.
    version = display.version if display else None

    def context() -> dict:
        settings = DisplaySettingsForm(formdata=None, meta={"csrf": False},
                                       preset=display.preset if display else None,
                                       language=display.language if display else "")
        return {"meeting": meeting, "display": display, "settings": settings,
                "state": display_state(meeting, display, version),
                "pairings_marker": PAIRINGS, "timer_marker": TIMER}

    return live_cache.kept_html("room-panel", meeting.id, version,
                                (str(get_locale()), access.can("edit_meetings")),
                                "room/_live_panel.html", context)


def room_late_parts(meeting: Meeting) -> None:
    """What the room panel shows that moves without the counter, on every load."""
    display = display_for(meeting)
    pairings = active_pairings(meeting) if access.can("edit_meetings") else []
    live_cache.late(PAIRINGS, render_template("room/_pairings.html", meeting=meeting,
                                              pairings=pairings) if pairings else "")
    live_cache.late(TIMER, TIMER_SCRIPT.format(htmlsafe_json_dumps({
        "elapsed": timer_seconds(display),
        "running": bool(display and display.timer_started_at)})))


if room_late_parts not in live_cache.LATE_HOOKS:
    live_cache.LATE_HOOKS.append(room_late_parts)
