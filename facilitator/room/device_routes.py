"""A room device (projector laptop, TV, a guest's laptop) without a staff sign-in: it types
the short code the facilitator made, and then shows that one meeting's display, read-only,
until the code is withdrawn or the meeting is closed."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from .. import access, i18n
from ..db import utcnow
from ..extensions import db, limiter
from ..links import services as links
from ..links.models import ExternalLink
from ..meetings.models import Meeting, MeetingStatus, as_utc
from . import shortcut
from .display_routes import current_app_response, render_display, state_response
from .forms import CodeForm
from .models import RoomDisplay
from .state import etag
from .views import PURPOSE, bp

i18n.PAGE_LANGUAGES["room.enter"] = lambda: request.values.get("lang")


def _link_id() -> int | None:
    return shortcut.link_id_from(current_app, request.cookies.get(shortcut.COOKIE))


def _paired_link() -> ExternalLink | None:
    link_id = _link_id()
    if link_id is None:
        return None
    link = db.session.get(ExternalLink, link_id)
    if link is None or link.purpose != PURPOSE or link.state() != "active":
        return None
    return link


def _ended(status: int = 410):
    from flask import jsonify

    return jsonify(error="ended", message=_("This display has ended: the code was withdrawn "
                                            "or the meeting is closed.")), status


@bp.route("/room", methods=["GET", "POST"])
@access.public
@limiter.limit("10 per minute", methods=["POST"])
def enter():
    """Pair this device: type the short code shown on the facilitator's screen."""
    form = CodeForm()
    if form.validate_on_submit():
        link = links.find(form.code.data, PURPOSE, short=True)
        if link is None:
            known = links.lookup(form.code.data, PURPOSE, short=True)
            form.code.errors.append(
                _("This code no longer works: the meeting was closed or the code was "
                  "withdrawn. Ask the facilitator for a new code.") if known is not None else
                _("That code does not match any display. Check the code on the "
                  "facilitator's screen and type it again."))
        else:
            meeting = db.session.get(Meeting, link.subject_id)
            if meeting is None or meeting.status != MeetingStatus.SCHEDULED:
                form.code.errors.append(_("This meeting is closed. Its display cannot be "
                                          "shown any more."))
            else:
                links.use(link)
                db.session.commit()
                response = redirect(url_for("room.device_display"))
                response.set_cookie(shortcut.COOKIE, shortcut.cookie_value(current_app, link.id),
                                    path="/room", httponly=True, samesite="Lax",
                                    secure=request.is_secure)
                return response
    status = 400 if request.method == "POST" else 200
    return render_template("room/enter.html", form=form,
                           lang=i18n.supported(request.values.get("lang")) or "en"), status


@bp.get("/room/display")
@access.public
def device_display():
    """This device's display of the one meeting it was paired with (read-only)."""
    link = _paired_link()
    meeting = db.session.get(Meeting, link.subject_id) if link else None
    if meeting is None or meeting.organization_id != link.organization_id:
        response = current_app.make_response((render_template("room/ended.html"), 410))
        response.delete_cookie(shortcut.COOKIE, path="/room")
        return response
    return render_display(meeting, url_for("room.device_state_json"), device=True)


@bp.get("/room/display/state.json")
@access.public
@limiter.exempt
def device_state_json():
    """The paired meeting's display data (JSON, 304 while nothing changed; 410 once ended).

    The common case (nothing changed) is answered before Flask (shortcut.py); this view
    answers the rest with one query for the pairing and the counter, then the data.
    """
    link_id = _link_id()
    if link_id is None:
        return _ended(401)
    row = db.session.execute(
        select(ExternalLink.revoked_at, ExternalLink.expires_at, ExternalLink.subject_id,
               ExternalLink.organization_id, RoomDisplay.version)
        .join(RoomDisplay, RoomDisplay.meeting_id == ExternalLink.subject_id)
        .where(ExternalLink.id == link_id, ExternalLink.purpose == PURPOSE,
               ExternalLink.subject_kind == "meeting")).first()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= utcnow():
        return _ended()
    if request.headers.get("If-None-Match") == etag(row.subject_id, row.version):
        response = current_app_response(304)
        response.headers["ETag"] = etag(row.subject_id, row.version)
        response.headers["Cache-Control"] = "no-store"
        return response
    meeting = db.session.get(Meeting, row.subject_id)
    if meeting is None or meeting.organization_id != row.organization_id \
            or meeting.status != MeetingStatus.SCHEDULED:
        return _ended()
    return state_response(meeting, row.version)


@bp.post("/room/leave")
@access.public
def leave():
    """Forget this device's pairing (the screen goes back to "enter the code")."""
    from ..meetings.forms import ConfirmForm

    response = redirect(url_for("room.enter"))
    if ConfirmForm().validate_on_submit():
        response.delete_cookie(shortcut.COOKIE, path="/room")
    return response
