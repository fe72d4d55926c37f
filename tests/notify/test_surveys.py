"""Survey links by mail after a held facilitated IEP meeting; one reminder after 5 days to
those who have not answered; answers stay unlinked from people."""

from __future__ import annotations

import re
from datetime import timedelta

from helpers import post_form
from mailtest import family_with_guardian, plan

from facilitator.adr.models import SurveyInvitation, SurveyResponse
from facilitator.db import utcnow
from facilitator.extensions import db
from facilitator.meetings.models import Participant
from facilitator.notify.models import OutboxMessage
from facilitator.tasks import run_due_work

LINK_RE = re.compile(r"https?://[^/\s]+(/\S*survey/[A-Za-z0-9_\-]+)")


def _survey_path(mail) -> str:
    match = LINK_RE.search(mail.get_body(("plain",)).get_content())
    assert match
    return match.group(1)


ANSWERS = {"raised_concerns": "4", "had_input": "3", "neutral_helpful": "4",
           "relationship_change": "improved", "use_again": "yes"}


def test_survey_links_by_mail_then_one_reminder_to_those_who_did_not_answer(
        app, client, signed_in, smtp):
    user = signed_in("facilitator")
    meeting = plan(family_with_guardian(user.organization), user, days=1)
    db.session.add(Participant(organization_id=meeting.organization_id, meeting_id=meeting.id,
                               name="Sam Ortiz", role="sped_teacher",
                               email="sam@riverside.example"))
    db.session.commit()
    r = post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "full"},
                  follow_redirects=True)
    assert "survey link is queued for 2 participants" in r.get_data(as_text=True)
    surveys = [m for m in smtp.inbox.messages if "survey" in m["Subject"].lower()]
    assert sorted(m["To"].addresses[0].addr_spec for m in surveys) == [
        "rosa@example.org", "sam@riverside.example"]  # not the facilitator
    assert all("Maya" not in m["Subject"] for m in surveys)
    # Marking it held again sends nothing new.
    post_form(client, f"/meetings/{meeting.id}/outcome", {"outcome": "partial"})
    assert len([m for m in smtp.inbox.messages if "survey" in m["Subject"].lower()]) == 2

    rosa = next(m for m in surveys if "rosa@" in m["To"])
    sam = next(m for m in surveys if "sam@" in m["To"])
    anonymous = app.test_client()
    path = _survey_path(rosa)
    assert post_form(anonymous, path, ANSWERS, token_from=path).status_code == 200
    assert anonymous.get(path).status_code == 404  # single use
    response = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert not {"case_id", "invitation_id", "meeting_id", "email"} & set(
        SurveyResponse.__table__.columns.keys())
    assert response.raised_concerns == 4
    # Once sent, the stored copies no longer hold the links.
    stored = db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "survey")).scalars().all()
    assert all("/survey/" not in m.body.replace("/survey/[", "") for m in stored)
    assert all(m.ref for m in stored)

    run_due_work(utcnow() + timedelta(days=4))
    assert not [m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]
    run_due_work(utcnow() + timedelta(days=5, minutes=1))
    reminders = [m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]
    assert [m["To"].addresses[0].addr_spec for m in reminders] == ["sam@riverside.example"]
    # The reminder's link is new; the first one no longer works; the new one does, once.
    old_path, new_path = _survey_path(sam), _survey_path(reminders[0])
    assert old_path != new_path
    assert anonymous.get(old_path).status_code == 404
    assert post_form(anonymous, new_path, ANSWERS, token_from=new_path).status_code == 200
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 2
    # Which person had which link is forgotten once the reminder is decided; never twice.
    db.session.expire_all()
    assert all(m.ref is None for m in db.session.execute(db.select(OutboxMessage)).scalars())
    run_due_work(utcnow() + timedelta(days=12))
    assert len([m for m in smtp.inbox.messages if "Reminder" in m["Subject"]]) == 1
    assert db.session.execute(db.select(db.func.count(SurveyInvitation.id))).scalar_one() == 2
