"""The meetings list, planning and editing a meeting, its overview, status and calendar file."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import contains_eager, selectinload

from .. import access
from ..auth.models import Role, User
from ..extensions import db
from ..families.models import Family
from ..web import attachment, remember_search, remembered_search
from . import mail, services
from .forms import (
    ConfirmForm,
    MeetingForm,
    StatusForm,
)
from .models import (
    Meeting,
)
from .outcomes import OutcomeError, run_hooks
from .services import MeetingError
from .views import back_url, bp, phase_counts


def _facilitator_choices():
    from wtforms.fields.choices import SelectChoice

    users = db.session.execute(
        access.scoped(User).where(User.active.is_(True),
                                  User.role.in_([Role.ADMIN, Role.FACILITATOR]))
        .order_by(User.name, User.email)).scalars()
    return [SelectChoice("", "Not decided yet")] + [
        SelectChoice(str(u.id), u.display_name) for u in users]


def _meeting_data(form: MeetingForm) -> dict:
    return {
        "kind": form.kind.data,
        "starts_at": services.from_local(form.starts_at.data),
        "duration_minutes": form.duration_minutes.data,
        "location": form.location.data or "",
        "video_link": form.video_link.data or "",
        "facilitator_id": int(form.facilitator_id.data) if form.facilitator_id.data else None,
        "purpose": form.purpose.data or "",
    }


# --- list, create, edit ----------------------------------------------------------------

WHEN = {"upcoming": "Upcoming", "today": "Today", "past": "Past", "all": "All"}


@bp.get("/meetings/")
@access.signed_in
def index():
    """The organization's meetings: today, upcoming, past; searchable by student."""
    when = request.args.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    q = remembered_search("meetings")
    stmt = access.scoped(Meeting).join(Meeting.family).options(
        contains_eager(Meeting.family), selectinload(Meeting.facilitator))
    start, end = services.local_today_bounds()
    if when == "upcoming":
        stmt = stmt.where(Meeting.starts_at >= start).order_by(Meeting.starts_at)
    elif when == "today":
        stmt = stmt.where(Meeting.starts_at >= start, Meeting.starts_at < end).order_by(
            Meeting.starts_at)
    elif when == "past":
        stmt = stmt.where(Meeting.starts_at < start).order_by(Meeting.starts_at.desc())
    else:
        stmt = stmt.order_by(Meeting.starts_at.desc())
    if q:
        stmt = stmt.where(func.lower(Family.student_name).like(f"%{q.lower()}%"))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("meetings/index.html", page=page, when=when, whens=WHEN, q=q,
                           args={"when": when}, search_form=ConfirmForm())


@bp.post("/meetings/")
@access.signed_in
def search():
    """Search meetings by student; the text is kept in the session, not the URL."""
    if ConfirmForm().validate_on_submit():
        remember_search("meetings", request.form.get("q", ""))
    when = request.form.get("when", "upcoming")
    return redirect(url_for("meetings.index", when=when if when in WHEN else "upcoming"))


@bp.route("/families/<int:family_id>/meetings/new", methods=["GET", "POST"])
@access.require("edit_meetings")
def new(family_id: int):
    """Plan a meeting for a family (default agenda and ground rules included)."""
    family = access.get_or_404(Family, family_id)
    form = MeetingForm()
    form.facilitator_id.choices = _facilitator_choices()
    if request.method == "GET" and current_user.role in (Role.ADMIN, Role.FACILITATOR):
        form.facilitator_id.data = str(current_user.id)
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(family, _meeting_data(form))
        except MeetingError as exc:
            form.kind.errors.append(str(exc))
        else:
            mail.sync_invitations(meeting)
            db.session.commit()
            flash("The meeting is planned. Add the participants and check the agenda.",
                  "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, family=family, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@access.require("edit_meetings")
def edit(meeting_id: int):
    """Change when, where and why a meeting happens."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = MeetingForm(obj=meeting)
    form.facilitator_id.choices = _facilitator_choices()
    if request.method == "GET":
        form.starts_at.data = services.to_local(meeting.starts_at).replace(tzinfo=None)
        form.facilitator_id.data = str(meeting.facilitator_id or "")
    if form.validate_on_submit():
        try:
            services.update_meeting(meeting, _meeting_data(form))
        except MeetingError as exc:
            db.session.rollback()
            form.duration_minutes.errors.append(str(exc))
        else:
            db.session.flush()  # a changed time or place raises the calendar SEQUENCE
            mail.sync_invitations(meeting)
            db.session.commit()
            flash("The meeting is saved.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, family=meeting.family,
                           meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
@access.signed_in
def detail(meeting_id: int):
    """A meeting's overview: when and where, participants, agenda, ground rules."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/detail.html", meeting=meeting,
                           status_form=StatusForm(status=meeting.status),
                           confirm=ConfirmForm(), counts=phase_counts(meeting))


@bp.post("/meetings/<int:meeting_id>/status")
@access.require("edit_meetings")
def status(meeting_id: int):
    """Mark a meeting scheduled, held or cancelled."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = StatusForm()
    if form.validate_on_submit():
        services.set_status(meeting, form.status.data)
        try:
            messages = run_hooks(meeting)
        except OutcomeError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(back_url(meeting, "detail"))
        mail.sync_invitations(meeting)
        db.session.commit()
        flash(" ".join([f"The meeting is now marked {meeting.status_label.lower()}.",
                        *messages]), "success")
    else:
        flash("Choose one of the listed statuses.", "error")
    return redirect(back_url(meeting, "detail"))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@access.signed_in
def ics(meeting_id: int):
    """The meeting as a calendar file (iCalendar) to add to any calendar."""
    meeting = access.get_or_404(Meeting, meeting_id)
    body = services.meeting_ics(meeting)
    return attachment(body, f"meeting-{meeting.id}.ics", "text/calendar")

