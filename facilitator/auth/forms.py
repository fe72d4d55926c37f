"""Forms for signing in, passwords and the organization's user admin."""

from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..validation import CheckedForm as FlaskForm
from .models import Role

ROLE_CHOICES = [
    SelectChoice(Role.ADMIN.value, "Admin — manages users and settings"),
    SelectChoice(Role.FACILITATOR.value, "Facilitator — prepares and runs meetings, records cases"),
    SelectChoice(Role.ADVOCATE.value, "Advocate — keeps family records and packets"),
    SelectChoice(Role.ANALYST.value, "Analyst — reads reports and dashboards"),
    SelectChoice(Role.NEUTRAL.value,
                 "Neutral — a contracted facilitator or mediator; sees only assigned cases"),
]


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 12 characters. A few unrelated words make a strong one.",
    )
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new_password", message="The two passwords differ.")],
    )


class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[
        DataRequired(), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
               message="Enter an email address like name@example.org."),
    ])
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    position = StringField("Position", validators=[Optional(), Length(max=120)],
                           description="Job title, e.g. “School psychologist”: shown on the "
                                       "list of staff with access to family records.")
    role = SelectField("Role", choices=ROLE_CHOICES)
    password = PasswordField(
        "Starting password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 12 characters. Give it to the person privately; "
        "they can change it under My account.",
    )


class UserEditForm(FlaskForm):
    name = StringField("Full name", validators=[Optional(), Length(max=200)])
    position = StringField("Position", validators=[Optional(), Length(max=120)],
                           description="Job title, e.g. “School psychologist”: shown on the "
                                       "list of staff with access to family records.")
    role = SelectField("Role", choices=ROLE_CHOICES)
    active = BooleanField("Active (may sign in)")


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected POST button."""


class SetPasswordForm(FlaskForm):
    """An admin sets a new password for someone who forgot theirs."""

    new_password = PasswordField(
        "New password",
        validators=[DataRequired(), Length(max=200)],
        description="At least 12 characters. Give it to the person privately; "
        "their other sessions end.",
    )


class ReauthForm(FlaskForm):
    """Sign in again: the password only."""

    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
