"""The organization admin's outbox: every message, its status, failures, resend, settings."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import Length, Regexp

from .. import access, web
from ..auth.models import Organization
from ..extensions import db
from ..validation import CheckedForm as FlaskForm
from .models import STATUS_LABELS, OutboxMessage
from .sending import build_email
from .services import mail_configured, requeue

bp = Blueprint("notify", __name__, url_prefix="/admin/outbox")


class ConfirmForm(FlaskForm):
    """A CSRF-protected POST button."""


class ReminderForm(FlaskForm):
    reminder_days = StringField(
        "Send meeting reminders this many days before", validators=[
            Length(max=40), Regexp(r"^\s*(\d{1,2}\s*(,\s*\d{1,2}\s*)*)?$",
                                   message="Write days as numbers separated by commas, "
                                           "e.g. 7, 1 — or leave it empty for no reminders.")],
        description="For example 7, 1: a week before and the day before. Empty: no reminders.")


@bp.get("/")
@access.require("manage_settings")
def index():
    """The outbox: newest first, filtered by status, with failures counted."""
    status = request.args.get("status", "")
    stmt = access.scoped(OutboxMessage)
    if status in STATUS_LABELS:
        stmt = stmt.where(OutboxMessage.status == status)
    else:
        status = ""
    page = db.paginate(stmt.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    counts = dict(db.session.execute(
        db.select(OutboxMessage.status, db.func.count(OutboxMessage.id))
        .where(OutboxMessage.organization_id == current_user.organization_id)
        .group_by(OutboxMessage.status)).all())
    org = db.session.get(Organization, current_user.organization_id)
    return render_template("notify/index.html", page=page, status=status,
                           statuses=STATUS_LABELS, counts=counts, configured=mail_configured(),
                           form=ReminderForm(reminder_days=org.reminder_days),
                           confirm=ConfirmForm(), args={"status": status} if status else {})


@bp.get("/<int:message_id>")
@access.require("manage_settings")
def detail(message_id: int):
    """One message exactly as it is (or would be) sent: headers, text and attachment."""
    message = access.get_or_404(OutboxMessage, message_id)
    mail = build_email(message)
    headers = [(k, v) for k, v in mail.items() if k not in ("Content-Type",
                                                            "Content-Transfer-Encoding",
                                                            "MIME-Version")]
    return render_template("notify/detail.html", message=message, headers=headers,
                           confirm=ConfirmForm())


@bp.get("/<int:message_id>/message.eml")
@access.require("manage_settings")
def eml(message_id: int):
    """The whole message as sent (RFC 5322 .eml), attachment included."""
    message = access.get_or_404(OutboxMessage, message_id)
    return web.attachment(build_email(message).as_bytes(), f"message-{message.id}.eml",
                          "message/rfc822")


@bp.get("/<int:message_id>/attachment")
@access.require("manage_settings")
def attachment(message_id: int):
    """The message's attachment (calendar file or Word document)."""
    message = access.get_or_404(OutboxMessage, message_id)
    if message.attachment is None:
        abort(404)
    return web.attachment(message.attachment, message.attachment_name,
                          message.attachment_type.split(";")[0])


@bp.post("/<int:message_id>/resend")
@access.require("manage_settings")
def resend(message_id: int):
    """Queue a failed or unsent message again (a sent one is never sent twice from here)."""
    message = access.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not requeue(message):
        flash("This message was already sent or is waiting to be sent.", "info")
    elif not mail_configured():
        db.session.commit()
        flash("No mail server is configured, so the message cannot be sent yet.", "error")
    else:
        db.session.commit()
        flash("The message is queued again.", "success")
    return redirect(url_for("notify.detail", message_id=message_id))


@bp.post("/settings")
@access.require("manage_settings")
def settings():
    """Change the days before a meeting that reminders go out."""
    form = ReminderForm()
    if form.validate_on_submit():
        org = db.session.get(Organization, current_user.organization_id)
        days = sorted({int(d) for d in (form.reminder_days.data or "").replace(" ", "").split(",")
                       if d}, reverse=True)
        org.reminder_days = ",".join(str(d) for d in days if 0 < d <= 60)
        db.session.commit()
        flash("Reminder days saved.", "success")
    else:
        flash(" ".join(form.reminder_days.errors), "error")
    return redirect(url_for("notify.index"))
