"""Participant surveys: single-use links made for a held meeting, the public survey page
in the link's language, and the results with small groups suppressed."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from .. import access
from ..extensions import db, limiter
from ..notify.services import public_url
from . import dashboard as dash
from . import services, survey_language
from .forms import InviteForm, SurveyForm
from .models import AdrCase, Process
from .views import bp, org_id

#: Survey groups smaller than this are not shown (a person could be recognised).
SURVEY_MIN_N = dash.SURVEY_MIN_N


@bp.post("/cases/<int:case_id>/surveys")
@access.require("edit_cases")
def survey_invite(case_id: int):
    """Make single-use survey links for the participants of a held meeting (shown once)."""
    case = access.get_or_404(AdrCase, case_id)
    if case.process not in (Process.FACILITATED_IEP, Process.MEDIATION) \
            or case.status != "held":
        flash("Survey links are for facilitated IEP meetings and mediations that were held.",
              "error")
        return redirect(url_for("adr.case_detail", case_id=case.id))
    form = InviteForm()
    if not form.validate_on_submit():
        flash("Choose between 1 and 20 participants.", "error")
        return redirect(url_for("adr.case_detail", case_id=case.id))
    tokens = services.create_invitations(case, form.count.data, form.language.data)
    db.session.commit()
    links = [public_url("adr.survey", token=t) for t in tokens]
    return render_template("adr/survey_links.html", case=case, links=links)


@bp.route("/survey/<token>", methods=["GET", "POST"])
@access.public
@limiter.limit("30 per minute")
def survey(token: str):
    """The public participant survey, in the link's language: no account, one answer per link."""
    switch = survey_language.switch(token)
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("adr/survey_done.html", used=True, **switch), 404
    case = db.session.get(AdrCase, invitation.case_id)
    form = SurveyForm()
    if form.validate_on_submit():
        services.submit_survey(invitation, form.answers())
        db.session.commit()
        return render_template("adr/survey_done.html", used=False)
    return render_template("adr/survey.html", form=form, token=token, **switch,
                           process_sentence=survey_language.process_sentence(case.process))


@bp.get("/surveys")
@access.signed_in
def survey_results():
    """Survey results per process and year, with small groups suppressed."""
    rows = dash.survey_results(org_id(), SURVEY_MIN_N)
    return render_template("adr/survey_results.html", rows=rows, min_n=SURVEY_MIN_N)
