"""Planning meetings, participants, agenda, ground rules, status, calendar file and preparation."""

from __future__ import annotations

from datetime import UTC, datetime

from helpers import post_form

from facilitator.extensions import db
from facilitator.meetings.models import AgendaItem, GroundRule, Meeting, Participant
from facilitator.meetings.services import DEFAULT_AGENDA, DEFAULT_GROUND_RULES, meeting_ics

GOOD = {"kind": "facilitated_iep", "starts_at": "2026-12-03T15:30", "duration_minutes": "90",
        "location": "Room 12, Cedar Grove", "video_link": "", "facilitator_id": "",
        "purpose": "Agree speech services"}


def test_plan_a_meeting_with_defaults(client, signed_in, make_family, app):
    from facilitator.families.models import Contact

    user = signed_in("facilitator")
    family = make_family(user.organization, interpreter_needed=True, primary_language="Spanish")
    db.session.add(Contact(organization_id=family.organization_id, family_id=family.id,
                           name="Rosa Lopez", role="parent", is_guardian=True))
    db.session.add(Contact(organization_id=family.organization_id, family_id=family.id,
                           name="Aunt Ines", role="relative", is_guardian=False))
    db.session.commit()
    app.config["FACILITATOR_TIMEZONE"] = "America/Los_Angeles"
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "facilitator_id": str(user.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.organization_id == user.organization_id
    assert meeting.facilitator_id == user.id
    # 15:30 in Los Angeles in December is 23:30 UTC.
    assert meeting.starts_at_utc == datetime(2026, 12, 3, 23, 30, tzinfo=UTC)
    assert [a.title for a in meeting.agenda_items] == [t for t, _ in DEFAULT_AGENDA]
    assert [g.text for g in meeting.ground_rules] == list(DEFAULT_GROUND_RULES)
    assert meeting.note is not None and meeting.note.version == 0
    assert [(p.name, p.role) for p in meeting.participants] == [
        ("Rosa Lopez", "parent"), (user.display_name, "facilitator")]
    assert meeting.participants[0].interpreter_needed
    assert meeting.participants[0].needs == "Interpreter: Spanish"
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Thu 03 Dec 2026, 15:30" in html and "Agree speech services" in html
    assert "Maya Lopez" in client.get(f"/families/{family.id}").get_data(as_text=True)


def test_end_time_sets_the_length_and_an_end_before_the_start_is_refused(
        client, signed_in, make_family):
    user = signed_in("facilitator")
    family = make_family(user.organization)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "ends_at": "15:00", "duration_minutes": ""})
    assert "The end is before the start" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "duration_minutes": "0"})
    assert "between 1 and 720 minutes" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "duration_minutes": "-30"})
    assert "between 1 and 720 minutes" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "duration_minutes": ""})
    assert "Give the planned length" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new", {**GOOD, "starts_at": ""})
    assert "Enter the date and time the meeting starts." in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "video_link": "javascript:alert(1)"})
    assert "https://" in r.get_data(as_text=True)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "purpose": "p" * 5001})
    assert "Keep it under 5000 characters." in r.get_data(as_text=True)
    assert db.session.execute(db.select(Meeting)).first() is None
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "ends_at": "17:00", "duration_minutes": ""})
    assert r.status_code == 302
    assert db.session.execute(db.select(Meeting)).scalar_one().duration_minutes == 90


def test_facilitator_from_another_org_cannot_be_chosen(client, signed_in, make_family,
                                                        make_user):
    user = signed_in("facilitator")
    outsider = make_user(role="facilitator")
    family = make_family(user.organization)
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**GOOD, "facilitator_id": str(outsider.id)})
    assert "Not a valid choice" in r.get_data(as_text=True)


def test_another_organizations_family_and_meeting_are_404(client, signed_in, make_org,
                                                          make_family, make_meeting):
    signed_in("admin")
    other = make_org()
    family = make_family(other, name="Hidden")
    meeting = make_meeting(other, family=family)
    assert post_form(client, f"/families/{family.id}/meetings/new", GOOD).status_code == 404
    for path in ("", "/prepare", "/live", "/after", "/edit", "/calendar.ics",
                 "/checklists/print", "/notes/versions", "/participants/new"):
        assert client.get(f"/meetings/{meeting.id}{path}").status_code == 404, path
    assert post_form(client, f"/meetings/{meeting.id}/status",
                     {"status": "held"}).status_code == 404
    assert "Hidden" not in client.get("/meetings/?when=all").get_data(as_text=True)


def test_archived_family_cannot_get_a_new_meeting(client, signed_in, make_family):
    from facilitator.db import utcnow

    user = signed_in("facilitator")
    family = make_family(user.organization, archived_at=utcnow())
    r = post_form(client, f"/families/{family.id}/meetings/new", GOOD)
    assert "archived" in r.get_data(as_text=True)


def test_analyst_reads_but_cannot_change(client, signed_in, make_meeting):
    user = signed_in("analyst")
    meeting = make_meeting(user.organization)
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/live").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert post_form(client, f"/meetings/{meeting.id}/participants/new",
                     {"name": "X", "role": "parent", "attendance": "invited"}).status_code == 403
    assert post_form(client, f"/meetings/{meeting.id}/tips-reviewed").status_code == 403
    # The advocate keeps families, but does not run a district's meetings.
    assert "Add a participant" not in client.get(f"/meetings/{meeting.id}").get_data(
        as_text=True)


def test_edit_and_status(client, signed_in, make_meeting):
    user = signed_in("admin")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/edit",
                  {**GOOD, "kind": "mediation", "duration_minutes": "120"})
    assert r.status_code == 302
    db.session.refresh(meeting)
    assert meeting.kind == "mediation" and meeting.duration_minutes == 120
    post_form(client, f"/meetings/{meeting.id}/status", {"status": "cancelled"})
    db.session.refresh(meeting)
    assert meeting.status == "cancelled"
    post_form(client, f"/meetings/{meeting.id}/status", {"status": "exploded"})
    db.session.refresh(meeting)
    assert meeting.status == "cancelled"


def test_participants_add_edit_remove(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/participants/new",
                  {"name": "Rosa Lopez", "role": "parent", "attendance": "invited",
                   "interpreter_needed": "y", "needs": "Spanish interpreter in the room"})
    assert r.status_code == 302
    p = db.session.execute(db.select(Participant)).scalar_one()
    assert p.interpreter_needed and p.organization_id == user.organization_id
    html = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Rosa Lopez" in html and "Parent or guardian" in html
    post_form(client, f"/meetings/{meeting.id}/participants/{p.id}",
              {"name": "Rosa Lopez", "role": "parent", "attendance": "attended"})
    db.session.refresh(p)
    assert p.attendance == "attended" and not p.interpreter_needed
    r = post_form(client, f"/meetings/{meeting.id}/participants/new",
                  {"name": "", "role": "wizard", "attendance": "invited"})
    html = r.get_data(as_text=True)
    assert "Enter the person&#39;s name." in html and "Not a valid choice" in html
    post_form(client, f"/meetings/{meeting.id}/participants/{p.id}/delete")
    assert db.session.execute(db.select(Participant)).first() is None


def test_child_of_another_meeting_is_404(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    a = make_meeting(user.organization)
    b = make_meeting(user.organization)
    item = a.agenda_items[0]
    assert client.get(f"/meetings/{b.id}/agenda/{item.id}").status_code == 404
    assert post_form(client, f"/meetings/{b.id}/agenda/{item.id}/delete").status_code == 404
    assert client.get(f"/meetings/{a.id}/nonsense/new").status_code == 404


def test_agenda_add_reorder_and_bad_minutes(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    r = post_form(client, f"/meetings/{meeting.id}/agenda/new",
                  {"title": "Transport", "minutes": "0"})
    assert "between 1 and 480 minutes" in r.get_data(as_text=True)
    r = post_form(client, f"/meetings/{meeting.id}/agenda/new",
                  {"title": "", "minutes": ""})
    assert "Name the agenda item." in r.get_data(as_text=True)
    post_form(client, f"/meetings/{meeting.id}/agenda/new",
              {"title": "Transport", "minutes": "5"})

    def titles():
        db.session.expire_all()
        return [a.title for a in db.session.execute(
            db.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)).scalars()]

    assert titles()[-1] == "Transport"
    last = db.session.execute(db.select(AgendaItem).where(
        AgendaItem.title == "Transport")).scalar_one()
    post_form(client, f"/meetings/{meeting.id}/agenda/{last.id}/move", {"direction": "up"})
    assert titles()[-2:] == ["Transport", DEFAULT_AGENDA[-1][0]]
    first = db.session.execute(db.select(AgendaItem).where(
        AgendaItem.title == DEFAULT_AGENDA[0][0])).scalar_one()
    post_form(client, f"/meetings/{meeting.id}/agenda/{first.id}/move", {"direction": "up"})
    assert titles()[0] == DEFAULT_AGENDA[0][0]  # already first: nothing moves
    post_form(client, f"/meetings/{meeting.id}/agenda/{first.id}/move", {"direction": "down"})
    assert titles()[:2] == [DEFAULT_AGENDA[1][0], DEFAULT_AGENDA[0][0]]
    # Concerns have no order to change.
    assert post_form(client, f"/meetings/{meeting.id}/concerns/{first.id}/move",
                     {"direction": "up"}).status_code == 404


def test_ground_rules_are_editable_per_meeting(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization)
    other = make_meeting(user.organization)
    rule = meeting.ground_rules[0]
    post_form(client, f"/meetings/{meeting.id}/rules/{rule.id}",
              {"text": "Phones on silent."})
    db.session.refresh(rule)
    assert rule.text == "Phones on silent."
    assert other.ground_rules[0].text == DEFAULT_GROUND_RULES[0]
    r = post_form(client, f"/meetings/{meeting.id}/rules/new", {"text": "r" * 501})
    assert "500" in r.get_data(as_text=True)
    count = db.session.execute(db.select(db.func.count(GroundRule.id)).where(
        GroundRule.meeting_id == meeting.id)).scalar_one()
    assert count == len(DEFAULT_GROUND_RULES)


def test_calendar_file_follows_rfc5545(client, signed_in, make_meeting):
    user = signed_in("facilitator")
    meeting = make_meeting(user.organization, location="Room 12; Building A, 2nd floor",
                           purpose="Line one\nLine two, with comma; and semicolon " + "x" * 80)
    r = client.get(f"/meetings/{meeting.id}/calendar.ics")
    assert r.status_code == 200
    assert r.mimetype == "text/calendar"
    assert "attachment" in r.headers["Content-Disposition"]
    raw = r.get_data()
    text = raw.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends CRLF
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    unfolded = text.replace("\r\n ", "")
    assert "LOCATION:Room 12\\; Building A\\, 2nd floor\r\n" in unfolded
    assert "Line one\\nLine two\\, with comma\\; and semicolon" in unfolded
    start = meeting.starts_at_utc.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}\r\n" in unfolded
    assert f"UID:{meeting.calendar_uid}\r\n" in unfolded  # random, kept on the meeting
    # Calendar titles show on lock screens and shared calendars: no student's name.
    assert "SUMMARY:Facilitated IEP meeting (" in unfolded and "Maya" not in unfolded


def test_ics_of_a_cancelled_meeting(app, make_meeting, make_org):
    meeting = make_meeting(make_org())
    meeting.status = "cancelled"
    assert "STATUS:CANCELLED\r\n" in meeting_ics(meeting).decode()


def test_preparation_shows_tip_file_and_records_review(client, signed_in, make_meeting):
    from facilitator.families.models import TipEntry

    user = signed_in("facilitator", name="Luis Moreno")
    meeting = make_meeting(user.organization)
    db.session.add(TipEntry(organization_id=user.organization_id, family_id=meeting.family_id,
                            kind="frustration", text="Being rushed at the end.",
                            author_id=user.id))
    db.session.commit()
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Being rushed at the end." in html and "Mark the tip file reviewed" in html
    post_form(client, f"/meetings/{meeting.id}/tips-reviewed")
    db.session.refresh(meeting)
    assert meeting.tips_reviewed_by_id == user.id and meeting.tips_reviewed_at is not None
    html = client.get(f"/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Reviewed by <strong>Luis Moreno</strong>" in html


def test_meeting_list_tabs_and_search(client, signed_in, make_meeting, make_family):
    from datetime import timedelta

    from facilitator.db import utcnow

    user = signed_in("facilitator")
    org = user.organization
    make_meeting(org, family=make_family(org, name="Future Kid"),
                 when=utcnow() + timedelta(days=10))
    make_meeting(org, family=make_family(org, name="Past Kid"),
                 when=utcnow() - timedelta(days=10))
    upcoming = client.get("/meetings/").get_data(as_text=True)
    assert "Future Kid" in upcoming and "Past Kid" not in upcoming
    past = client.get("/meetings/?when=past").get_data(as_text=True)
    assert "Past Kid" in past and "Future Kid" not in past
    r = post_form(client, "/meetings/", {"when": "all", "q": "futu"}, token_from="/meetings/")
    assert r.status_code == 302 and "futu" not in r.headers["Location"]
    found = client.get("/meetings/?when=all").get_data(as_text=True)
    assert "Future Kid" in found and "Past Kid" not in found
    assert client.get("/meetings/?when=bogus").status_code == 200
