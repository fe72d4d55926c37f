"""A family's timeline of concerns and responses, and the decision log."""

from __future__ import annotations

from datetime import date

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import access
from ..extensions import db
from . import services
from .forms import (
    ConfirmForm,
    DecisionForm,
    EventForm,
)
from .models import (
    Document,
    EventKind,
    ManualDecision,
    TimelineEvent,
)
from .timeline import days_waiting, decision_log, family_timeline
from .views import bp, family_or_404

# --- timeline --------------------------------------------------------------------------

def _event_form(family) -> EventForm:
    form = EventForm()
    from wtforms.fields.choices import SelectChoice

    opening = db.session.execute(
        access.scoped(TimelineEvent).where(
            TimelineEvent.family_id == family.id,
            TimelineEvent.kind.in_([EventKind.CONCERN, EventKind.REQUEST]))
        .order_by(TimelineEvent.event_date)).scalars()
    form.responds_to.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(e.id), f"{e.event_date.isoformat()} · {e.kind_label}: "
                                f"{e.description[:60]}") for e in opening]
    docs = db.session.execute(access.scoped(Document).where(Document.family_id == family.id)
                              .order_by(Document.doc_date)).scalars()
    form.documents.choices = [
        SelectChoice(str(d.id), f"{d.title} ({d.doc_date or 'undated'})") for d in docs]
    return form


@bp.route("/families/<int:family_id>/timeline", methods=["GET", "POST"])
@access.read_or_require("edit_records")
def timeline(family_id):
    """The family's timeline: every event in date order, with the days between a
    concern and the district's response."""
    family = family_or_404(family_id)
    form = _event_form(family)
    if request.method == "POST":
        if form.validate_on_submit():
            mine = {"family_id": family.id}
            responds_to = (access.get_or_404(TimelineEvent, form.responds_to.data, **mine)
                           if form.responds_to.data else None)
            docs = [access.get_or_404(Document, d, **mine) for d in form.documents.data or []]
            services.add_event(family, event_date=form.event_date.data, kind=form.kind.data,
                               description=form.description.data, responds_to=responds_to,
                               documents=docs)
            db.session.commit()
            flash("Added to the timeline.", "success")
            return redirect(url_for(".timeline", family_id=family.id))
    entries = family_timeline(family)
    today = date.today()
    return render_template("packets/timeline.html", family=family, entries=entries, form=form,
                           today=today, days_waiting=days_waiting,
                           EventKind=EventKind), (400 if form.errors else 200)


@bp.post("/families/<int:family_id>/timeline/<int:event_id>/delete")
@access.require("edit_records")
def delete_event(family_id, event_id):
    """Remove a hand-entered timeline event."""
    family = family_or_404(family_id)
    event = access.get_or_404(TimelineEvent, event_id, family_id=family.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_event(event)
    db.session.commit()
    flash("Removed from the timeline.", "success")
    return redirect(url_for(".timeline", family_id=family.id))


# --- decision log ------------------------------------------------------------------------

@bp.route("/families/<int:family_id>/decisions", methods=["GET", "POST"])
@access.read_or_require("edit_records")
def decisions(family_id):
    """The decision log: meeting decisions and entries made by hand."""
    family = family_or_404(family_id)
    form = DecisionForm()
    if request.method == "POST":
        if form.validate_on_submit():
            services.add_decision(family, decided_on=form.decided_on.data, what=form.what.data,
                                  approved_by=form.approved_by.data, why=form.why.data)
            db.session.commit()
            flash("Added to the decision log.", "success")
            return redirect(url_for(".decisions", family_id=family.id))
    return render_template("packets/decisions.html", family=family,
                           entries=decision_log(family), form=form), (400 if form.errors else 200)


@bp.post("/families/<int:family_id>/decisions/<int:decision_id>/delete")
@access.require("edit_records")
def delete_decision(family_id, decision_id):
    """Remove a hand-made decision-log entry."""
    family = family_or_404(family_id)
    decision = access.get_or_404(ManualDecision, decision_id, family_id=family.id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    services.delete_decision(decision)
    db.session.commit()
    flash("Removed from the decision log.", "success")
    return redirect(url_for(".decisions", family_id=family.id))
