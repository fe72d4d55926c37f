"""Forms of the state program's pages (one per action)."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
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
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import LANGUAGES
from ..validation import CheckedForm as FlaskForm
from .models import ProgramProcess, TrainingKind

#: A plausible address (the mail server has the last word).
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGES.items()]


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a select."""
    return [SelectChoice(value, label) for value, label in pairs]


class Checkboxes(SelectMultipleField):
    """A group of checkboxes (a fieldset a screen reader names)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _money(label: str) -> DecimalField:
    return DecimalField(label, places=2, default=Decimal("0"), validators=[
        InputRequired(message="Enter an amount (0 when it does not apply)."),
        NumberRange(min=0, max=100000, message="Enter an amount from 0 to 100,000.")])


class NeutralForm(FlaskForm):
    """Add or edit a neutral on the roster."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[Optional(), Length(max=254), Regexp(
        EMAIL, message="Enter an email address like name@example.org.")],
                       description="Assignment offers are sent here.")
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    processes = Checkboxes("Processes", choices=ProgramProcess.choices(),
                           validators=[DataRequired(message="Choose at least one process.")])
    languages = Checkboxes("Languages", choices=LANGUAGE_CHOICES, default=["en"],
                           validators=[DataRequired(message="Choose at least one language.")])
    regions = StringField("Regions served", validators=[Optional(), Length(max=400)],
                          description="Separate regions with commas, as in the district "
                                      "directory.")
    caseload_limit = IntegerField("Caseload limit", default=5, validators=[
        InputRequired(message="Enter the most open cases at once."),
        NumberRange(min=0, max=100, message="Enter a number from 0 to 100.")])
    rate_session = _money("Fee per session ($)")
    rate_hour = _money("Fee per hour ($)")
    rate_mile = _money("Travel per mile ($)")
    contract_start = DateField("Contract starts", validators=[Optional()])
    contract_end = DateField("Contract ends", validators=[Optional()])
    sea_employee = BooleanField("Employee of the state agency",
                                description="An employee of the state agency may not be "
                                            "assigned (34 CFR 300.506(c)).")
    active = BooleanField("Active (in the rotation)", default=True)

    def validate_contract_end(self, field):
        if field.data and self.contract_start.data and field.data < self.contract_start.data:
            raise ValidationError("The contract cannot end before it starts.")


class TrainingForm(FlaskForm):
    on = DateField("Date", validators=[InputRequired(message="Enter the training date.")])
    kind = SelectField("Kind", choices=TrainingKind.choices())
    hours = DecimalField("Hours", places=2, validators=[
        InputRequired(message="Enter the hours."),
        NumberRange(min=0.25, max=500, message="Enter from 0.25 to 500 hours.")])
    title = StringField("Course", validators=[Optional(), Length(max=200)])


class AbsenceForm(FlaskForm):
    first = DateField("Away from", validators=[InputRequired(message="Enter the first day.")])
    last = DateField("Away until", validators=[InputRequired(message="Enter the last day.")])

    def validate_last(self, field):
        if field.data and self.first.data and field.data < self.first.data:
            raise ValidationError("The last day cannot be before the first.")


class ConflictForm(FlaskForm):
    district = SelectField("District", coerce=str, validate_choice=True)
    relation = SelectField("Relation", choices=choices([
        ("employee", "Works or worked for the district"),
        ("contractor", "Contracts or contracted with the district"),
        ("other", "Another personal or professional interest")]))
    ended_on = DateField("Ended on", validators=[Optional()],
                         description="Leave empty while it continues.")
    note = TextAreaField("Note", validators=[Optional(), Length(max=2000)])


class DistrictImportForm(FlaskForm):
    file = FileField("District directory (CSV)",
                     validators=[FileRequired(message="Choose a CSV file.")],
                     description="Columns: district_id, name, region. Districts already "
                                 "listed are renamed; none are removed.")


class SettingsForm(FlaskForm):
    min_initial_hours = IntegerField("Initial training hours required", validators=[
        InputRequired(), NumberRange(min=0, max=500)])
    refresher_years = IntegerField("Years between refreshers", validators=[
        InputRequired(), NumberRange(min=1, max=10)])
    renewal_warning_days = IntegerField("Warn this many days before training lapses",
                                        validators=[InputRequired(), NumberRange(0, 365)])
    conflict_years = IntegerField("Years a past district job is a conflict", validators=[
        InputRequired(), NumberRange(min=0, max=20)])
    request_window_days = IntegerField(
        "Requests within this many days of the disputed meeting", validators=[
            Optional(), NumberRange(min=1, max=365)], description="Empty: no window.")
    notice_days = IntegerField("Days' notice a session needs", validators=[
        Optional(), NumberRange(min=0, max=90)], description="Empty: none.")
    late_cancel_hours = IntegerField("A cancellation is late within (hours)", validators=[
        InputRequired(), NumberRange(min=0, max=720)])
    late_cancel_percent = IntegerField("Share of the fee paid for a late cancellation (%)",
                                       validators=[InputRequired(), NumberRange(0, 100)])
    no_show_percent = IntegerField("Share of the fee paid for a no-show (%)",
                                   validators=[InputRequired(), NumberRange(0, 100)])


class CaseDetailsForm(FlaskForm):
    """What the rotation needs to know of a case."""

    district = SelectField("District", coerce=str, validate_choice=True)
    language = SelectField("Family's language", choices=LANGUAGE_CHOICES)
    interpreter = BooleanField("An interpreter is arranged",
                               description="Then a neutral need not speak the language.")
    session_on = DateField("Planned session date", validators=[Optional()])


class ChooseForm(FlaskForm):
    """The parties' joint choice from the eligible list."""

    neutral = SelectField("Neutral chosen by the parties", coerce=str, validate_choice=False)


class ObjectForm(FlaskForm):
    reason = TextAreaField("Why the party objects", validators=[
        DataRequired(message="Say why, for the log."), Length(max=2000)])
    party = SelectField("Who objects", choices=choices([("parent", "The parent"),
                                                       ("district", "The district")]))


class AnswerForm(FlaskForm):
    """A neutral's answer to an offer."""

    answer = SelectField("Your answer", choices=choices([
        ("accepted", "I accept this case"), ("declined", "I decline this case")]))
    attest = BooleanField("I have no personal or professional interest that conflicts with my "
                          "objectivity in this case, and I do not work for the state agency "
                          "or this district.")
    reason = TextAreaField("Note (for a decline: why)", validators=[Optional(),
                                                                     Length(max=2000)])

    def validate_attest(self, field):
        if self.answer.data == "accepted" and not field.data:
            raise ValidationError("To accept, confirm that you have no conflict of interest.")
