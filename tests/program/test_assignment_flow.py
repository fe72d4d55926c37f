"""From a case to its neutral: the coordinator proposes, the rotation skips with reasons,
the neutral answers from the mailed link, and then sees that case's meeting and nothing else."""

from __future__ import annotations

from helpers import post_form, sign_in
from program_steps import accept_by_link, propose
from sqlalchemy import select

from facilitator.audit.models import AccessEntry
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.program.models import Assignment, RotationEntry


def test_the_coordinator_proposes_and_the_log_says_who_was_passed_over(client, signed_in,
                                                                      state):
    signed_in("facilitator", org=state["org"])
    r = propose(client, state)
    html = r.get_data(as_text=True)
    # Ana (never assigned, first in line) has a conflict with Riverside; Ben has no Spanish.
    assert "Proposed Cruz Delgado" in html
    assert "Conflict with this district" in html and "the family&#39;s language" in html
    log = db.session.execute(select(RotationEntry.decision, RotationEntry.reasons)
                             .order_by(RotationEntry.id)).all()
    assert [tuple(r) for r in log] == [("skipped", "conflict"), ("skipped", "language"),
                                       ("proposed", "")]
    offer = db.session.execute(select(OutboxMessage).where(
        OutboxMessage.kind == "neutral_offer")).scalar_one()
    assert offer.recipient == "cruz@mediators.example"
    assert "Canary" not in offer.subject + offer.body  # no child data before acceptance
    # A second proposal while one is open changes nothing.
    r = post_form(client, f"/program/cases/{state['case'].id}/assignment/propose",
                  token_from=f"/program/cases/{state['case'].id}/assignment",
                  follow_redirects=True)
    assert "already has a neutral" in r.get_data(as_text=True)
    assert db.session.execute(select(db.func.count(Assignment.id))).scalar_one() == 1


def test_the_neutral_accepts_by_link_and_then_sees_only_this_case(app, client, signed_in,
                                                                  state):
    signed_in("facilitator", org=state["org"])
    propose(client, state)
    accept_by_link(app, client, state)
    assert db.session.execute(select(Assignment.status)).scalar_one() == "accepted"
    uses = db.session.execute(select(db.func.count(AccessEntry.id)).where(
        AccessEntry.record_kind == "external_link")).scalar_one()
    assert uses == 4  # three visits (the page, and each form read for its token) and the answer

    other = state["other_meeting"]

    neutral = app.test_client()
    if True:
        assert sign_in(neutral, "cruz@mediators.example").status_code == 302
        home = neutral.get("/", follow_redirects=True).get_data(as_text=True)
        assert "M-2026-001" in home and "Open the meeting" in home
        meeting = state["meeting"].id
        assert neutral.get(f"/meetings/{meeting}").status_code == 200
        assert neutral.get(f"/meetings/{meeting}/live").status_code == 200
        for path in (f"/meetings/{other.id}", f"/meetings/{other.id}/live", "/meetings/",
                     "/families/", f"/families/{state['family'].id}", "/adr/cases",
                     f"/adr/cases/{state['case'].id}", "/program/", "/program/neutrals",
                     "/records/", "/plans/", "/admin/users"):
            assert neutral.get(path).status_code == 404, path
        # The case closes: the neutral's access ends with it.
        from datetime import date
        state["case"].closed_on = date.today()
        db.session.commit()
        assert neutral.get(f"/meetings/{meeting}").status_code == 404
        assert "M-2026-001" not in neutral.get("/program/my-cases").get_data(as_text=True)


def test_a_party_objects_and_the_next_in_rotation_is_proposed(client, signed_in, state):
    signed_in("facilitator", org=state["org"])
    propose(client, state)
    case = state["case"]
    page = f"/program/cases/{case.id}/assignment"
    made = db.session.execute(select(Assignment)).scalar_one()
    r = post_form(client, f"{page}/{made.id}/object", {"o-party": "parent", "o-reason": ""},
                  token_from=page)
    assert r.status_code == 400 and "Say why" in r.get_data(as_text=True)
    r = post_form(client, f"{page}/{made.id}/object",
                  {"o-party": "parent", "o-reason": "Met the district's counsel socially"},
                  token_from=page)
    assert r.status_code == 302
    # Set an interpreter so Ben (English only) can take it; Cruz is out for this case.
    post_form(client, f"{page}/details", {"d-district": str(state["riverside"].id),
                                          "d-language": "es", "d-interpreter": "y"},
              token_from=page)
    html = post_form(client, f"{page}/propose", token_from=page,
                     follow_redirects=True).get_data(as_text=True)
    assert "Proposed Ben Okafor" in html
    log = db.session.execute(select(RotationEntry.decision).order_by(RotationEntry.id)
                             ).scalars().all()
    assert log == ["skipped", "skipped", "proposed", "objected", "skipped", "proposed"]


def test_program_pages_are_for_state_programs_and_bad_input_changes_nothing(
        client, signed_in, make_org, state):
    signed_in("facilitator", org=make_org("district-x"))
    assert client.get("/program/").status_code == 404
    post_form(client, "/logout")
    signed_in("admin", org=state["org"])
    r = post_form(client, "/program/districts", {"file": (
        __import__("io").BytesIO(b"district_id,name,region\n0703,Lake SD,South\n0703,Dup,x\n"
                                 b",Nameless,y\n"), "d.csv")},
        token_from="/program/districts", content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "line 3, column district_id" in html and "line 4, column district_id" in html
    assert "Lake SD" not in html.split("Directory")[1]
    r = post_form(client, "/program/neutrals/new", {"name": "", "processes": "mediation"},
                  token_from="/program/neutrals/new")
    assert r.status_code == 200 and "This field is required" in r.get_data(as_text=True)
