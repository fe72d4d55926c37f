"""The path to resolution: numbers checked against cases built here, each number a link
to exactly its cases; a student's pathway in time order; the review date and the
follow-up meeting in one step."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from helpers import post_form

from facilitator.adr.services import save_case
from facilitator.commitments import funnel, services
from facilitator.commitments.models import CommitmentReview, CommitmentSettings
from facilitator.extensions import db
from facilitator.families.models import Family
from facilitator.meetings.models import Meeting

YEAR = 2024  # 2024-25


def _case(org_id, ref, process, received, student, school="North", **values):
    return save_case(org_id, {"case_ref": ref, "process": process, "received_on": received,
                              "school": school, "student_ref": student, **values})


def _held(org_id, ref, process, agreement, student, held, school="North"):
    return _case(org_id, ref, process, held - timedelta(days=10), student, school,
                 status="held", held_on=held, agreement=agreement, closed_on=held)


def _commit(case, statuses):
    family = db.session.execute(db.select(Family).where(
        Family.organization_id == case.organization_id,
        Family.student_ref == case.student_ref)).scalar_one_or_none()
    if family is None:
        family = Family(organization_id=case.organization_id, student_name="S",
                        student_ref=case.student_ref)
        db.session.add(family)
        db.session.flush()
    for status, due, done in statuses:
        c = services.create_commitment(
            family_id=family.id, org_id=case.organization_id, task="Do it",
            owner=services.resolve_owner(case.organization_id, None, "", name="X"),
            due_on=due, case=case, check_due=False)
        c.status, c.done_on = status, done


def _build(org_id):
    d = date(2024, 10, 1)
    a = _held(org_id, "A", "facilitated_iep", "full", "s1", d)
    _commit(a, [("done", d + timedelta(days=20), d + timedelta(days=10))])  # on time
    b = _held(org_id, "B", "facilitated_iep", "partial", "s2", d)
    _commit(b, [("done", d + timedelta(days=20), d + timedelta(days=10)),
                ("done", d + timedelta(days=20), d + timedelta(days=25))])  # late
    c = _held(org_id, "C", "facilitated_iep", "none", "s3", d)
    _commit(c, [("not_done", d + timedelta(days=20), None)])  # not kept
    e = _held(org_id, "E", "mediation", "yes", "s4", d)
    _commit(e, [("in_progress", d + timedelta(days=5), None)])  # overdue: not kept
    f = _held(org_id, "F", "mediation", "no", "s5", d, school="South")
    _commit(f, [("in_progress", services.today() + timedelta(days=30), None)])  # not yet due: open
    _held(org_id, "G", "facilitated_iep", "full", "", d)  # no student, no commitments
    # What followed: s3 had a due process complaint with a resolution meeting and a
    # hearing, then a State complaint; s4 a mediation; s1 a DPC 13 months later (too late).
    _case(org_id, "C-DPC", "due_process", d + timedelta(days=40), "s3", status="adjudicated",
          resolution_meeting_on=d + timedelta(days=50), settlement=False,
          decision_on=d + timedelta(days=100), timeline="within",
          closed_on=d + timedelta(days=100))
    _case(org_id, "C-SC", "state_complaint", d + timedelta(days=60), "s3", status="pending")
    _case(org_id, "E-MED", "mediation", d + timedelta(days=30), "s4", status="pending")
    _case(org_id, "A-DPC", "due_process", d + timedelta(days=400), "s1", status="pending")
    db.session.commit()


def test_the_funnel_counts_what_was_built(app, make_org):
    org = make_org()
    _build(org.id)
    data = funnel.funnel(org.id, YEAR, None, services.today())
    assert data["held"] == 6
    assert {(o["process"], o["agreement"]): o["n"] for o in data["outcomes"]} == {
        ("facilitated_iep", "full"): 2, ("facilitated_iep", "partial"): 1,
        ("facilitated_iep", "none"): 1, ("mediation", "yes"): 1, ("mediation", "no"): 1}
    assert data["kept"] == {"on_time": 1, "late": 1, "not_kept": 2, "open": 1, "none": 1}
    assert data["commitments"] == {"on_time": 2, "late": 1, "not_done": 1}
    assert data["escalated"] == 2
    assert data["followed"] == {"mediation": 1, "resolution_meeting": 1, "due_process": 1,
                                "hearing": 1, "state_complaint": 1}
    assert data["split"]["kept"] == {"n": 2, "escalated": 0, "rate": 0.0}
    assert data["split"]["not_kept"] == {"n": 2, "escalated": 2, "rate": 100.0}
    south = funnel.funnel(org.id, YEAR, "South", services.today())
    assert (south["held"], south["kept"]["open"], south["escalated"]) == (1, 1, 0)


def test_the_page_links_each_number_to_its_cases(client, signed_in):
    user = signed_in("analyst")
    _build(user.organization_id)
    page = client.get("/commitments/path?year=2024-25").get_data(as_text=True)
    data = json.loads(re.search(r'id="funnel-data">([^<]+)<', page).group(1))
    assert data["values"][0] == 6 and len(data["labels"]) == len(data["values"])
    assert "<script>" not in page
    links = re.findall(r'<a href="(/commitments/path/cases\?[^"]+)">(\d+)</a>', page)
    assert len(links) >= 15
    for href, number in links:
        listed = client.get(href.replace("&amp;", "&")).get_data(as_text=True)
        assert listed.count('href="/adr/cases/') == int(number), href
    cases = client.get("/commitments/path/cases?year=2024-25&kept=not_kept&followed=any"
                       ).get_data(as_text=True)
    assert ">C<" in cases and ">E<" in cases and ">A<" not in cases


def test_a_students_pathway_is_in_time_order(client, signed_in):
    user = signed_in("analyst")
    _build(user.organization_id)
    from facilitator.adr.models import AdrCase

    c = db.session.execute(db.select(AdrCase).where(AdrCase.case_ref == "C")).scalar_one()
    page = client.get(f"/commitments/cases/{c.id}/pathway").get_data(as_text=True)
    order = [page.index(f"{label}</a>") for label in (
        "Facilitated IEP meeting C", "Due process complaint C-DPC", "State complaint C-SC")]
    assert order == sorted(order)
    assert "E-MED" not in page  # another student


def test_the_review_date_and_a_follow_up_in_one_step(client, signed_in, held_meeting):
    user = signed_in("admin")
    assert post_form(client, "/commitments/settings", {"review_days": 45,
                                                       "remind_days_before": 2}).status_code == 302
    assert db.session.execute(db.select(CommitmentSettings.review_days)).scalar() == 45
    meeting = held_meeting(user.organization, user)
    post_form(client, f"/commitments/meetings/{meeting.id}", {"task": "Call", "owner_name": "X"})
    review = db.session.execute(db.select(CommitmentReview)).scalar_one()
    held = meeting.starts_at_utc.astimezone(services.local_zone()).date()
    assert review.review_on == held + timedelta(days=45)
    # On the day, the facilitator is asked (start page and mail).
    review.review_on = services.today()
    db.session.commit()
    assert "Reviews due" in client.get("/").get_data(as_text=True)
    from facilitator.commitments.mail import queue_reviews
    from facilitator.notify.models import OutboxMessage

    assert queue_reviews() == 1 and queue_reviews() == 0
    message = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "commitment_review")).scalar_one()
    assert message.recipient == user.email
    db.session.commit()
    # A past date is refused; a follow-up is one step.
    r = post_form(client, f"/commitments/meetings/{meeting.id}/review",
                  {"review_on": (services.today() - timedelta(days=1)).isoformat()},
                  follow_redirects=True)
    assert "The review date is in the past" in r.get_data(as_text=True)
    r = post_form(client, f"/commitments/meetings/{meeting.id}/follow-up",
                  {"starts_at": (services.today() - timedelta(days=1)).isoformat() + "T10:00"},
                  follow_redirects=True)
    assert "must be in the future" in r.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar() == 1
    when = (services.today() + timedelta(days=7)).isoformat() + "T15:30"
    r = post_form(client, f"/commitments/meetings/{meeting.id}/follow-up", {"starts_at": when})
    assert r.status_code == 302
    db.session.expire_all()
    review = db.session.execute(db.select(CommitmentReview).where(
        CommitmentReview.meeting_id == meeting.id)).scalar_one()
    follow = db.session.get(Meeting, review.follow_up_meeting_id)
    assert review.reviewed_at is not None and follow.family_id == meeting.family_id
    names = [p.name for p in follow.participants]
    assert sorted(names) == sorted({p.name for p in meeting.participants})  # each once


def test_destroying_a_family_takes_its_commitments_out_of_the_counts(app, make_org,
                                                                     make_user):
    org = make_org()
    _build(org.id)
    admin = make_user("admin", org=org)
    from facilitator.rights.destroy import destroy_family

    family = db.session.execute(db.select(Family).where(
        Family.organization_id == org.id, Family.student_ref == "s3")).scalar_one()
    destroy_family(family, admin)
    db.session.commit()
    data = funnel.funnel(org.id, YEAR, None, services.today())
    assert data["held"] == 6 and data["kept"]["not_kept"] == 1 and data["kept"]["none"] == 2
    assert data["escalated"] == 2  # the child's later cases stay, anonymized together


def test_a_meeting_marked_held_carries_its_commitments_to_its_case(app, make_user,
                                                                  held_meeting):
    from facilitator.commitments.models import CasePath, Commitment
    from facilitator.meetings.live_models import ActionItem
    from facilitator.meetings.outcomes import record_outcome

    user = make_user("facilitator")
    meeting = held_meeting(user.organization, user)
    meeting.status = "scheduled"
    db.session.add(ActionItem(organization_id=meeting.organization_id, meeting_id=meeting.id,
                              task="Send the data", owner="Omar Haddad",
                              due_date=services.today() + timedelta(days=5)))
    db.session.commit()
    record_outcome(meeting, "partial")
    db.session.commit()
    c = db.session.execute(db.select(Commitment)).scalar_one()
    assert c.case_id is not None
    path = db.session.get(CasePath, c.case_id)
    assert (path.agreement, path.n_commitments, path.n_open) == ("partial", 1, 1)


def test_rebuild_paths_from_the_command_line(app, make_org, runner):
    from facilitator.commitments.models import CasePath

    org = make_org()
    _build(org.id)
    db.session.execute(db.delete(CasePath))
    db.session.commit()
    result = runner.invoke(args=["commitments", "rebuild-paths"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert funnel.funnel(org.id, YEAR, None, services.today())["kept"]["not_kept"] == 2


def test_an_open_case_past_its_due_date_counts_as_not_kept_settled_or_not(app, make_org):
    from facilitator.commitments.models import CasePath
    from facilitator.commitments.paths import settle

    org = make_org()
    _build(org.id)
    path = db.session.execute(db.select(CasePath).where(CasePath.kept == "open")).scalar_one()
    path.first_open_due = services.today() - timedelta(days=1)  # the day went by
    db.session.commit()
    assert funnel.funnel(org.id, YEAR, None, services.today())["kept"]["not_kept"] == 3
    assert settle() == 1 and settle() == 0
    db.session.commit()
    assert funnel.funnel(org.id, YEAR, None, services.today())["kept"] == {
        "on_time": 1, "late": 1, "not_kept": 3, "open": 0, "none": 1}
