"""Forms of the parents' rights pages."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from ..validation import CheckedForm as FlaskForm


class ExportForm(FlaskForm):
    """Download everything held about a family; say who gets it when it leaves the organization."""

    recipient = StringField(
        "Given to (outside the organization)", validators=[Optional(), Length(max=300)],
        description="Leave empty when you keep the file. If it goes to someone outside the "
                    "organization (a parent, an agency), name them here.")
    purpose = StringField(
        "Purpose", validators=[Optional(), Length(max=500)],
        description="Why they receive it, e.g. “Parent's request to inspect the records”.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        recipient, purpose = (self.recipient.data or "").strip(), (self.purpose.data or "").strip()
        if recipient and not purpose:
            self.purpose.errors.append("Say why the records are given outside the organization.")
            ok = False
        if purpose and not recipient:
            self.recipient.errors.append("Name who receives the records.")
            ok = False
        return ok


class DestroyForm(FlaskForm):
    """Confirm a destruction by typing the student's name."""

    student_name = StringField("Type the student's name to confirm",
                               validators=[DataRequired(), Length(max=200)])


class RequestDestroyForm(FlaskForm):
    """Confirm a request's destruction by typing its reference."""

    reference = StringField("Type the request's reference to confirm",
                            validators=[DataRequired(), Length(max=20)],
                            description="As on the request's page, e.g. REQ-7KQ2M9.")
