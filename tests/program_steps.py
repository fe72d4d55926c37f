"""Steps of the state program's tests that more than one file takes: the coordinator
proposes a neutral by rotation, the neutral accepts from the mailed link."""

from __future__ import annotations

import re

from helpers import post_form
from sqlalchemy import select

from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage


def propose(client, state):
    case = state["case"]
    page = f"/program/cases/{case.id}/assignment"
    r = post_form(client, f"{page}/details", {"d-district": str(state["riverside"].id),
                                              "d-language": "es"}, token_from=page)
    assert r.status_code == 302, r.get_data(as_text=True)
    return post_form(client, f"{page}/propose", token_from=page, follow_redirects=True)


def accept_by_link(app, client, state):
    body = db.session.execute(select(OutboxMessage.body).where(
        OutboxMessage.kind == "neutral_offer")).scalar_one()
    link = re.search(r"https?://\S+/program/offer/(\S+)", body)
    assert link, body
    post_form(client, "/logout")  # the link needs no sign-in
    anon = app.test_client()
    if True:
        page = f"/program/offer/{link.group(1)}"
        html = anon.get(page).get_data(as_text=True)
        assert "Will you take case M-2026-001" in html and "Canary" not in html
        r = post_form(anon, page, {"answer": "accepted"}, token_from=page)
        assert "confirm that you have no conflict" in r.get_data(as_text=True)
        r = post_form(anon, page, {"answer": "accepted", "attest": "y"}, token_from=page)
        assert "You accepted the case" in r.get_data(as_text=True)
        assert anon.get(page).status_code == 404  # used up
    return link.group(1)
