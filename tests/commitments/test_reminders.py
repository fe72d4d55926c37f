"""Reminders through the outbox and the worker's clock: before the due date and once it
has passed, never twice, never for a done or cancelled commitment, in the owner's
language; one run by a real queue worker through a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from mailtest import SmtpServer, use_server
from workertest import start_worker, stop, wait_for

from facilitator import queue as tasks
from facilitator.commitments import services
from facilitator.commitments.models import Commitment
from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage
from facilitator.tasks import run_due_work


def _add(meeting, owner: str, days: int, task: str) -> Commitment:
    p = next(x for x in meeting.participants if x.name == owner)
    c = services.create_commitment(
        family_id=meeting.family_id, org_id=meeting.organization_id, task=task,
        owner=services.resolve_owner(meeting.organization_id, meeting, f"participant-{p.id}"),
        due_on=services.today() + timedelta(days=days), meeting=meeting, check_due=False)
    db.session.commit()
    return c


def _reminders():
    db.session.expire_all()
    return db.session.execute(db.select(OutboxMessage).where(
        OutboxMessage.kind == "commitment_reminder").order_by(OutboxMessage.id)).scalars().all()


def test_before_and_after_the_due_date_once_each_in_the_owners_language(
        app, make_user, held_meeting, smtp):
    user = make_user("facilitator")
    meeting = held_meeting(user.organization, user)
    soon = _add(meeting, "Lucía Alvarez", 2, "Traer el informe")
    late = _add(meeting, "Omar Haddad", -1, "Send the speech data")
    _add(meeting, "Omar Haddad", 20, "Not due for a while")
    done = _add(meeting, "Omar Haddad", -2, "Already done")
    services.update_commitment(done, status="done", keep_due=True)
    cancelled = _add(meeting, "Omar Haddad", 1, "Cancelled one")
    services.update_commitment(cancelled, status="cancelled", keep_due=True)
    db.session.commit()

    assert run_due_work()["commitment_reminders"] == 2
    assert run_due_work()["commitment_reminders"] == 0  # never twice
    sent = {m["To"]: m for m in smtp.inbox.messages}
    assert set(sent) == {"Lucía Alvarez <lucia@example.org>",
                         "Omar Haddad <omar@provider.example>"}
    spanish = sent["Lucía Alvarez <lucia@example.org>"]
    assert spanish["Subject"] == ("Recordatorio: se acerca la fecha límite de un compromiso "
                                  "de su reunión")
    assert "Traer el informe" in spanish.get_content() and "/c/" in spanish.get_content()
    english = sent["Omar Haddad <omar@provider.example>"]
    assert english["Subject"] == "A commitment from your meeting is past its due date"
    assert "Send the speech data" in english.get_content()
    assert {m.ref for m in _reminders()} == {f"commitment:{soon.id}", f"commitment:{late.id}"}


def test_a_reminder_queued_for_a_commitment_done_since_is_not_sent(app, make_user,
                                                                    held_meeting, queue_real, smtp):
    user = make_user("facilitator")
    meeting = held_meeting(user.organization, user)
    c = _add(meeting, "Omar Haddad", -3, "Send the data")
    run_due_work()  # queued, not sent: the queue is not immediate here
    services.update_commitment(db.session.get(Commitment, c.id), status="done", keep_due=True)
    db.session.commit()
    from facilitator.notify.sending import send_one

    [message] = _reminders()
    send_one(message.id)
    assert _reminders()[0].status == "skipped" and smtp.inbox.messages == []


@pytest.fixture()
def queue_real(app, tmp_path):
    """The app's queue in a SQLite file (not immediate), restored afterwards."""
    app.config.update(HUEY_IMMEDIATE=False, HUEY_FILE=str(tmp_path / "huey.db"))
    tasks.init_app(app)
    yield tmp_path / "huey.db"
    app.config.update(HUEY_IMMEDIATE=True, HUEY_FILE="")
    tasks.init_app(app)


def test_a_real_worker_sends_the_reminders_through_a_real_smtp_server(
        app, make_user, held_meeting, queue_real, tmp_path):
    server = SmtpServer().start()
    use_server(app, server.port)
    user = make_user("facilitator")
    meeting = held_meeting(user.organization, user)
    _add(meeting, "Lucía Alvarez", 1, "Traer el informe")
    _add(meeting, "Omar Haddad", -4, "Send the speech data")
    run_due_work()  # the clock's pass: two reminders wait in the real queue
    assert tasks.huey.pending_count() == 2
    worker = start_worker(app, tmp_path, {"HUEY_FILE": str(queue_real)})
    try:
        assert wait_for(lambda: [m.status for m in _reminders()] == ["sent", "sent"]), \
            (tmp_path / "worker.log").read_text()
        assert sorted(m["To"] for m in server.inbox.messages) == [
            "Lucía Alvarez <lucia@example.org>", "Omar Haddad <omar@provider.example>"]
        run_due_work()
        assert len(_reminders()) == 2
    finally:
        stop(worker)
        server.stop()
