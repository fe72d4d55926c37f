"""`flask demo` fills the outbox with what the demo meetings would have sent, unsent."""

from __future__ import annotations

from facilitator.extensions import db
from facilitator.notify.models import OutboxMessage


def test_demo_outbox(app, runner, smtp):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    messages = db.session.execute(db.select(OutboxMessage)).scalars().all()
    kinds = {m.kind for m in messages}
    assert {"invitation", "summary"} <= kinds
    # Even with a mail server configured, demo mail is never sent.
    assert {m.status for m in messages} == {"not_sent_no_server"}
    assert smtp.inbox.messages == []
    summary = next(m for m in messages if m.kind == "summary")
    assert summary.language == "es" and summary.attachment_name.endswith(".docx")
    from facilitator.families.models import Family

    names = {part for name in db.session.execute(db.select(Family.student_name)).scalars()
             for part in name.split()}
    assert names and not [m.subject for m in messages if names & set(m.subject.split())]
