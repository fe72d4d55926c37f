"""The guardian's form through their link: no account, in their language, a review step
before anything is shared, changeable until the meeting starts."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from .. import access, i18n
from ..extensions import db, limiter
from ..links import services as links
from ..meetings.models import Meeting
from . import services
from .forms import FamilyInputForm
from .models import FamilyInput, InputStatus

bp = Blueprint("voice", __name__)


def page_language() -> str | None:
    """The form's language: ``?lang=`` (the reader's switch), else the link's own."""
    chosen = i18n.supported(request.args.get("lang"))
    if chosen:
        return chosen
    link = links.lookup((request.view_args or {}).get("token"), services.PURPOSE)
    return link.language if link else None


i18n.PAGE_LANGUAGES[services.ENDPOINT] = page_language


@bp.route("/family-input/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit("60 per minute")
def form(token: str):
    """A guardian's form before the meeting: write, review, share; change until it starts."""
    switch = {"switch_endpoint": services.ENDPOINT, "switch_args": {"token": token}}
    link = links.find(token, services.PURPOSE)
    if link is None:
        return render_template("voice/unavailable.html", **switch), 404
    item = db.session.get(FamilyInput, link.subject_id)
    meeting = db.session.get(Meeting, item.meeting_id) if item else None
    if item is None or meeting is None:
        return render_template("voice/unavailable.html", **switch), 404
    closed = services.started(meeting)
    page = {"token": token, "item": item, "meeting": meeting, "closed": closed, **switch}
    form = FamilyInputForm()
    if request.method == "GET" or closed:
        links.use(link, action="viewed")
        db.session.commit()
        if item.status == InputStatus.SHARED and (closed or request.args.get("change") != "1"):
            return render_template("voice/shared.html", **page)
        if closed:
            return render_template("voice/shared.html", **page)
        if item.status == InputStatus.SHARED:
            services.fill_form(form, item)
        return render_template("voice/form.html", form=form, **page)
    if not form.validate_on_submit():
        return render_template("voice/form.html", form=form, **page), 400
    if form.step.data == "share" and request.form.get("action") == "share":
        if not form.has_anything():
            return render_template("voice/form.html", form=form, empty=True, **page), 400
        services.share(item, form)
        links.use(link, action="submitted")
        db.session.commit()
        return render_template("voice/shared.html", just_shared=True, **page)
    if form.step.data == "review" and form.has_anything():
        form.step.data = "share"
        return render_template("voice/review.html", form=form, **page)
    form.step.data = "review"
    return render_template("voice/form.html", form=form, empty=not form.has_anything(),
                           **page), (200 if form.has_anything() else 400)
