"""Forms for families, their contacts and the tip file (one form per action)."""

from __future__ import annotations

from wtforms import BooleanField, DateField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..db import utcnow
from ..validation import CheckedForm as FlaskForm
from .models import ContactRole, TipKind

MAX_TIP_LENGTH = 2000
MAX_NOTES_LENGTH = 5000

CONTACT_ROLE_CHOICES = ContactRole.choices()
TIP_KIND_CHOICES = TipKind.choices()


class FamilyForm(FlaskForm):
    student_name = StringField("Student's name", validators=[
        DataRequired(message="Enter the student's name."), Length(max=200)])
    student_ref = StringField(
        "Student reference", validators=[
            Optional(), Length(max=64),
            Regexp(r"^[A-Za-z0-9._/-]+$",
                   message="Use letters, digits, dots, dashes or slashes only, no spaces.")],
        description="A short reference such as the district's student number. Imports use it "
                    "to find the family. Leave empty if you have none.")
    school = StringField("School", validators=[Optional(), Length(max=200)])
    grade = StringField("Grade", validators=[Optional(), Length(max=20)],
                        description="For example K, 3 or 11.")
    date_of_birth = DateField("Date of birth", validators=[Optional()],
                              description="Optional.")
    primary_language = StringField("Family's primary language", default="English",
                                   validators=[DataRequired(message="Enter a language."),
                                               Length(max=80)])
    interpreter_needed = BooleanField("The family needs an interpreter at meetings")
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=MAX_NOTES_LENGTH)])

    def validate_date_of_birth(self, field) -> None:
        if field.data and field.data > utcnow().date():
            raise ValidationError("The date of birth cannot be in the future.")


class FamilySearchForm(FlaskForm):
    """The search box on the families list; sent by POST so names stay out of URLs."""

    q = StringField("Search by student, reference or school",
                    validators=[Optional(), Length(max=100)])
    archived = BooleanField("Show archived families")


class ContactForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter the contact's name."),
                                           Length(max=200)])
    role = SelectField("Relationship to the student", choices=CONTACT_ROLE_CHOICES)
    is_guardian = BooleanField("Has educational decision-making rights", default=True)
    email = EmailField("Email", validators=[
        Optional(), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email like name@example.org.")])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    preferred_language = StringField("Preferred language", validators=[Optional(),
                                                                       Length(max=80)])


class TipForm(FlaskForm):
    kind = SelectField("Kind", choices=TIP_KIND_CHOICES)
    text = TextAreaField("What to remember", validators=[
        DataRequired(message="Write what the team should remember."),
        Length(max=MAX_TIP_LENGTH,
               message=f"Keep it under {MAX_TIP_LENGTH} characters; split it into entries.")],
        description="Plain words the whole team can read. Facts and preferences, not judgements.")


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected POST button."""
