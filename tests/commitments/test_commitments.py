"""Commitments through the pages a person uses: every action item becomes one, staff record
and assign them, updates keep a history, bad input changes nothing, the CSV is safe."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from helpers import post_form

from facilitator.commitments.models import Commitment, CommitmentReview, CommitmentUpdate
from facilitator.commitments.services import today
from facilitator.extensions import db


def participant(meeting, name: str):
    return next(p for p in meeting.participants if p.name == name)


def _commitments(meeting_id):
    db.session.expire_all()
    return db.session.execute(db.select(Commitment).where(
        Commitment.meeting_id == meeting_id).order_by(Commitment.id)).scalars().all()


def test_an_action_item_from_the_live_page_is_a_commitment_with_its_owner(
        client, signed_in, held_meeting):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    due = today() + timedelta(days=10)
    r = post_form(client, f"/meetings/{meeting.id}/actions/new",
                  {"task": "Send progress data", "owner": "Omar Haddad",
                   "due_date": due.isoformat(), "status": "open"})
    assert r.status_code == 302
    [c] = _commitments(meeting.id)
    omar = participant(meeting, "Omar Haddad")
    assert (c.task, c.owner_participant_id, c.owner_email, c.due_on, c.status) == (
        "Send progress data", omar.id, "omar@provider.example", due, "not_started")
    assert c.source == "action_item" and c.family_id == meeting.family_id
    review = db.session.execute(db.select(CommitmentReview)).scalar_one()
    assert abs((review.review_on - meeting.starts_at_utc.date()).days - 30) <= 1

    # The commitment's page records an update with a note; the action item follows.
    r = post_form(client, f"/commitments/{c.id}", {"status": "in_progress",
                                                   "due_on": due.isoformat(),
                                                   "note": "First session booked"})
    assert r.status_code == 302
    page = client.get(f"/commitments/{c.id}").get_data(as_text=True)
    assert "First session booked" in page and "Not started → In progress" in page
    item = meeting.action_items[0]
    db.session.refresh(item)
    assert item.status == "in_progress"
    history = db.session.execute(db.select(CommitmentUpdate).where(
        CommitmentUpdate.commitment_id == c.id).order_by(CommitmentUpdate.id)).scalars().all()
    assert [h.by_user_id for h in history] == [user.id, user.id]
    assert history[-1].note == "First session booked"


def test_a_commitment_from_a_decision_with_a_staff_owner_shows_on_their_start_page(
        client, signed_in, held_meeting, make_user):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    colleague = make_user("facilitator", org=user.organization, name="Dana Lee")
    from facilitator.meetings.live_models import Decision

    decision = Decision(organization_id=meeting.organization_id, meeting_id=meeting.id,
                        text="Speech 3 hours a week")
    db.session.add(decision)
    db.session.commit()
    r = post_form(client, f"/commitments/meetings/{meeting.id}", {
        "task": "Start speech 3 hours a week", "origin": f"decision-{decision.id}",
        "owner": f"user-{colleague.id}", "due_on": (today() + timedelta(days=3)).isoformat()})
    assert r.status_code == 302, r.get_data(as_text=True)
    [c] = _commitments(meeting.id)
    assert (c.source, c.decision_id, c.owner_user_id) == ("decision", decision.id, colleague.id)
    from helpers import sign_in

    post_form(client, "/logout")
    sign_in(client, colleague.email)
    home = client.get("/").get_data(as_text=True)
    assert "Start speech 3 hours a week" in home


def test_bad_input_gets_a_message_and_changes_nothing(client, signed_in, held_meeting, make_user):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    stranger = make_user("facilitator")  # another organization
    cases = [
        ({"owner": f"user-{stranger.id}"}, "Choose an owner from your organization"),
        ({"owner_name": "Omar", "due_on": (today() - timedelta(days=1)).isoformat()},
         "The due date is in the past"),
        ({"owner": "participant-999999"}, "Choose an owner from this meeting"),
        ({}, "Say who will do it"),
    ]
    for extra, message in cases:
        r = post_form(client, f"/commitments/meetings/{meeting.id}",
                      {"task": "Something", **extra})
        assert r.status_code == 400 and message in r.get_data(as_text=True), message
    assert _commitments(meeting.id) == []
    # A past due date on an existing commitment is refused too.
    post_form(client, f"/commitments/meetings/{meeting.id}", {"task": "Call", "owner_name": "X"})
    [c] = _commitments(meeting.id)
    r = post_form(client, f"/commitments/{c.id}", {
        "status": "in_progress", "due_on": (today() - timedelta(days=3)).isoformat()})
    assert r.status_code == 400 and "The due date is in the past" in r.get_data(as_text=True)
    [c] = _commitments(meeting.id)
    assert (c.status, c.due_on, len(c.updates)) == ("not_started", None, 1)


def test_another_organizations_commitment_is_not_found(client, signed_in, held_meeting,
                                                       make_org):
    user = signed_in("facilitator")
    other = held_meeting(make_org())
    post_form(client, f"/commitments/meetings/{other.id}", {"task": "x", "owner_name": "y"})
    assert client.get(f"/commitments/meetings/{other.id}").status_code == 404
    assert _commitments(other.id) == []
    assert user.organization_id != other.organization_id


def test_the_list_filters_and_the_csv_is_formula_safe(client, signed_in, held_meeting):
    user = signed_in("facilitator")
    a = held_meeting(user.organization, user, school="Cedar Grove Elementary")
    b = held_meeting(user.organization, user, school="Lincoln Park Elementary")
    from facilitator.commitments import services

    def add(meeting, task, due, owner="Omar Haddad"):
        return services.create_commitment(
            family_id=meeting.family_id, org_id=meeting.organization_id, task=task,
            owner=services.resolve_owner(meeting.organization_id, meeting, "", name=owner),
            due_on=due, meeting=meeting, check_due=False)

    add(a, "=HYPERLINK(\"http://evil.example\",\"x\")", today() - timedelta(days=2))
    add(a, "Due soon", today() + timedelta(days=2), owner="Dana Lee")
    add(b, "Later", today() + timedelta(days=40))
    db.session.commit()

    def listed(query):
        return client.get(f"/commitments/?{query}").get_data(as_text=True)

    assert "HYPERLINK" in listed("view=overdue") and "Due soon" not in listed("view=overdue")
    week = listed("view=week")
    assert "Due soon" in week and "Later" not in week
    assert "Later" in listed("school=Lincoln+Park+Elementary")
    assert "Due soon" not in listed("school=Lincoln+Park+Elementary")
    assert "Due soon" in listed("owner=dana") and "Later" not in listed("owner=dana")
    assert "Later" in listed(f"meeting={b.id}") and "Due soon" not in listed(f"meeting={b.id}")

    r = client.get("/commitments/export.csv")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0][0] == "id" and len(rows) == 4
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)


def test_the_list_pages(client, signed_in, held_meeting, app):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    from facilitator.commitments import services

    owner = services.resolve_owner(meeting.organization_id, meeting, "", name="Someone")
    for n in range(app.config["PAGE_SIZE"] + 3):
        services.create_commitment(family_id=meeting.family_id, org_id=meeting.organization_id,
                                   task=f"Task number {n:03d}", owner=owner, due_on=None,
                                   meeting=meeting)
    db.session.commit()
    first = client.get("/commitments/").get_data(as_text=True)
    second = client.get("/commitments/?page=2").get_data(as_text=True)
    assert "Task number 000" in first and "Task number 000" not in second
    assert "Page 1 of 2" in first and "Task number 027" in second


def test_changing_or_removing_the_action_item_follows_on_the_commitment(
        client, signed_in, held_meeting):
    user = signed_in("facilitator")
    meeting = held_meeting(user.organization, user)
    post_form(client, f"/meetings/{meeting.id}/actions/new",
              {"task": "Call the bus office", "owner": "Rosa", "status": "open"})
    [c] = _commitments(meeting.id)
    item_id = c.action_item_id
    base = f"/meetings/{meeting.id}/actions/{item_id}"
    post_form(client, base, {"task": "Call the bus office", "owner": "Rosa", "status": "done"})
    [c] = _commitments(meeting.id)
    assert (c.status, c.done_on) == ("done", today())
    post_form(client, base, {"task": "Call the bus office", "owner": "Rosa", "status": "open"})
    [c] = _commitments(meeting.id)
    assert (c.status, c.done_on) == ("not_started", None)
    assert [u.note for u in c.updates][:2] == ["Changed on the meeting page."] * 2
    post_form(client, f"{base}/delete")
    [c] = _commitments(meeting.id)
    assert (c.status, c.action_item_id) == ("cancelled", None)
