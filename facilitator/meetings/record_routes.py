"""A meeting's records, one set of views per kind: participants, agenda, ground rules, concerns,
decisions, action items and the parking lot."""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
)

from .. import access
from ..extensions import db
from . import services
from .forms import (
    ActionItemForm,
    AgendaItemForm,
    ConcernForm,
    ConfirmForm,
    DecisionForm,
    GroundRuleForm,
    ParkingLotForm,
    ParticipantForm,
)
from .live_models import ActionItem, Concern, Decision, ParkingLotItem
from .models import AgendaItem, GroundRule, Meeting, Participant
from .views import back_url, bp

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
        return redirect(back_url(meeting, spec.page, spec.anchor))
    return render_template("meetings/item_form.html", meeting=meeting, form=form, spec=spec,
                           kind=kind, item=None, back=back_url(meeting, spec.page, spec.anchor))


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
    obj = access.get_or_404(spec.model, item_id, meeting_id=meeting.id)
    form = spec.form(obj=obj)
    if form.validate_on_submit():
        _fill(obj, form)
        db.session.commit()
        flash(f"The {spec.label} is saved.", "success")
        return redirect(back_url(meeting, spec.page, spec.anchor))
    return render_template("meetings/item_form.html", meeting=meeting, form=form, spec=spec,
                           kind=kind, item=obj, confirm=ConfirmForm(),
                           back=back_url(meeting, spec.page, spec.anchor))


@bp.post("/meetings/<int:meeting_id>/<kind>/<int:item_id>/delete")
@access.require("edit_meetings")
def child_delete(meeting_id: int, kind: str, item_id: int):
    """Remove one record of the meeting (the page asked first)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    obj = access.get_or_404(spec.model, item_id, meeting_id=meeting.id)
    if ConfirmForm().validate_on_submit():
        db.session.delete(obj)
        db.session.commit()
        flash(f"The {spec.label} is removed.", "success")
    return redirect(back_url(meeting, spec.page, spec.anchor))


@bp.post("/meetings/<int:meeting_id>/<kind>/<int:item_id>/move")
@access.require("edit_meetings")
def child_move(meeting_id: int, kind: str, item_id: int):
    """Move an agenda item or ground rule up or down."""
    meeting = access.get_or_404(Meeting, meeting_id)
    spec = _kind_or_404(kind)
    if not spec.positioned:
        abort(404)
    obj = access.get_or_404(spec.model, item_id, meeting_id=meeting.id)
    direction = request.form.get("direction")
    if ConfirmForm().validate_on_submit() and direction in ("up", "down"):
        services.move(obj, _siblings(meeting, spec), direction)
        db.session.commit()
    return redirect(back_url(meeting, spec.page, f"{spec.anchor}-{obj.id}"))
