"""The live view's boards and prompts, and closing a meeting (reflection to tip file)."""

from __future__ import annotations

import re

from helpers import post_form

from facilitator.content import current_content
from facilitator.extensions import db
from facilitator.families.models import TipEntry
from facilitator.meetings.live_models import ActionItem, Concern, Decision, ParkingLotItem


def test_live_view_shows_everything_a_facilitator_needs(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    html = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    for heading in ("Agenda", "Notes", "Question prompts", "Concerns", "Decisions",
                    "Action items", "Parking lot", current_content().checklists["during"].title):
        assert heading in html, heading
    # The prompts come as one fragment the browser caches, named by its version.
    src = re.search(r'data-prompts-src="([^"]+)"', html).group(1).replace("&amp;", "&")
    fragment = client.get(src)
    assert fragment.get_data(as_text=True).count("data-prompt ") == len(current_content().prompts)
    assert "immutable" in fragment.headers["Cache-Control"]
    assert client.get(src, headers={"If-None-Match": fragment.headers["ETag"]}).status_code == 304
    assert "data-prompt " not in html and len(html) < 30_000
    assert 'id="notes-config"' in html and "meeting-notes.js" in html
    assert "<script>" not in html and "onclick" not in html and 'style="' not in html


def test_prompt_filters_work_without_javascript(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    content = current_content()
    html = client.get(f"/meetings/{meeting.id}/live?stage=options&situation=resources"
                      ).get_data(as_text=True)
    expected = [p for p in content.prompts if p.stage == "options" and "resources" in p.situations]
    assert f"{len(expected)} of {len(content.prompts)} prompts" in html
    word = content.prompts[0].text.split()[2].lower()
    html = client.get(f"/meetings/{meeting.id}/live?q={word}").get_data(as_text=True)
    matching = [p for p in content.prompts if word in p.text.lower()]
    assert f"{len(matching)} of {len(content.prompts)} prompts" in html


def test_concern_board_positions_interests_options_agreement(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/concerns/new?next=live", {
        "title": "Bill's speech improves",
        "positions": "Parent: 4 hours of speech therapy a week",
        "interests": "Parent: fear he falls behind", "options": "Trial of 3 hours",
        "agreement": "", "status": "open"})
    assert r.status_code == 302 and "/live#concerns" in r.headers["Location"]
    concern = db.session.execute(db.select(Concern)).scalar_one()
    post_form(client, f"/meetings/{meeting.id}/concerns/{concern.id}?next=live", {
        "title": concern.title, "positions": concern.positions, "interests": concern.interests,
        "options": concern.options, "agreement": "Six-week trial", "status": "agreed"})
    db.session.refresh(concern)
    assert concern.status == "agreed" and concern.agreement == "Six-week trial"
    html = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "Agreement reached" in html and "4 hours of speech therapy" in html
    post_form(client, f"/meetings/{meeting.id}/concerns/{concern.id}?next=live", {
        "title": concern.title, "agreement": "Needs the evaluation first", "status": "parked"})
    db.session.refresh(concern)
    assert concern.status == "parked"
    r = post_form(client, f"/meetings/{meeting.id}/concerns/new?next=live",
                  {"title": "", "status": "open", "options": "o" * 5001})
    html = r.get_data(as_text=True)
    assert "Name the concern in a few words." in html and "under 5000" in html


def test_decisions_actions_and_parking_lot(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    post_form(client, f"/meetings/{meeting.id}/decisions/new?next=live", {
        "text": "Speech 3 hours a week for six weeks", "agreed_by": "Parents, SLP",
        "rationale": "Try before a longer change"})
    post_form(client, f"/meetings/{meeting.id}/actions/new?next=live", {
        "task": "Send progress data", "owner": "SLP", "due_date": "2026-12-15",
        "status": "open"})
    post_form(client, f"/meetings/{meeting.id}/parking/new?next=live", {
        "text": "Bus pick-up time", "raised_by": "Father", "follow_up": "Transport office"})
    d = db.session.execute(db.select(Decision)).scalar_one()
    a = db.session.execute(db.select(ActionItem)).scalar_one()
    p = db.session.execute(db.select(ParkingLotItem)).scalar_one()
    assert d.agreed_by == "Parents, SLP" and a.due_date.isoformat() == "2026-12-15"
    assert p.raised_by == "Father" and not p.resolved
    assert {d.organization_id, a.organization_id, p.organization_id} == {user.organization_id}
    html = client.get(f"/meetings/{meeting.id}/live").get_data(as_text=True)
    assert "Try before a longer change" in html and "Send progress data" in html
    assert "Bus pick-up time" in html
    # Bad input.
    r = post_form(client, f"/meetings/{meeting.id}/actions/new",
                  {"task": "", "due_date": "not a date", "status": "later"})
    html = r.get_data(as_text=True)
    assert "Write the task." in html and "Not a valid date value." in html
    r = post_form(client, f"/meetings/{meeting.id}/decisions/new", {"text": ""})
    assert "Write what was decided." in r.get_data(as_text=True)
    r = post_form(client, f"/meetings/{meeting.id}/parking/new", {"text": "t" * 1001})
    assert "1000" in r.get_data(as_text=True)
    # Mark done and remove.
    post_form(client, f"/meetings/{meeting.id}/actions/{a.id}",
              {"task": a.task, "owner": a.owner, "due_date": "2026-12-15", "status": "done"})
    db.session.refresh(a)
    assert a.status == "done"
    post_form(client, f"/meetings/{meeting.id}/parking/{p.id}/delete?next=live")
    assert db.session.execute(db.select(ParkingLotItem)).first() is None


def test_after_meeting_reflection_becomes_a_tip_in_one_step(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    post_form(client, f"/meetings/{meeting.id}/status?next=after", {"status": "held"})
    r = post_form(client, f"/meetings/{meeting.id}/reflection", {
        "what_worked": "Starting with his drawings", "what_did_not": "We ran over time"})
    assert r.status_code == 302
    html = client.get(f"/meetings/{meeting.id}/after").get_data(as_text=True)
    assert "Keep it for next time" in html
    assert "What worked: Starting with his drawings" in html  # the tip text is ready
    r = post_form(client, f"/meetings/{meeting.id}/reflection/tip", {
        "kind": "joy", "text": "Start with his drawings; book two hours."})
    assert r.status_code == 302
    tip = db.session.execute(db.select(TipEntry)).scalar_one()
    assert tip.family_id == meeting.family_id and tip.kind == "joy"
    assert tip.author_id == user.id
    db.session.refresh(meeting)
    assert meeting.reflection.tip_id == tip.id and meeting.status == "held"
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Start with his drawings; book two hours." in html


def test_after_meeting_bad_input(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/reflection/tip",
                  {"kind": "joy", "text": "No reflection yet"})
    assert r.status_code == 302
    assert db.session.execute(db.select(TipEntry)).first() is None
    r = post_form(client, f"/meetings/{meeting.id}/reflection", {"what_worked": "w" * 5001})
    assert "under 5000" in r.get_data(as_text=True)
    post_form(client, f"/meetings/{meeting.id}/reflection", {"what_worked": "ok"})
    r = post_form(client, f"/meetings/{meeting.id}/reflection/tip", {"kind": "joy", "text": ""})
    assert "Write the tip." in r.get_data(as_text=True)
    assert db.session.execute(db.select(TipEntry)).first() is None


def test_demo_loads_families_and_meetings_in_every_state(runner, app):
    from facilitator.families.models import Family
    from facilitator.meetings.models import Meeting
    from facilitator.meetings.services import local_today_bounds

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    from facilitator.auth.models import Organization

    families = db.session.execute(
        db.select(Family).join(Organization, Organization.id == Family.organization_id)
        .where(Organization.slug == "riverside")).scalars().all()
    assert len(families) >= 5 and all(f.tips or f.student_ref == "RUSD-230115"
                                      for f in families)
    meetings = db.session.execute(db.select(Meeting)).scalars().all()
    statuses = {m.status for m in meetings}
    assert {"held", "scheduled"} <= statuses
    start, end = local_today_bounds()
    assert any(start <= m.starts_at_utc < end for m in meetings)  # one is live today
    held = next(m for m in meetings if m.status == "held")
    assert held.note.version >= 1 and held.concerns and held.decisions and held.reflection
