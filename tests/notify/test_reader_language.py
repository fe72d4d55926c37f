"""Mail in the reader's language, through a real SMTP server: the summary's attachment follows
the language chosen on the form, each survey link opens in its reader's language, the
calendar file is in the recipient's language, every message says its language
(Content-Language), and a person whose invitation never went out gets an invitation, not
"Changed:"."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from docx import Document as Docx
from helpers import post_form
from icalendar import Calendar
from mailtest import attachment_of, family_with_guardian, free_port, plan, use_server

from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.meetings.models import Meeting, Participant
from facilitator.notify.models import OutboxMessage
from facilitator.tasks import run_due_work

FORM = {"kind": "facilitated_iep", "starts_at": "2031-03-04T15:30", "duration_minutes": "90",
        "location": "Room 12, Cedar Grove Elementary", "video_link": "",
        "purpose": "Agree on speech services", "facilitator_id": ""}
SURVEY_LINK = re.compile(r"https?://[^/\s]+(/\S*survey/[A-Za-z0-9_\-]+)")


def _teacher(meeting, email="sam@riverside.example"):
    db.session.add(Participant(organization_id=meeting.organization_id, meeting_id=meeting.id,
                               name="Sam Ortiz", role="sped_teacher", email=email))
    db.session.commit()


def _event(mail):
    events = list(Calendar.from_ical(attachment_of(mail)).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def test_the_summary_attachment_is_in_the_language_chosen_on_the_form(client, signed_in, smtp):
    user = signed_in("facilitator")
    family = family_with_guardian(user.organization, primary="Spanish", language="Spanish")
    meeting = plan(family, user, days=-1)
    after = f"/meetings/{meeting.id}/after"
    nonce = re.search(r'name="nonce" value="([^"]+)"', client.get(after).get_data(as_text=True))
    r = post_form(client, f"/meetings/{meeting.id}/summary/send",
                  {"nonce": nonce.group(1), "language": "en"}, token_from=after,
                  follow_redirects=True)
    assert "on its way to 1 guardian" in r.get_data(as_text=True)
    mail = next(m for m in smtp.inbox.to("rosa@example.org")
                if any((p.get_filename() or "").endswith(".docx") for p in m.iter_attachments()))
    assert mail["Subject"].strip().startswith("Meeting summary")
    name = next(p.get_filename() for p in mail.iter_attachments())
    assert name.startswith("meeting-summary"), name  # not "resumen-de-la-reunion"
    text = "\n".join(p.text for p in Docx(io.BytesIO(attachment_of(mail, name))).paragraphs)
    assert "Meeting summary" in text and "Resumen de la reunión" not in text
    assert mail["Content-Language"] == "en"


def test_each_survey_link_opens_in_its_readers_language(app, client, signed_in, smtp):
    user = signed_in("facilitator")
    family = family_with_guardian(user.organization, primary="Spanish", language="Spanish")
    meeting = plan(family, user, days=1)
    _teacher(meeting)
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"})
    surveys = {m["To"].addresses[0].addr_spec: m for m in smtp.inbox.messages
               if "survey" in m["Subject"].lower() or "encuesta" in m["Subject"].lower()}
    assert set(surveys) == {"rosa@example.org", "sam@riverside.example"}
    reader = app.test_client()  # the link is opened where the mail is read: no session
    for address, language, words in (("rosa@example.org", "es", "encuesta"),
                                      ("sam@riverside.example", "en", "survey")):
        mail = surveys[address]
        body = mail.get_body(("plain",)).get_content()
        assert words in body.lower()
        path = SURVEY_LINK.search(body).group(1)
        page = reader.get(path).get_data(as_text=True)
        assert f'<html lang="{language}">' in page, (address, page[:300])
        assert mail["Content-Language"] == language


def test_the_calendar_file_is_in_the_recipients_language(client, signed_in, smtp):
    user = signed_in("facilitator", name="Dana Reyes")
    family = family_with_guardian(user.organization, primary="Spanish", language="Spanish")
    r = post_form(client, f"/families/{family.id}/meetings/new",
                  {**FORM, "facilitator_id": str(user.id)})
    assert r.status_code == 302, r.get_data(as_text=True)
    rosa, dana = smtp.inbox.to("rosa@example.org")[0], smtp.inbox.to(user.email)[0]
    spanish, english = _event(rosa), _event(dana)
    assert str(spanish["SUMMARY"]).startswith("Reunión facilitada del PEI (")
    assert str(english["SUMMARY"]).startswith("Facilitated IEP meeting (")
    es, en = str(spanish["DESCRIPTION"]), str(english["DESCRIPTION"])
    assert "Orden del día:" in es and "Bienvenida y presentaciones (10 min)" in es
    assert "Agenda:" not in es and "Welcome and introductions" not in es
    assert "Agree on speech services" in es  # what the team typed stays as typed
    assert "Agenda:" in en and "Welcome and introductions (10 min)" in en
    # Same event either way: one UID, one SEQUENCE.
    assert spanish["UID"] == english["UID"] and spanish["SEQUENCE"] == english["SEQUENCE"]
    # Every message says its language, on the message itself (not only inside a part).
    assert rosa["Content-Language"] == "es" and dana["Content-Language"] == "en"
    # The calendar download (staff) stays English.
    meeting_id = db.session.execute(db.select(Meeting.id)).scalar_one()
    ics = client.get(f"/meetings/{meeting_id}/calendar.ics")
    assert ics.status_code == 200 and b"Facilitated IEP meeting" in ics.data


def test_content_language_arrives_on_a_message_without_attachment(app, client, signed_in,
                                                                   smtp):
    user = signed_in("facilitator")
    meeting = plan(family_with_guardian(user.organization, primary="Spanish"), user, days=1)
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"})
    survey = smtp.inbox.to("rosa@example.org")[-1]
    assert not list(survey.iter_attachments())
    assert survey["Content-Language"] == "es"


def test_an_invitation_that_never_went_out_is_followed_by_an_invitation(client, signed_in,
                                                                        smtp):
    user = signed_in("facilitator")
    family = family_with_guardian(user.organization)
    app = client.application
    # A mail outage: nothing listens where the server should be; the invitation waits.
    use_server(app, free_port())
    r = post_form(client, f"/families/{family.id}/meetings/new", FORM)
    assert r.status_code == 302
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    waiting = db.session.execute(db.select(OutboxMessage)).scalars().all()
    assert {m.status for m in waiting} == {"queued"} and waiting[0].last_error
    # Moved during the outage: the waiting invitation is stale now.
    post_form(client, f"/meetings/{meeting.id}/edit", {**FORM, "starts_at": "2031-03-11T15:30"})
    use_server(app, smtp.port)  # the server is back
    run_due_work(utcnow() + timedelta(minutes=10))  # past every retry's back-off
    rosa = smtp.inbox.to("rosa@example.org")
    assert len(rosa) == 1, [m["Subject"] for m in rosa]
    assert rosa[0]["Subject"].strip().startswith("Invitation:"), rosa[0]["Subject"]
    event = _event(rosa[0])
    assert event["SEQUENCE"] == 1 and str(event["DTSTART"].dt.date()) == "2031-03-11"
    db.session.expire_all()
    kinds = {(m.kind, m.status) for m in db.session.execute(db.select(OutboxMessage)
             .where(OutboxMessage.recipient == "rosa@example.org")).scalars()}
    assert kinds == {("invitation", "skipped"), ("invitation", "sent")}


def test_the_summary_form_answers_hostile_input_with_the_form_and_a_message(client, signed_in,
                                                                           smtp):
    user = signed_in("facilitator")
    meeting = plan(family_with_guardian(user.organization), user, days=-1)
    after = f"/meetings/{meeting.id}/after"
    path = f"/meetings/{meeting.id}/summary/send"
    for data, sentence in (({"nonce": "n1", "language": "xx"}, "Choose English or Spanish"),
                           ({"nonce": "n" * 500, "language": "es"}, "nothing was sent"),
                           ({"nonce": "", "language": "en"}, "nothing was sent"),
                           ({"nonce": "n2", "language": "en\x00"}, "Choose English or Spanish")):
        r = post_form(client, path, data, token_from=after)
        html = r.get_data(as_text=True)
        assert r.status_code == 200, (data, html[:300])
        assert "The summary was not sent" in html and sentence in html
        assert 'id="send-summary"' in html and 'name="nonce"' in html
    # A bad nonce keeps the language that was asked for.
    html = post_form(client, path, {"nonce": "", "language": "es"},
                     token_from=after).get_data(as_text=True)
    assert '<option value="es" selected' in html
    assert db.session.execute(db.select(OutboxMessage)).first() is None
    assert smtp.inbox.messages == []
