"""Staff pages: the organization's commitments, a meeting's commitments and review date,
one commitment with its history, the CSV and the settings."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import access, audit
from ..adr.models import AdrCase
from ..extensions import db
from ..meetings.forms import ConfirmForm
from ..meetings.models import Meeting
from ..meetings.services import from_local, local_zone
from ..web import attachment
from . import lists, mail, services
from .forms import (
    CommitmentForm,
    FollowUpForm,
    OwnerForm,
    ReviewForm,
    SettingsForm,
    UpdateForm,
)
from .models import Commitment
from .services import CommitmentError
from .views import bp
from .vocabulary import Source


def _record(family_id: int, record_id: int) -> None:
    audit.record(audit.Action.VIEWED, audit.RecordKind.COMMITMENTS, record_id,
                 family_id=family_id)


@bp.get("/commitments/")
@access.signed_in
def index():
    """The organization's commitments: due this week, overdue, by school, owner or meeting."""
    org = access.current_org_id()
    f = lists.Filters.from_args(request.args)
    page = db.paginate(lists.statement(org, f), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("commitments/index.html", page=page, f=f, views=lists.VIEWS,
                           schools=lists.schools(org), today=services.today())


@bp.get("/commitments/export.csv")
@access.require("view_reports")
def export():
    """The filtered commitments as CSV (every cell formula-safe)."""
    org = access.current_org_id()
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        lists.csv_rows(org, lists.Filters.from_args(request.args)))
    audit.record(audit.Action.EXPORTED, audit.RecordKind.COMMITMENTS, None)
    db.session.commit()
    return attachment(out.getvalue(), "commitments.csv", "text/csv; charset=utf-8")


def _origins(meeting: Meeting) -> list[tuple[str, str]]:
    out = [("", "Added after the meeting")]
    out += [(f"decision-{d.id}", f"Decision: {d.text[:80]}") for d in meeting.decisions]
    out += [(f"concern-{c.id}", f"Agreement: {c.title[:80]}") for c in meeting.concerns
            if c.agreement]
    return out


def _commitment_form(meeting: Meeting | None, org: int, formdata=None) -> CommitmentForm:
    form = CommitmentForm(formdata=formdata) if formdata is not None else CommitmentForm()
    form.owner.choices = services.owner_choices(org, meeting)
    form.origin.choices = _origins(meeting) if meeting else [("", "Mediation agreement")]
    return form


def _origin_links(meeting: Meeting, origin: str) -> tuple[str, dict]:
    kind, _, ident = (origin or "").partition("-")
    if kind == "decision" and ident.isdigit() and any(
            d.id == int(ident) for d in meeting.decisions):
        return Source.DECISION, {"decision_id": int(ident)}
    if kind == "concern" and ident.isdigit() and any(
            c.id == int(ident) for c in meeting.concerns):
        return Source.AGREEMENT, {"concern_id": int(ident)}
    if origin:
        raise CommitmentError("Choose where the commitment comes from in the list.")
    return Source.OTHER, {}


def _create(form: CommitmentForm, *, family_id: int, org: int, meeting=None, case=None):
    owner = services.resolve_owner(org, meeting, form.owner.data, form.owner_name.data,
                                   form.owner_email.data, form.owner_language.data)
    if meeting is not None:
        source, extra = _origin_links(meeting, form.origin.data)
    else:
        source, extra = Source.MEDIATION, {}
    return services.create_commitment(
        family_id=family_id, org_id=org, task=form.task.data, owner=owner,
        due_on=form.due_on.data, meeting=meeting, case=case, source=source,
        user=current_user, **extra)


@bp.route("/commitments/meetings/<int:meeting_id>", methods=["GET", "POST"])
@access.read_or_require("edit_meetings")
def meeting_page(meeting_id: int):
    """A meeting's commitments, the review date, the follow-up, the family's link."""
    meeting = access.get_or_404(Meeting, meeting_id)
    org = meeting.organization_id
    form = _commitment_form(meeting, org, None if request.method == "POST" else {})
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _create(form, family_id=meeting.family_id, org=org, meeting=meeting)
            except CommitmentError as exc:
                db.session.rollback()
                form.task.errors = [*form.task.errors, str(exc)]
                status = 400
            else:
                db.session.commit()
                flash("The commitment is recorded.", "success")
                return redirect(url_for(".meeting_page", meeting_id=meeting.id))
        else:
            status = 400
    commitments = db.session.execute(db.select(Commitment).where(
        Commitment.meeting_id == meeting.id).order_by(Commitment.id)).scalars().all()
    review = db.session.execute(db.select(services.CommitmentReview).where(
        services.CommitmentReview.meeting_id == meeting.id)).scalar_one_or_none()
    _record(meeting.family_id, meeting.id)
    db.session.commit()
    start = meeting.starts_at_utc.astimezone(local_zone())
    return render_template(
        "commitments/meeting.html", meeting=meeting, commitments=commitments, form=form,
        review=review, today=services.today(),
        review_form=ReviewForm(formdata=None, review_on=review.review_on if review else None),
        follow_form=FollowUpForm(formdata=None, starts_at=datetime.combine(
            review.review_on + timedelta(days=7), start.time()) if review else None)), status


@bp.route("/commitments/cases/<int:case_id>", methods=["GET", "POST"])
@access.read_or_require("edit_cases")
def case_page(case_id: int):
    """A mediation agreement's commitments, on its dispute-resolution case."""
    case = access.get_or_404(AdrCase, case_id)
    form = _commitment_form(None, case.organization_id,
                            None if request.method == "POST" else {})
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        try:
            if case.family_id is None:
                raise CommitmentError("Link this case to a family first: a commitment is "
                                      "made to a family.")
            _create(form, family_id=case.family_id, org=case.organization_id, case=case)
        except CommitmentError as exc:
            db.session.rollback()
            form.task.errors = [*form.task.errors, str(exc)]
            status = 400
        else:
            db.session.commit()
            flash("The commitment is recorded.", "success")
            return redirect(url_for(".case_page", case_id=case.id))
    elif request.method == "POST":
        status = 400
    commitments = db.session.execute(db.select(Commitment).where(
        Commitment.case_id == case.id).order_by(Commitment.id)).scalars().all()
    if case.family_id:
        _record(case.family_id, case.id)
    db.session.commit()
    return render_template("commitments/case.html", case=case, commitments=commitments,
                           form=form, today=services.today()), status


@bp.route("/commitments/<int:commitment_id>", methods=["GET", "POST"])
@access.read_or_require("edit_meetings")
def detail(commitment_id: int):
    """One commitment: its history, a status or due-date update with a note, its owner."""
    c = access.get_or_404(Commitment, commitment_id)
    form = UpdateForm() if request.method == "POST" else UpdateForm(
        formdata=None, status=c.status, due_on=c.due_on)
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.update_commitment(c, status=form.status.data, due_on=form.due_on.data,
                                           note=form.note.data, user=current_user)
            except CommitmentError as exc:
                db.session.rollback()
                form.status.errors = [*form.status.errors, str(exc)]
                status = 400
            else:
                db.session.commit()
                flash("The update is recorded.", "success")
                return redirect(url_for(".detail", commitment_id=commitment_id))
        else:
            status = 400
        c = access.get_or_404(Commitment, commitment_id)
    owner_form = OwnerForm(formdata=None, owner=_owner_value(c), owner_name=c.owner_name,
                           owner_email=c.owner_email, owner_language=c.owner_language)
    owner_form.owner.choices = services.owner_choices(c.organization_id, c.meeting)
    _record(c.family_id, c.id)
    db.session.commit()
    return render_template("commitments/detail.html", c=c, form=form, owner_form=owner_form,
                           today=services.today()), status


def _owner_value(c: Commitment) -> str:
    if c.owner_user_id:
        return f"user-{c.owner_user_id}"
    if c.owner_participant_id:
        return f"participant-{c.owner_participant_id}"
    return ""


@bp.post("/commitments/<int:commitment_id>/owner")
@access.require("edit_meetings")
def owner(commitment_id: int):
    """Give the commitment another owner."""
    c = access.get_or_404(Commitment, commitment_id)
    form = OwnerForm()
    form.owner.choices = services.owner_choices(c.organization_id, c.meeting)
    try:
        if not form.validate_on_submit():
            raise CommitmentError(" ".join(e for errs in form.errors.values() for e in errs))
        services.set_owner(c, services.resolve_owner(
            c.organization_id, c.meeting, form.owner.data, form.owner_name.data,
            form.owner_email.data, form.owner_language.data), user=current_user)
    except CommitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".detail", commitment_id=commitment_id))
    db.session.commit()
    flash("The owner is changed.", "success")
    return redirect(url_for(".detail", commitment_id=commitment_id))


@bp.post("/commitments/<int:commitment_id>/link")
@access.require("edit_meetings")
def send_link(commitment_id: int):
    """Mail the owner a link to report progress (a new link; older ones keep working)."""
    c = access.get_or_404(Commitment, commitment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    message = mail.send_owner_link(c, user=current_user)
    if message is None:
        flash("Add the owner's email address first.", "error")
        return redirect(url_for(".detail", commitment_id=commitment_id))
    db.session.commit()
    flash(f"A link is on its way to {message.recipient}.", "success")
    return redirect(url_for(".detail", commitment_id=commitment_id))


@bp.post("/commitments/meetings/<int:meeting_id>/family-link")
@access.require("edit_meetings")
def make_family_link(meeting_id: int):
    """Make the family's link to see the commitments (shown once on the page)."""
    from ..i18n import family_language

    meeting = access.get_or_404(Meeting, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    language = request.form.get("language") or family_language(meeting.family)
    link = mail.family_link(meeting, language if language in ("en", "es") else "en",
                            user=current_user)
    db.session.commit()
    return render_template("commitments/family_link.html", meeting=meeting, link=link)


@bp.post("/commitments/meetings/<int:meeting_id>/review")
@access.require("edit_meetings")
def review(meeting_id: int):
    """Set the review date, or mark the commitments reviewed."""
    meeting = access.get_or_404(Meeting, meeting_id)
    rv = services.ensure_review(meeting)
    form = ReviewForm()
    try:
        if request.form.get("action") == "reviewed":
            services.mark_reviewed(rv, current_user)
        elif form.validate_on_submit():
            services.set_review_date(rv, form.review_on.data)
        else:
            raise CommitmentError(" ".join(e for errs in form.errors.values() for e in errs))
    except CommitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".meeting_page", meeting_id=meeting.id) + "#review")
    db.session.commit()
    flash("The review is saved.", "success")
    return redirect(url_for(".meeting_page", meeting_id=meeting.id) + "#review")


@bp.post("/commitments/meetings/<int:meeting_id>/follow-up")
@access.require("edit_meetings")
def follow_up(meeting_id: int):
    """Schedule the follow-up meeting in one step (same family, same participants)."""
    meeting = access.get_or_404(Meeting, meeting_id)
    form = FollowUpForm()
    try:
        if not form.validate_on_submit():
            raise CommitmentError(" ".join(e for errs in form.errors.values() for e in errs))
        new = services.schedule_follow_up(services.ensure_review(meeting),
                                          from_local(form.starts_at.data), current_user)
    except CommitmentError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".meeting_page", meeting_id=meeting.id) + "#review")
    db.session.commit()
    flash("The follow-up meeting is scheduled; its participants are invited.", "success")
    return redirect(url_for("meetings.detail", meeting_id=new.id))


@bp.route("/commitments/settings", methods=["GET", "POST"])
@access.require("manage_settings")
def settings():
    """The organization's review days and reminder days."""
    org = access.current_org_id()
    current = services.settings_for(org)
    form = SettingsForm() if request.method == "POST" else SettingsForm(
        formdata=None, review_days=current.review_days,
        remind_days_before=current.remind_days_before)
    if form.validate_on_submit():
        services.save_settings(org, form.review_days.data, form.remind_days_before.data)
        db.session.commit()
        flash("The settings are saved.", "success")
        return redirect(url_for(".settings"))
    return render_template("commitments/settings.html", form=form), \
        400 if request.method == "POST" else 200
