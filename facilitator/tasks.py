"""The worker's clock, and every queue task in one place for the consumer.

``huey_consumer facilitator.worker.huey`` runs the tasks registered on the
queue (facilitator/queue.py): sending mail (notify/tasks.py), building packets
(packets/tasks.py), building family exports (rights/tasks.py) and, every minute,
:func:`every_minute` below.
"""

from __future__ import annotations

from datetime import timedelta

from huey import crontab

from .notify.tasks import send_message
from .packets.tasks import build_packet
from .queue import huey, run_in_app
from .rights.tasks import build_family_export

__all__ = ["build_family_export", "build_packet", "every_minute", "run_due_work",
           "send_message"]


def _due_messages(now) -> list[int]:
    from .extensions import db
    from .notify.models import MessageStatus, OutboxMessage

    lost = now - timedelta(minutes=2)  # queued, but its task was lost (e.g. queue wiped)
    return list(db.session.execute(db.select(OutboxMessage.id).where(
        OutboxMessage.status == MessageStatus.QUEUED,
        db.or_(OutboxMessage.next_attempt_at <= now,
               db.and_(OutboxMessage.next_attempt_at.is_(None),
                       OutboxMessage.created_at <= lost)))
        .order_by(OutboxMessage.id).limit(500)).scalars())


def run_due_work(now=None) -> dict[str, int]:
    """Queue due invitations, reminders, survey and commitment reminders; hand due retries to
    the worker."""
    from .adr import survey_mail
    from .commitments import mail as commitment_mail
    from .db import utcnow
    from .extensions import db
    from .meetings import mail as meeting_mail

    now = now or utcnow()
    counts = {"invitations": meeting_mail.sync_upcoming(now),
              "reminders": meeting_mail.queue_due_reminders(now),
              "survey_reminders": survey_mail.queue_survey_reminders(now),
              "commitment_reminders": commitment_mail.queue_due(now)}
    db.session.commit()  # the new messages' tasks are queued on commit
    due = _due_messages(now)
    db.session.commit()
    for message_id in due:
        send_message(message_id)
    counts["retries"] = len(due)
    from .rights.export_task import expire_exports

    counts["exports_expired"] = expire_exports(now)
    return counts


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> dict[str, int]:
    """The worker's clock: due reminders, survey reminders, mail retries, expired exports."""
    return run_in_app(run_due_work)
