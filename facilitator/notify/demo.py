"""Demo outbox: the messages the demo meetings would have sent (never sent for real)."""

from __future__ import annotations

import re

from flask import current_app

from ..extensions import db
from ..i18n import language_code
from ..meetings.mail import sync_invitations
from ..meetings.models import Meeting, MeetingStatus, ParticipantRole
from ..meetings.summary_mail import send_summary


def _demo_address(name: str, org_slug: str) -> str:
    local = re.sub(r"[^a-z]+", ".", name.lower().replace("ms.", "").replace("mr.", "")).strip(".")
    return f"{local}@{org_slug}.example"


def load(ctx) -> None:
    """Give the demo's staff participants addresses, then write their mail (flushes only)."""
    saved = current_app.config.get("MAIL_SERVER")
    current_app.config["MAIL_SERVER"] = ""  # demo mail stays in the outbox, whatever is set
    try:
        for slug, org in ctx.orgs.items():
            meetings = db.session.execute(db.select(Meeting).where(
                Meeting.organization_id == org.id).order_by(Meeting.starts_at)).scalars().all()
            for meeting in meetings:
                for p in meeting.participants:
                    if not p.email and p.role not in (ParticipantRole.PARENT,
                                                      ParticipantRole.STUDENT):
                        p.email = _demo_address(p.name, slug)
                db.session.flush()
                sync_invitations(meeting)
                if meeting.status == MeetingStatus.HELD and meeting.facilitator_id:
                    send_summary(meeting, language_code(meeting.family.primary_language),
                                 "demo", meeting.facilitator_id)
        db.session.flush()
    finally:
        current_app.config["MAIL_SERVER"] = saved
