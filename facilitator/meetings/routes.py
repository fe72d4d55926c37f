"""Meetings: plan, prepare, run live (notes that are never lost) and close."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.orm import contains_eager, selectinload

from .. import access
from ..auth.models import Role, User
from ..content import PHASES, current_content
from ..db import begin_write
from ..extensions import db
from ..families.models import Family, TipKind
from ..families.services import tips_by_kind
from . import services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    ChecklistItemForm,
    ChecklistKeyForm,
    ConcernForm,
    ConfirmForm,
    DecisionForm,
    GroundRuleForm,
    MeetingForm,
    NoteForm,
    OrgChecklistItemForm,
    ParkingLotForm,
    ParticipantForm,
    ReflectionForm,
    ReflectionTipForm,
    StatusForm,
)
from .models import (
    ActionItem,
    AgendaItem,
    Concern,
    Decision,
    GroundRule,
    Meeting,
    MeetingStatus,
    NoteVersion,
    OrgChecklistItem,
    ParkingLotItem,
    Participant,
)
from .outcomes import OutcomeError, OutcomeForm, run_hooks
from .services import MeetingError, NoteConflict

bp = Blueprint("meetings", __name__)

PAGES = {"detail", "prepare", "live", "after"}


@bp.app_template_filter("localtime")
def localtime_filter(value, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A stored UTC time shown in the meetings' time zone."""
    local = services.to_local(value)
    return local.strftime(fmt) if local else "—"


def _back(meeting: Meeting, default: str, anchor: str = "") -> str:
    page = request.values.get("next")
    page = page if page in PAGES else default
    return url_for(f"meetings.{page}", meeting_id=meeting.id) + (f"#{anchor}" if anchor else "")


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
@login_required
def index():
    """The organization's meetings: today, upcoming, past; searchable by student."""
    when = request.args.get("when", "upcoming")
    when = when if when in WHEN else "upcoming"
    q = (request.args.get("q") or "").strip()[:100]
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
    args = {"when": when, **({"q": q} if q else {})}
    return render_template("meetings/index.html", page=page, when=when, whens=WHEN, q=q,
                           args=args)


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
            db.session.commit()
            flash("The meeting is saved.", "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
    return render_template("meetings/form.html", form=form, family=meeting.family,
                           meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    """A meeting's overview: when and where, participants, agenda, ground rules."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/detail.html", meeting=meeting,
                           status_form=StatusForm(status=meeting.status),
                           confirm=ConfirmForm(), counts=_counts(meeting))


def _counts(meeting: Meeting) -> dict:
    return {phase: services.checklist_counts(meeting, phase) for phase in PHASES}


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
            return redirect(_back(meeting, "detail"))
        db.session.commit()
        flash(" ".join([f"The meeting is now marked {meeting.status_label.lower()}.",
                        *messages]), "success")
    else:
        flash("Choose one of the listed statuses.", "error")
    return redirect(_back(meeting, "detail"))


@bp.get("/meetings/<int:meeting_id>/calendar.ics")
@login_required
def ics(meeting_id: int):
    """The meeting as a calendar file (iCalendar) to add to any calendar."""
    meeting = access.get_or_404(Meeting, meeting_id)
    body = services.meeting_ics(meeting, request.host.split(":")[0] or "facilitator")
    filename = f"meeting-{meeting.id}.ics"
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- preparation -----------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/prepare")
@login_required
def prepare(meeting_id: int):
    """Get ready: the family's tip file, the before-checklist, who is coming."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template(
        "meetings/prepare.html", meeting=meeting, family=meeting.family,
        groups=tips_by_kind(meeting.family), confirm=ConfirmForm(),
        checklist=_checklist_view(meeting, "before"), counts=_counts(meeting))


@bp.post("/meetings/<int:meeting_id>/tips-reviewed")
@access.require("edit_meetings")
def tips_reviewed(meeting_id: int):
    """Record that the tip file was reviewed for this meeting (who and when)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if ConfirmForm().validate_on_submit():
        services.mark_tips_reviewed(meeting, current_user.id)
        db.session.commit()
        flash("Marked: you reviewed the tip file for this meeting.", "success")
    return redirect(url_for("meetings.prepare", meeting_id=meeting.id) + "#tips")


# --- checklists ------------------------------------------------------------------------


@dataclass
class ChecklistRow:
    item: services.EffectiveItem
    progress: object
    form: ChecklistItemForm


def _checklist_view(meeting: Meeting, phase: str) -> dict:
    progress = services.progress_by_key(meeting)
    rows = []
    for item in services.checklist_items(meeting.organization_id, phase):
        p = progress.get(item.key)
        form = ChecklistItemForm(formdata=None, item_key=item.key, done=bool(p and p.done),
                                 note=p.note if p else "")
        form.done.id = f"done-{item.key}"
        form.note.id = f"note-{item.key}"
        rows.append(ChecklistRow(item, p, form))
    done = sum(1 for r in rows if r.progress and r.progress.done)
    return {"phase": phase, "title": current_content().checklists[phase].title, "rows": rows,
            "done": done, "total": len(rows)}


@bp.post("/meetings/<int:meeting_id>/checklist/<phase>")
@access.require("edit_meetings")
def checklist_item(meeting_id: int, phase: str):
    """Tick or untick one checklist item for the meeting, with a note."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if phase not in PHASES:
        abort(404)
    form = ChecklistItemForm()
    default = {"before": "prepare", "during": "live", "after": "after"}[phase]
    if form.validate_on_submit():
        try:
            services.set_checklist_item(meeting, phase, form.item_key.data, form.done.data,
                                        form.note.data or "", current_user.id)
        except MeetingError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
    else:
        flash("The note is too long (1000 characters at most).", "error")
    anchor = f"item-{form.item_key.data or ''}"
    if phase == "during" and request.values.get("next", "live") == "live":
        # Come back with the checklist open at the item just ticked.
        return redirect(url_for("meetings.live", meeting_id=meeting.id, checklist="open")
                        + f"#{anchor}")
    return redirect(_back(meeting, default, anchor))


@bp.get("/meetings/<int:meeting_id>/checklists/print")
@login_required
def checklist_print(meeting_id: int):
    """All three checklists of a meeting, laid out for paper."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/checklist_print.html", meeting=meeting,
                           checklists=[_checklist_view(meeting, p) for p in PHASES])


@bp.get("/admin/checklists")
@access.require("manage_settings")
def checklist_admin():
    """The organization's checklists: hide default items, add its own."""
    org_id = current_user.organization_id
    hidden = services.hidden_keys(org_id)
    content = current_content()
    return render_template("meetings/checklist_admin.html", content=content, hidden=hidden,
                           own={p: services.org_items(org_id, p) for p in PHASES},
                           form=OrgChecklistItemForm(), key_form=ChecklistKeyForm(),
                           confirm=ConfirmForm(), phases=PHASES)


@bp.post("/admin/checklists/hide")
@access.require("manage_settings")
def checklist_hide():
    """Hide a default item for the whole organization."""
    form = ChecklistKeyForm()
    if form.validate_on_submit():
        try:
            services.hide_item(current_user.organization_id, form.item_key.data,
                               current_user.id)
        except MeetingError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("The item is hidden from your organization's checklists.", "success")
    return redirect(url_for("meetings.checklist_admin") + f"#item-{form.item_key.data}")


@bp.post("/admin/checklists/show")
@access.require("manage_settings")
def checklist_unhide():
    """Show a hidden default item again."""
    form = ChecklistKeyForm()
    if form.validate_on_submit():
        services.unhide_item(current_user.organization_id, form.item_key.data)
        db.session.commit()
        flash("The item is back in your organization's checklists.", "success")
    return redirect(url_for("meetings.checklist_admin") + f"#item-{form.item_key.data}")


@bp.post("/admin/checklists/items")
@access.require("manage_settings")
def checklist_add():
    """Add an item of the organization's own to a checklist."""
    form = OrgChecklistItemForm()
    if form.validate_on_submit():
        item = services.add_org_item(current_user.organization_id, form.phase.data,
                                     form.text.data, form.help.data or "")
        db.session.commit()
        flash("Your item is added.", "success")
        return redirect(url_for("meetings.checklist_admin") + f"#item-{item.key}")
    org_id = current_user.organization_id
    return render_template("meetings/checklist_admin.html", content=current_content(),
                           hidden=services.hidden_keys(org_id),
                           own={p: services.org_items(org_id, p) for p in PHASES},
                           form=form, key_form=ChecklistKeyForm(), confirm=ConfirmForm(),
                           phases=PHASES), 200


@bp.post("/admin/checklists/items/<int:item_id>/remove")
@access.require("manage_settings")
def checklist_remove(item_id: int):
    """Remove one of the organization's own items (meetings keep what they ticked)."""
    item = access.get_or_404(OrgChecklistItem, item_id)
    if ConfirmForm().validate_on_submit():
        services.remove_org_item(item)
        db.session.commit()
        flash("The item is removed.", "success")
    return redirect(url_for("meetings.checklist_admin"))


# --- the live meeting ------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/live")
@login_required
def live(meeting_id: int):
    """The meeting on a tablet: checklist, agenda timers, notes, prompts, the boards."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if meeting.note is None:  # meetings made before notes existed: give them one
        begin_write()
        meeting = access.get_or_404(Meeting, meeting_id)
        services.ensure_note(meeting)
        db.session.commit()
    note = meeting.note
    content = current_content()
    stage = request.args.get("stage", "")
    situation = request.args.get("situation", "")
    q = (request.args.get("q") or "").strip().lower()[:100]
    prompts = [p for p in content.prompts
               if (not stage or p.stage == stage)
               and (not situation or situation in p.situations)
               and (not q or q in p.text.lower())]
    stage_labels = {s.key: s.label for s in content.stages}
    situation_labels = {s.key: s.label for s in content.situations}
    return render_template(
        "meetings/live.html", meeting=meeting, note=note,
        checklist=_checklist_view(meeting, "during"), prompts=prompts, all_prompts=content.prompts,
        stages=content.stages, situations=content.situations, stage=stage,
        situation=situation, q=q, stage_labels=stage_labels, situation_labels=situation_labels,
        forms={"concerns": ConcernForm(formdata=None), "decisions": DecisionForm(formdata=None),
               "actions": ActionItemForm(formdata=None),
               "parking": ParkingLotForm(formdata=None)},
        note_form=NoteForm(formdata=None, body=note.body, base_version=note.version),
        notes_config={
            "meetingId": meeting.id, "userId": current_user.id,
            "version": note.version, "saveUrl": url_for("meetings.notes_save",
                                                        meeting_id=meeting.id),
            "canEdit": access.can("edit_meetings")},
    )


def _api(capability: str):
    """Like access.require, but answers JSON (a fetch must not follow a login redirect)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return jsonify(error="signed-out",
                               message="You are signed out. Your notes are kept in this "
                                       "browser; sign in again to send them."), 401
            if not access.can(capability):
                return jsonify(error="forbidden",
                               message="Your role cannot change these notes."), 403
            return view(*args, **kwargs)

        return wrapped

    return decorator


@bp.get("/meetings/<int:meeting_id>/notes")
@_api("edit_meetings")
def notes_get(meeting_id: int):
    """The notes as the server has them: text and version (JSON)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    note = meeting.note
    return jsonify(body=note.body if note else "", version=note.version if note else 0)


@bp.post("/meetings/<int:meeting_id>/notes")
@_api("edit_meetings")
def notes_save(meeting_id: int):
    """Save the notes (autosave sends JSON; without JavaScript a form); 409 on a stale version."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if request.is_json:
        data = request.get_json(silent=True) or {}
        body, base = data.get("body"), data.get("base_version")
        if not isinstance(body, str) or not isinstance(base, int) or isinstance(base, bool):
            return jsonify(error="bad-request",
                           message="Send the notes as text and the version as a number."), 400
    else:
        form = NoteForm()
        if not form.validate_on_submit():
            flash("The notes could not be saved: reload the page and try again.", "error")
            return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")
        body, base = form.body.data or "", form.base_version.data
    body = body.replace("\r\n", "\n")
    try:
        note = services.save_note(meeting, body, base, current_user.id)
    except NoteConflict as conflict:
        db.session.rollback()
        if request.is_json:
            return jsonify(error="conflict",
                           message=f"{conflict.updated_by} saved these notes while you were "
                                   "typing. Nothing was overwritten: merge the two versions.",
                           server_body=conflict.body, server_version=conflict.version), 409
        return render_template("meetings/notes_conflict.html", meeting=meeting, mine=body,
                               conflict=conflict,
                               form=NoteForm(formdata=None, body=body,
                                             base_version=conflict.version)), 409
    except MeetingError as exc:
        db.session.rollback()
        if request.is_json:
            return jsonify(error="too-long", message=str(exc)), 413
        flash(str(exc), "error")
        return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")
    db.session.commit()
    if request.is_json:
        return jsonify(version=note.version, saved_at=note.updated_at.isoformat())
    flash(f"The notes are saved (version {note.version}).", "success")
    return redirect(url_for("meetings.live", meeting_id=meeting.id) + "#notes")


@bp.get("/meetings/<int:meeting_id>/notes/versions")
@login_required
def note_versions(meeting_id: int):
    """Every saved version of the notes, newest first."""
    meeting = access.get_or_404(Meeting, meeting_id)
    versions = services.note_versions(meeting.note) if meeting.note else []
    return render_template("meetings/note_versions.html", meeting=meeting, versions=versions)


@bp.get("/meetings/<int:meeting_id>/notes/versions/<int:version>")
@login_required
def note_version(meeting_id: int, version: int):
    """One saved version of the notes, as it was."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if meeting.note is None:
        abort(404)
    found = db.session.execute(db.select(NoteVersion).where(
        NoteVersion.note_id == meeting.note.id, NoteVersion.version == version)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return render_template("meetings/note_version.html", meeting=meeting, version=found)


# --- the records of a meeting: one set of views for each kind ------------------------------


@dataclass(frozen=True)
class ChildKind:
    model: type
    form: type
    label: str
    page: str
    anchor: str
    positioned: bool = False


CHILD_KINDS = {
    "participants": ChildKind(Participant, ParticipantForm, "participant", "detail",
                              "participants"),
    "agenda": ChildKind(AgendaItem, AgendaItemForm, "agenda item", "detail", "agenda", True),
    "rules": ChildKind(GroundRule, GroundRuleForm, "ground rule", "detail", "rules", True),
    "concerns": ChildKind(Concern, ConcernForm, "concern", "live", "concerns"),
    "decisions": ChildKind(Decision, DecisionForm, "decision", "live", "decisions"),
    "actions": ChildKind(ActionItem, ActionItemForm, "action item", "live", "actions"),
    "parking": ChildKind(ParkingLotItem, ParkingLotForm, "parking-lot item", "live", "parking"),
}


def _kind_or_404(kind: str) -> ChildKind:
    if kind not in CHILD_KINDS:
        abort(404)
    return CHILD_KINDS[kind]


def _child_or_404(meeting: Meeting, spec: ChildKind, item_id: int):
    obj = access.get_or_404(spec.model, item_id)
    if obj.meeting_id != meeting.id:
        abort(404)
    return obj


def _siblings(meeting: Meeting, spec: ChildKind) -> list:
    return list(db.session.execute(db.select(spec.model).where(
        spec.model.meeting_id == meeting.id)).scalars())


@bp.route("/meetings/<int:meeting_id>/<kind>/new", methods=["GET", "POST"])
@access.require("edit_meetings")
def child_new(meeting_id: int, kind: str):
    """Add a participant, agenda item, ground rule, concern, decision, action or topic."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    form = spec.form()
    if form.validate_on_submit():
        obj = spec.model(organization_id=meeting.organization_id, meeting_id=meeting.id)
        if spec.positioned:
            obj.position = services.next_position(_siblings(meeting, spec))
        _fill(obj, form)
        db.session.add(obj)
        db.session.commit()
        flash(f"The {spec.label} is added.", "success")
        return redirect(_back(meeting, spec.page, spec.anchor))
    return render_template("meetings/item_form.html", meeting=meeting, form=form, spec=spec,
                           kind=kind, item=None, back=_back(meeting, spec.page, spec.anchor))


def _fill(obj, form) -> None:
    """Copy a form's fields onto a record (strings trimmed); the form was validated."""
    for f in form:
        if f.name == "csrf_token":
            continue
        value = f.data.strip() if isinstance(f.data, str) else f.data
        setattr(obj, f.name, value)
    db.session.flush()


@bp.route("/meetings/<int:meeting_id>/<kind>/<int:item_id>", methods=["GET", "POST"])
@access.require("edit_meetings")
def child_edit(meeting_id: int, kind: str, item_id: int):
    """Change one record of the meeting."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    obj = _child_or_404(meeting, spec, item_id)
    form = spec.form(obj=obj)
    if form.validate_on_submit():
        _fill(obj, form)
        db.session.commit()
        flash(f"The {spec.label} is saved.", "success")
        return redirect(_back(meeting, spec.page, spec.anchor))
    return render_template("meetings/item_form.html", meeting=meeting, form=form, spec=spec,
                           kind=kind, item=obj, confirm=ConfirmForm(),
                           back=_back(meeting, spec.page, spec.anchor))


@bp.post("/meetings/<int:meeting_id>/<kind>/<int:item_id>/delete")
@access.require("edit_meetings")
def child_delete(meeting_id: int, kind: str, item_id: int):
    """Remove one record of the meeting (the page asked first)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    obj = _child_or_404(meeting, spec, item_id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(obj)
        db.session.commit()
        flash(f"The {spec.label} is removed.", "success")
    return redirect(_back(meeting, spec.page, spec.anchor))


@bp.post("/meetings/<int:meeting_id>/<kind>/<int:item_id>/move")
@access.require("edit_meetings")
def child_move(meeting_id: int, kind: str, item_id: int):
    """Move an agenda item or ground rule up or down."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    if not spec.positioned:
        abort(404)
    obj = _child_or_404(meeting, spec, item_id)
    direction = request.form.get("direction")
    if ConfirmForm().validate_on_submit() and direction in ("up", "down"):
        services.move(obj, _siblings(meeting, spec), direction)
        db.session.commit()
    return redirect(_back(meeting, spec.page, f"{spec.anchor}-{obj.id}"))


# --- after the meeting -----------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/after")
@login_required
def after(meeting_id: int):
    """Close the meeting: the after-checklist, a reflection, and the tip-file step."""
    meeting = access.get_or_404(Meeting, meeting_id)
    return render_template("meetings/after.html", **_after_context(meeting))


def _after_context(meeting: Meeting, reflection_form=None, tip_form=None) -> dict:
    r = meeting.reflection
    reflection_form = reflection_form or ReflectionForm(
        formdata=None, what_worked=r.what_worked if r else "",
        what_did_not=r.what_did_not if r else "")
    tip_form = tip_form or ReflectionTipForm(
        formdata=None, kind=TipKind.OTHER.value, text=services.reflection_tip_text(meeting))
    return {"meeting": meeting, "checklist": _checklist_view(meeting, "after"),
            "reflection_form": reflection_form, "tip_form": tip_form,
            "status_form": StatusForm(status=meeting.status), "held": MeetingStatus.HELD,
            "outcome_form": OutcomeForm(meeting, formdata=None, outcome=meeting.outcome or None)}


@bp.post("/meetings/<int:meeting_id>/reflection")
@access.require("edit_meetings")
def reflection(meeting_id: int):
    """Save what worked and what did not."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = ReflectionForm()
    if form.validate_on_submit():
        services.save_reflection(meeting, form.what_worked.data or "",
                                 form.what_did_not.data or "", current_user.id)
        db.session.commit()
        flash("Your reflection is saved.", "success")
        return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#reflection")
    return render_template("meetings/after.html",
                           **_after_context(meeting, reflection_form=form)), 200


@bp.post("/meetings/<int:meeting_id>/reflection/tip")
@access.require("edit_meetings")
def reflection_tip(meeting_id: int):
    """Turn the reflection into an entry of the family's tip file, in one step."""
    meeting = access.get_or_404(Meeting, meeting_id)
    if not access.can("edit_families"):
        abort(403)
    form = ReflectionTipForm()
    if form.validate_on_submit():
        try:
            services.reflection_to_tip(meeting, form.kind.data, form.text.data, current_user.id)
        except MeetingError as exc:
            flash(str(exc), "error")
            return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#reflection")
        db.session.commit()
        flash(f"Added to {meeting.family.student_name}'s tip file. It will show when the "
              "next meeting is prepared.", "success")
        return redirect(url_for("meetings.after", meeting_id=meeting.id) + "#to-tip")
    return render_template("meetings/after.html",
                           **_after_context(meeting, tip_form=form)), 200


@bp.after_app_request
def clear_drafts_on_sign_out(response):
    """Signing out also tells the browser to drop what it stored (unsent notes drafts).

    meeting-notes.js removes the drafts itself when the sign-out form is sent; this
    header covers a sign-out from a page that did not load it.
    """
    if request.endpoint == "auth.logout" and request.method == "POST":
        response.headers["Clear-Site-Data"] = '"storage"'
    return response


# Views kept in their own modules, registered on this blueprint.
from . import closing, summary  # noqa: E402,F401
