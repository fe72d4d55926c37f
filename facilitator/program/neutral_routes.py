"""What a contracted neutral sees: the offers made to them and the cases they accepted.

A neutral answers an offer from the mail's link (no sign-in) or from their account,
and attests to no conflict when accepting. Once accepted, the case's meeting pages
open to them (access.py) until the case closes.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import access
from ..adr.models import AdrCase
from ..extensions import db, limiter
from ..links import services as links
from .forms import AnswerForm
from .models import Assignment, AssignmentStatus, Neutral
from .rotation import respond
from .services import details_for
from .views import bp


def _my_neutral() -> Neutral:
    neutral = db.session.execute(select(Neutral).where(
        Neutral.user_id == current_user.id,
        Neutral.organization_id == current_user.organization_id)).scalar_one_or_none()
    if neutral is None:
        abort(404)
    return neutral


@bp.get("/my-cases")
@access.for_neutrals
@access.require("neutral_work")
def neutral_cases():
    """The neutral's offers waiting for an answer and the open cases they accepted."""
    neutral = _my_neutral()
    rows = db.session.execute(
        select(Assignment, AdrCase).join(AdrCase, AdrCase.id == Assignment.case_id)
        .where(Assignment.neutral_id == neutral.id,
               Assignment.status.in_([AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED]),
               AdrCase.closed_on.is_(None))
        .order_by(Assignment.proposed_at.desc())).all()
    return render_template("program/my_cases.html", neutral=neutral, rows=rows,
                           details={c.id: details_for(c) for _, c in rows})


def _answer(made: Assignment, form: AnswerForm, user=None) -> bool:
    try:
        respond(made, form.answer.data, attested=form.attest.data,
                reason=form.reason.data or "", user=user)
    except ValueError as exc:
        form.attest.errors = [str(exc)]
        return False
    links.revoke_all("program_assignment", made.id)
    return True


@bp.route("/my-cases/offers/<int:assignment_id>", methods=["GET", "POST"])
@access.for_neutrals
@access.require("neutral_work")
def neutral_answer(assignment_id: int):
    """Accept (attesting no conflict) or decline an offer from the neutral's account."""
    neutral = _my_neutral()
    made = access.get_or_404(Assignment, assignment_id, neutral_id=neutral.id)
    case = db.session.get(AdrCase, made.case_id)
    form = AnswerForm()
    if made.status == AssignmentStatus.PROPOSED and form.validate_on_submit():
        if _answer(made, form, current_user):
            db.session.commit()
            flash("Thank you: your answer is recorded.", "success")
            return redirect(url_for("program.neutral_cases"))
    db.session.rollback()
    return render_template("program/offer.html", made=made, case=case, form=form,
                           details=details_for(case), action=None)


@bp.route("/offer/<token>", methods=["GET", "POST"])
@access.public
@access.for_neutrals
@limiter.limit("30/minute")
def neutral_offer(token: str):
    """Accept or decline an offer from the link in the offer's mail (no sign-in)."""
    link = links.find(token, "neutral_assignment")
    if link is None:
        old = links.lookup(token, "neutral_assignment")
        state = old.state() if old else "unknown"
        return render_template("program/offer_gone.html", state=state), 404
    made = db.session.get(Assignment, link.subject_id)
    if made is None or made.status != AssignmentStatus.PROPOSED:
        return render_template("program/offer_gone.html", state="used"), 404
    case = db.session.get(AdrCase, made.case_id)
    form = AnswerForm()
    if form.validate_on_submit():
        if links.use(link, use_up=True) and _answer(made, form):
            db.session.commit()
            return render_template("program/offer_done.html", made=made)
        db.session.rollback()
        if not form.attest.errors:
            return render_template("program/offer_gone.html", state="used"), 409
    elif not form.is_submitted():
        links.use(link)  # the visit is recorded; the link stays usable until answered
        db.session.commit()
    return render_template("program/offer.html", made=made, case=case, form=form,
                           details=details_for(case), action=url_for("program.neutral_offer",
                                                                     token=token))
