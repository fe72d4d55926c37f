"""One form per commitment action; the owner's and the family's forms are translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from ..i18n import LANGUAGES
from ..validation import CheckedForm as FlaskForm
from .services import NOTE_MAX
from .vocabulary import OWNER_CHOICES, CommitmentStatus

LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGES.items()]


class OwnerFields(FlaskForm):
    """Who will do it: someone on the list, or a typed name (with an address for the link)."""

    owner = SelectField("Owner", choices=[], validate_choice=False,
                        description="A participant of the meeting or someone in your "
                                    "organization.")
    owner_name = StringField("Or type the owner's name", validators=[Optional(),
                                                                     Length(max=200)])
    owner_email = EmailField("Owner's email", validators=[
        Optional(), Length(max=254),
        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email like name@example.org.")],
                             description="Where an owner without an account gets a link "
                                         "to report progress, and the reminders.")
    owner_language = SelectField("Owner's language", default="", choices=[
        SelectChoice("", "As known"), *LANGUAGE_CHOICES])


class CommitmentForm(OwnerFields):
    task = StringField("What will be done", validators=[
        DataRequired(message="Say what will be done."), Length(max=500)])
    origin = SelectField("Comes from", choices=[], validate_choice=False)
    due_on = DateField("Due date", validators=[Optional()])


class UpdateForm(FlaskForm):
    status = SelectField("Status", choices=CommitmentStatus.choices())
    due_on = DateField("Due date", validators=[Optional()])
    note = TextAreaField("Note", validators=[Optional(), Length(max=NOTE_MAX)],
                         description="What happened, in a sentence or two.")


class OwnerForm(OwnerFields):
    pass


class OwnerUpdateForm(FlaskForm):
    """What an owner without an account reports through their link."""

    status = SelectField(_l("How is it going?"), choices=[
        SelectChoice(s.value, _l(s.label)) for s in OWNER_CHOICES])
    note = TextAreaField(_l("A short note"), validators=[Optional(), Length(max=NOTE_MAX)],
                         description=_l("For example: the first session took place on "
                                        "Tuesday."))


class FamilyReportForm(FlaskForm):
    """The family says a commitment has not happened."""

    note = TextAreaField(_l("What has not happened?"), validators=[
        DataRequired(message=_l("Tell us in a few words what has not happened.")),
        Length(max=NOTE_MAX)])


class ReviewForm(FlaskForm):
    review_on = DateField("Review date", validators=[InputRequired(
        message="Enter the day the commitments will be reviewed.")])


class FollowUpForm(FlaskForm):
    starts_at = DateTimeLocalField("Follow-up meeting starts", format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(
                                       message="Enter the day and time of the meeting.")])


class SettingsForm(FlaskForm):
    review_days = IntegerField("Review the commitments this many days after the meeting",
                               validators=[InputRequired(), NumberRange(1, 365)])
    remind_days_before = IntegerField("Remind owners this many days before the due date",
                                      validators=[InputRequired(), NumberRange(0, 30)])
