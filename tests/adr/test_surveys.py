"""Participant surveys: single-use links, hashed tokens, no login, aggregated and suppressed."""

from __future__ import annotations

import re
from datetime import date

from helpers import post_form

from facilitator.adr import services
from facilitator.adr.models import AdrCase, SurveyInvitation, SurveyResponse
from facilitator.extensions import db

ANSWERS = {"raised_concerns": "4", "had_input": "3", "neutral_helpful": "2",
           "relationship_change": "improved", "use_again": "yes"}


def held_case(org, process="facilitated_iep", agreement="full"):
    case = services.save_case(org.id, {
        "case_ref": "F-1", "process": process, "status": "held",
        "received_on": date(2024, 9, 2), "held_on": date(2024, 9, 10), "agreement": agreement})
    db.session.commit()
    return case


def make_links(client, case, count=2):
    html = post_form(client, f"/adr/cases/{case.id}/surveys", {"count": str(count)}).get_data(
        as_text=True)
    return re.findall(r"<code>http://[^/]+(/adr/survey/[^<]+)</code>", html)


def test_links_are_single_use_and_only_hashes_are_stored(app, client, signed_in):
    user = signed_in("facilitator")
    case = held_case(user.organization)
    links = make_links(client, case, 3)
    assert len(links) == 3
    tokens = [link.rsplit("/", 1)[1] for link in links]
    stored = db.session.execute(db.select(SurveyInvitation.token_hash)).scalars().all()
    assert len(stored) == 3 and not set(tokens) & set(stored)
    assert services.hash_token(tokens[0]) in stored
    # A participant has no account: sign out first.
    post_form(client, "/logout")
    page = client.get(links[0])
    assert page.status_code == 200 and "How did the meeting go?" in page.get_data(as_text=True)
    done = post_form(client, links[0], ANSWERS, token_from=links[0])
    assert "Thank you" in done.get_data(as_text=True)
    again = client.get(links[0])
    assert again.status_code == 404 and "cannot be used" in again.get_data(as_text=True)
    response = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert (response.process, response.school_year, response.raised_concerns,
            response.use_again) == ("facilitated_iep", 2024, 4, "yes")
    # Nothing ties the answers to the case or the invitation.
    columns = set(SurveyResponse.__table__.columns.keys())
    assert not columns & {"case_id", "invitation_id", "created_at", "token_hash"}
    assert client.get("/adr/survey/not-a-token").status_code == 404


def test_links_only_for_held_meetings_and_editors(app, client, signed_in):
    user = signed_in("facilitator")
    case = services.save_case(user.organization_id, {
        "case_ref": "D", "process": "due_process", "status": "pending",
        "received_on": date(2024, 9, 2)})
    db.session.commit()
    assert make_links(client, case) == []
    assert db.session.execute(db.select(db.func.count(SurveyInvitation.id))).scalar() == 0


def test_analyst_cannot_make_links(app, client, signed_in):
    user = signed_in("analyst")
    case = held_case(user.organization)
    response = post_form(client, f"/adr/cases/{case.id}/surveys", {"count": "2"})
    assert response.status_code == 403


def test_results_are_aggregated_and_small_groups_suppressed(app, client, signed_in):
    user = signed_in("analyst")
    org = user.organization
    case = held_case(org)
    for i in range(5):
        inv_token = services.create_invitations(case, 1)[0]
        services.submit_survey(services.find_invitation(inv_token), {
            "raised_concerns": 4 if i < 4 else 1, "had_input": 3, "neutral_helpful": None,
            "relationship_change": "improved" if i < 2 else "unchanged", "use_again": "yes"})
    med = services.save_case(org.id, {
        "case_ref": "M", "process": "mediation", "status": "held",
        "received_on": date(2024, 9, 2), "held_on": date(2024, 9, 3), "agreement": "yes"})
    for _ in range(2):
        token = services.create_invitations(med, 1)[0]
        services.submit_survey(services.find_invitation(token), {
            "raised_concerns": 4, "had_input": 4, "neutral_helpful": 4,
            "relationship_change": "worse", "use_again": "no"})
    db.session.commit()
    html = client.get("/adr/surveys").get_data(as_text=True)
    assert "80.00" in html          # 4 of 5 agree they could raise concerns
    assert "40.00 / 60.00 / 0.00" in html
    assert "n/a" in html            # nobody answered the neutral question
    assert "Not shown: too few answers" in html
    assert "fewer than 5 answers is not shown" in html


def test_no_cross_organization_links(app, client, signed_in, make_org):
    case = held_case(make_org())
    signed_in("facilitator")
    assert post_form(client, f"/adr/cases/{case.id}/surveys", {"count": "1"}).status_code == 404
    assert db.session.get(AdrCase, case.id) is not None
