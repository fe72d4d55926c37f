"""Sessions (the neutral records them) and payments (the coordinator approves each month)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, DecimalField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .. import access
from ..adr.models import AdrCase
from ..adr.services import CaseError
from ..extensions import db
from ..validation import CheckedForm as FlaskForm
from ..validation import query_arg
from ..web import attachment, protect
from .forms import choices
from .models import Assignment, AssignmentStatus, Neutral
from .pay import (
    Payment,
    ProgramSession,
    SessionKind,
    SessionOutcome,
    apply_outcome,
    approve,
    month_lines,
    session_amount,
)
from .services import settings_for
from .views import bp, program_org_id


class SessionForm(FlaskForm):
    on = DateField("Date", validators=[InputRequired(message="Enter the session's date.")])
    kind = SelectField("What happened", choices=SessionKind.choices())
    hours = DecimalField("Hours", places=2, default=Decimal(0), validators=[
        InputRequired(message="Enter the hours (0 if not held)."),
        NumberRange(min=0, max=24, message="Enter from 0 to 24 hours.")])
    miles = DecimalField("Miles travelled", places=1, default=Decimal(0), validators=[
        Optional(), NumberRange(min=0, max=2000, message="Enter from 0 to 2,000 miles.")])
    outcome = SelectField("How it ended", choices=choices(
        [(o.value, o.label) for o in SessionOutcome]))
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        held = self.kind.data == SessionKind.HELD
        if held and not self.outcome.data:
            self.outcome.errors = [*self.outcome.errors, "Say how the session ended."]
            ok = False
        if not held and self.outcome.data:
            self.outcome.errors = [*self.outcome.errors,
                                   "Only a held session has an outcome: choose “Not held”."]
            ok = False
        if held and not (self.hours.data or 0) > 0:
            self.hours.errors = [*self.hours.errors, "A held session lasted some hours."]
            ok = False
        return ok


def _my_assignment(assignment_id: int) -> Assignment:
    made = access.get_or_404(Assignment, assignment_id)  # a neutral's own only (access.py)
    if made.status != AssignmentStatus.ACCEPTED:
        abort(404)
    case = db.session.get(AdrCase, made.case_id)
    if case is None or case.closed_on is not None:
        abort(404)
    return made


@bp.route("/my-cases/<int:assignment_id>/sessions", methods=["GET", "POST"])
@access.for_neutrals
@access.require("neutral_work")
def neutral_sessions(assignment_id: int):
    """The neutral's sessions of one case; record a session, a cancellation or a no-show."""
    made = _my_assignment(assignment_id)
    case = db.session.get(AdrCase, made.case_id)
    form = SessionForm()
    problem = ""
    if form.validate_on_submit():
        month = form.on.data.replace(day=1)
        if db.session.execute(select(Payment.id).where(
                Payment.neutral_id == made.neutral_id, Payment.month == month)).first():
            problem = ("That month's payment is already approved: ask the program's "
                       "coordinator to record this session.")
        else:
            neutral = db.session.get(Neutral, made.neutral_id)
            session = ProgramSession(
                organization_id=made.organization_id, assignment_id=made.id,
                neutral_id=neutral.id, on=form.on.data, kind=form.kind.data,
                hours=form.hours.data or Decimal(0), miles=form.miles.data or Decimal(0),
                outcome=form.outcome.data, note=form.note.data or "")
            session.amount_cents = session_amount(neutral, settings_for(made.organization_id),
                                                  session.kind, session.hours, session.miles)
            db.session.add(session)
            try:
                apply_outcome(case, form.on.data, form.outcome.data)
            except CaseError as exc:
                problem = "The case could not take this outcome: " + "; ".join(
                    f"{column} {why}" for column, why in exc.problems)
            else:
                db.session.commit()
                flash("Session recorded.", "success")
                return redirect(url_for("program.neutral_sessions", assignment_id=made.id))
        db.session.rollback()
    sessions = db.session.execute(select(ProgramSession).where(
        ProgramSession.assignment_id == made.id).order_by(ProgramSession.on)).scalars().all()
    return render_template("program/sessions.html", made=made, case=case, form=form,
                           sessions=sessions, problem=problem), \
        (400 if problem or form.errors else 200)


def _month() -> date:
    raw = query_arg("month", 7) or request.form.get("month", "")[:7]
    try:
        year, month = (int(x) for x in raw.split("-")) if raw else (0, 0)
        return date(year, month, 1) if raw else date.today().replace(day=1)
    except ValueError:
        abort(404)


@bp.get("/payments")
@access.require("manage_program")
def payments():
    """Each neutral's sessions of a month, what they come to, and the approval."""
    org = program_org_id()
    month = _month()
    return render_template("program/payments.html", month=month, lines=month_lines(org, month))


@bp.post("/payments/<int:neutral_id>/approve")
@access.require("manage_program")
def payment_approve(neutral_id: int):
    """Approve a neutral's payment request for the month (its amount is fixed now)."""
    org = program_org_id()
    neutral = access.get_or_404(Neutral, neutral_id)
    month = _month()
    try:
        payment = approve(org, neutral, month, current_user)
    except ValueError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Approved ${payment.amount_cents / 100:,.2f} for {neutral.name}.", "success")
    return redirect(url_for("program.payments", month=month.strftime("%Y-%m")))


@bp.get("/payments.csv")
@access.require("manage_program")
def payments_csv():
    """The month's approved payments for the finance office (spreadsheet-safe CSV)."""
    org = program_org_id()
    month = _month()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "neutral", "email", "sessions", "amount", "approved_on"])
    for line in month_lines(org, month):
        if line.payment is not None:
            writer.writerow([protect(c) for c in (
                month.strftime("%Y-%m"), line.neutral.name, line.neutral.email,
                str(line.payment.sessions), f"{line.payment.amount_cents / 100:.2f}",
                line.payment.approved_at.strftime("%Y-%m-%d"))])
    return attachment(out.getvalue(), f"payments-{month.strftime('%Y-%m')}.csv", "text/csv")
