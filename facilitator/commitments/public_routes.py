"""Pages reached without an account, in the link's language (``?lang=`` switches):
an owner reports progress on one commitment; the family sees a meeting's commitments
and can say one has not happened. Every visit and report is recorded."""

from __future__ import annotations

from babel.dates import format_date
from flask import abort, render_template, request, url_for
from flask import redirect as go

from .. import access, i18n
from ..extensions import db, limiter
from ..links import services as links
from ..meetings.models import Meeting
from . import services
from .forms import FamilyReportForm, OwnerUpdateForm
from .mail import FAMILY_PURPOSE, PURPOSE
from .models import Commitment
from .services import CommitmentError
from .views import bp
from .vocabulary import CommitmentStatus, Via

OWNER_ENDPOINT, FAMILY_ENDPOINTS = "commitments.owner_page", (
    "commitments.family_page", "commitments.family_report")


def _language(purpose: str):
    def finder() -> str | None:
        chosen = i18n.supported(request.args.get("lang"))
        if chosen:
            return chosen
        link = links.lookup((request.view_args or {}).get("token"), purpose)
        return link.language if link is not None else None

    return finder


i18n.PAGE_LANGUAGES[OWNER_ENDPOINT] = _language(PURPOSE)
for _endpoint in FAMILY_ENDPOINTS:
    i18n.PAGE_LANGUAGES[_endpoint] = _language(FAMILY_PURPOSE)


def _gone(token: str, purpose: str, endpoint: str):
    """The page for a link that no longer works: says why, changes nothing."""
    link = links.lookup(token, purpose)
    state = link.state() if link is not None else "unknown"
    return render_template("commitments/link_gone.html", state=state,
                           switch_endpoint=endpoint, switch_args={"token": token}), \
        410 if link is not None else 404


def _dates(c: Commitment) -> dict:
    lang = i18n.current_language()
    return {"due": format_date(c.due_on, "long", locale=lang) if c.due_on else "",
            "done": format_date(c.done_on, "long", locale=lang) if c.done_on else ""}


@bp.route("/c/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit("30 per minute")
def owner_page(token: str):
    """The owner's page: the commitment, and how it is going (a status and a short note)."""
    link = links.find(token, PURPOSE)
    if link is None:
        return _gone(token, PURPOSE, OWNER_ENDPOINT)
    c = db.session.get(Commitment, link.subject_id)
    if c is None or c.organization_id != link.organization_id:
        abort(404)
    form = OwnerUpdateForm()
    switch = {"switch_endpoint": OWNER_ENDPOINT, "switch_args": {"token": token}}
    closed = c.status == CommitmentStatus.CANCELLED
    if request.method == "POST" and not closed and form.validate_on_submit():
        try:
            services.update_commitment(c, status=form.status.data, note=form.note.data,
                                       via=Via.OWNER_LINK, by_name=c.owner_display,
                                       keep_due=True)
        except CommitmentError:
            db.session.rollback()
            form.note.errors = [*form.note.errors, i18n_message("nothing")]
        else:
            links.use(link, action="viewed")
            db.session.commit()
            return go(url_for(OWNER_ENDPOINT, token=token, lang=request.args.get("lang"),
                              saved=1))
    elif request.method == "GET":
        links.use(link)
        db.session.commit()
    return render_template("commitments/owner.html", c=c, form=form, token=token,
                           closed=closed, saved=request.args.get("saved") == "1",
                           **_dates(c), **switch), 400 if form.errors else 200


def i18n_message(which: str) -> str:
    from flask_babel import gettext as _

    return {"nothing": _("Nothing changed: choose how it is going or add a note."),
            "gone": _("This commitment is not part of this link.")}[which]


def _family_meeting(token: str):
    link = links.find(token, FAMILY_PURPOSE)
    if link is None:
        return None, None
    meeting = db.session.get(Meeting, link.subject_id)
    if meeting is None or meeting.organization_id != link.organization_id:
        abort(404)
    return link, meeting


def _family_render(token: str, meeting: Meeting, forms: dict | None = None, status=200,
                   reported: int | None = None):
    commitments = db.session.execute(db.select(Commitment).where(
        Commitment.meeting_id == meeting.id).order_by(Commitment.due_on.is_(None),
                                                      Commitment.due_on, Commitment.id)
    ).scalars().all()
    forms = forms or {}
    rows = [{"c": c, "form": forms.get(c.id) or FamilyReportForm(formdata=None), **_dates(c)}
            for c in commitments]
    lang = i18n.current_language()
    return render_template(
        "commitments/family.html", meeting=meeting, rows=rows, token=token,
        reported=reported, today=services.today(),
        meeting_date=format_date(meeting.starts_at_utc.date(), "long", locale=lang),
        switch_endpoint="commitments.family_page", switch_args={"token": token}), status


@bp.get("/f/<token>")
@access.public
@limiter.limit("30 per minute")
def family_page(token: str):
    """The family's view: what was agreed at the meeting, and whether it was done."""
    link, meeting = _family_meeting(token)
    if link is None:
        return _gone(token, FAMILY_PURPOSE, "commitments.family_page")
    links.use(link)
    db.session.commit()
    reported = request.args.get("reported", "")
    return _family_render(token, meeting,
                          reported=int(reported) if reported.isdigit() and len(reported) < 10
                          else None)


@bp.post("/f/<token>/<int:commitment_id>")
@access.public
@limiter.limit("10 per minute")
def family_report(token: str, commitment_id: int):
    """The family says a commitment has not happened, with a note (kept and shown to staff)."""
    link, meeting = _family_meeting(token)
    if link is None:
        return _gone(token, FAMILY_PURPOSE, "commitments.family_page")
    c = db.session.get(Commitment, commitment_id)
    if c is None or c.meeting_id != meeting.id:
        abort(404)
    form = FamilyReportForm()
    if not form.validate_on_submit():
        return _family_render(token, meeting, {c.id: form}, 400)
    services.family_report(c, form.note.data, by_name="Family")
    links.use(link)
    db.session.commit()
    return go(url_for("commitments.family_page", token=token, lang=request.args.get("lang"),
                      reported=c.id) + f"#commitment-{c.id}")
