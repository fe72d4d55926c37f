"""The facilitator's side of the room display: open it, choose its type size and language,
hide items, follow the agenda timer, pair a room device, snapshot and clear."""

from __future__ import annotations

import json
from functools import wraps

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, i18n
from ..db import begin_write, utcnow
from ..extensions import db
from ..links import services as links
from ..links.models import ExternalLink
from ..meetings.forms import ConfirmForm
from ..meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem
from ..meetings.models import AgendaItem, Meeting, MeetingStatus
from ..notify.services import public_url
from ..validation import INT32, request_json
from .forms import DisplaySettingsForm, HideForm
from .models import HiddenItem
from .state import current_version, display_for, display_state, etag, pairing_valid_for
from .views import PURPOSE, bp

HIDE_MODELS = {"concerns": Concern, "decisions": Decision, "actions": ActionItem,
               "parking": ParkingLotItem}


def live_url(meeting: Meeting, anchor: str = "room") -> str:
    return url_for("meetings.live", meeting_id=meeting.id) + f"#{anchor}"


def render_display(meeting: Meeting, state_url: str, device: bool = False) -> str:
    """The display page in the display's language (staff window or paired device)."""
    display = display_for(meeting)
    state = display_state(meeting, display, current_version(meeting.id))
    with i18n.rendered_in(state["language"]):
        return render_template("room/display.html", state=state, device=device, config={
            "stateUrl": state_url, "channel": f"facilitator-room-{meeting.id}",
            "device": device, "etag": etag(meeting.id, state["version"])})


def state_response(meeting: Meeting, version: int | None):
    """The display's data as JSON with the counter as ETag; 304 while nothing changed."""
    tag = etag(meeting.id, version)
    if request.headers.get("If-None-Match") == tag:
        response = current_app_response(304)
    else:
        response = jsonify(display_state(meeting, display_for(meeting), version))
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "no-store"
    return response


def current_app_response(status: int):
    return current_app.response_class(status=status)


def json_api(capability: str | None):
    """Sign-in (and ``capability``) for a fetch: JSON 401/403, never a login redirect."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return jsonify(error="signed-out", message="You are signed out. Sign in "
                               "again, then reload this page."), 401
            if capability and not access.can(capability):
                return jsonify(error="forbidden",
                               message="Your role cannot change this meeting."), 403
            return view(*args, **kwargs)

        return access.declare(capability or access.SIGNED_IN)(wrapped)

    return decorator


@bp.get("/meetings/<int:meeting_id>/display")
@access.signed_in
def display(meeting_id: int):
    """The room display of a meeting, for a projector, a TV or another window."""
    begin_write()
    meeting = access.get_or_404(Meeting, meeting_id)
    display_for(meeting, create=True)
    db.session.commit()
    return render_display(meeting, url_for("room.display_state_json", meeting_id=meeting.id))


@bp.get("/meetings/<int:meeting_id>/display/state.json")
@json_api(None)
def display_state_json(meeting_id: int):
    """The display's data for a signed-in window (JSON; 304 while nothing changed)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return state_response(meeting, current_version(meeting.id))


def _form_or_back(form, meeting: Meeting, anchor: str = "room"):
    if not form.validate_on_submit():
        problems = [e for errors in form.errors.values() for e in errors]
        flash(" ".join(str(p) for p in problems) or "Send the form again.", "error")
        return redirect(live_url(meeting, anchor))
    return None


@bp.post("/meetings/<int:meeting_id>/display/settings")
@access.require("edit_meetings")
def display_settings(meeting_id: int):
    """Change the display's type size and language."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = DisplaySettingsForm()
    refused = _form_or_back(form, meeting)
    if refused:
        return refused
    found = display_for(meeting, create=True)
    found.preset, found.language = form.preset.data, form.language.data
    db.session.commit()
    flash("The display's settings are saved.", "success")
    return redirect(live_url(meeting))


@bp.post("/meetings/<int:meeting_id>/display/hide")
@access.require("edit_meetings")
def display_hide(meeting_id: int):
    """Hide one item from the display, or show it again."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = HideForm()
    refused = _form_or_back(form, meeting, "room")
    if refused:
        return refused
    anchor = f"{form.kind.data}-board"
    item = access.get_or_404(HIDE_MODELS[form.kind.data], form.item_id.data,
                             meeting_id=meeting.id)
    display_for(meeting, create=True)
    found = db.session.execute(db.select(HiddenItem).where(
        HiddenItem.meeting_id == meeting.id, HiddenItem.kind == form.kind.data,
        HiddenItem.item_id == item.id)).scalar_one_or_none()
    if form.show.data == "1" and found is not None:
        db.session.delete(found)
    elif form.show.data == "0" and found is None:
        db.session.add(HiddenItem(organization_id=meeting.organization_id,
                                  meeting_id=meeting.id, kind=form.kind.data, item_id=item.id))
    db.session.commit()
    flash("Shown on the display again." if form.show.data == "1" else
          "Hidden from the display.", "success")
    return redirect(live_url(meeting, anchor))


@bp.post("/meetings/<int:meeting_id>/display/timer")
@json_api("edit_meetings")
def display_timer(meeting_id: int):
    """The agenda item the meeting is on and its timer (JSON from the live page)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    data = request_json()
    if not isinstance(data, dict) or not isinstance(data.get("running"), bool):
        return jsonify(error="bad-request", message="Send running as true or false."), 400
    item_id, elapsed = data.get("item_id"), data.get("elapsed")
    if not isinstance(item_id, int) or isinstance(item_id, bool) \
            or not isinstance(elapsed, int | float) or isinstance(elapsed, bool) \
            or not 0 <= elapsed <= 24 * 3600 or not INT32[0] <= item_id <= INT32[1]:
        return jsonify(error="bad-request", message="Send item_id as the agenda item's number "
                       "and elapsed as seconds from 0 to 86,400."), 400
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id:
        return jsonify(error="not-found", message="That agenda item is not in this meeting."), 404
    found = display_for(meeting, create=True)
    found.current_item_id = item.id
    found.timer_elapsed = int(elapsed)
    found.timer_started_at = utcnow() if data["running"] else None
    db.session.commit()
    return jsonify(ok=True)


@bp.post("/meetings/<int:meeting_id>/display/pair")
@access.require("edit_meetings")
def display_pair(meeting_id: int):
    """Make a short code that pairs one room device with this meeting's display (shown once)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if not ConfirmForm().validate_on_submit():
        flash("The form expired. Press the button again.", "error")
        return redirect(live_url(meeting))
    if meeting.status != MeetingStatus.SCHEDULED:
        flash("This meeting is closed: a room display can only be paired while it is "
              "scheduled.", "error")
        return redirect(live_url(meeting))
    display_for(meeting, create=True)
    link, code = links.issue(PURPOSE, organization_id=meeting.organization_id,
                             subject_kind="meeting", subject_id=meeting.id,
                             family_id=meeting.family_id, short=True,
                             valid_for=pairing_valid_for(meeting), created_by=current_user)
    db.session.commit()
    return render_template("room/paired.html", meeting=meeting, link=link,
                           code=f"{code[:4]}-{code[4:]}",
                           enter_url=public_url("room.enter"))


@bp.post("/meetings/<int:meeting_id>/display/pair/<int:link_id>/revoke")
@access.require("edit_meetings")
def display_unpair(meeting_id: int, link_id: int):
    """Withdraw one pairing code: its device goes blank at its next poll."""
    meeting = access.get_or_404(Meeting, meeting_id)
    link = access.get_or_404(ExternalLink, link_id, subject_id=meeting.id, purpose=PURPOSE)
    if ConfirmForm().validate_on_submit():
        links.revoke(link)
        db.session.commit()
        flash("The code no longer works; its device shows nothing of the meeting.", "success")
    return redirect(live_url(meeting))


@bp.post("/meetings/<int:meeting_id>/display/clear")
@access.require("edit_meetings")
def display_clear(meeting_id: int):
    """Snapshot and clear: keep the display's final state with the meeting, blank the screen."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    found = display_for(meeting, create=True)
    state = display_state(meeting, found)
    state.pop("readback", None)
    found.snapshot = json.dumps(state, ensure_ascii=False)
    found.snapshot_at = found.cleared_at = utcnow()
    found.readback_active = False
    found.timer_started_at = None
    links.revoke_all("meeting", meeting.id, PURPOSE)
    db.session.commit()
    flash("The display's final state is kept with the meeting and the display is blank.",
          "success")
    return redirect(url_for("room.snapshot", meeting_id=meeting.id))


@bp.post("/meetings/<int:meeting_id>/display/reopen")
@access.require("edit_meetings")
def display_reopen(meeting_id: int):
    """Show the meeting on the display again after a clear (the snapshot is kept)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if ConfirmForm().validate_on_submit():
        display_for(meeting, create=True).cleared_at = None
        db.session.commit()
    return redirect(live_url(meeting))


@bp.get("/meetings/<int:meeting_id>/display/snapshot")
@access.signed_in
def snapshot(meeting_id: int):
    """The display's final state as kept at "snapshot and clear" (printable)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    found = display_for(meeting)
    state = json.loads(found.snapshot) if found and found.snapshot else None
    return render_template("room/snapshot.html", meeting=meeting, state=state,
                           taken=found.snapshot_at if found else None)
