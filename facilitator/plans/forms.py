"""One form per action on assessments and action plans."""

from __future__ import annotations

from datetime import date

from wtforms import (
    DateField,
    FloatField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .. import measures
from ..validation import CheckedForm as FlaskForm
from .content import (
    DESIRED_RESULTS,
    PRIORITY_QUESTION,
    TARGET_DATA_QUESTION,
    TARGET_SOURCES_QUESTION,
)
from .models import ActivityStatus, ProgressKind
from .services import check_activity_dates

LONG = 20_000

STATUS_CHOICES = ActivityStatus.choices()
KIND_CHOICES = ProgressKind.choices()


def owner_choices(users) -> list[SelectChoice]:
    return [SelectChoice("", "No owner yet")] + [
        SelectChoice(str(u.id), u.display_name) for u in users]


class AssessmentForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the assessment a title."),
                                             Length(max=200)],
                        description="For example: Early resolution capacity, 2026-27.")
    scope = StringField("Whose capacity", validators=[Optional(), Length(max=200)],
                        description="For example: all middle schools, or the whole district.")
    owner = SelectField("Owner", choices=[], validate_choice=True)


class StepForm(FlaskForm):
    answer = TextAreaField("Our answer", validators=[Optional(), Length(max=LONG)],
                           render_kw={"rows": 10})
    data_sources = TextAreaField(
        "Data sources used", validators=[Optional(), Length(max=LONG)],
        description="Name the data behind the answer: dispute-resolution logs, indicator 8 "
                    "survey, interviews, observations.",
        render_kw={"rows": 3})


class PlanCreateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the plan a title."),
                                             Length(max=200)])
    owner = SelectField("Owner", choices=[])
    assessment = SelectField(
        "Start from", choices=[],
        description="Starting from an assessment copies its answers into the plan where they "
                    "fit. You can change everything afterwards.")


class PlanEditForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(message="Give the plan a title."),
                                             Length(max=200)])
    owner = SelectField("Owner", choices=[])
    priority_area = TextAreaField(f"1. {PRIORITY_QUESTION}",
                                  validators=[Optional(), Length(max=LONG)],
                                  render_kw={"rows": 3})


# 2a-2g: one text area each, labelled with CADRE's letter and our question.
for _letter, _label, _question in DESIRED_RESULTS:
    setattr(PlanEditForm, f"result_{_letter}", TextAreaField(
        f"2{_letter}. {_question}", validators=[Optional(), Length(max=LONG)],
        render_kw={"rows": 4}))


class TargetForm(FlaskForm):
    statement = TextAreaField(
        "Performance target", validators=[DataRequired(message="Write the target."),
                                          Length(max=LONG)],
        description="Measurable and about outcomes, e.g. \"By June 2027, 80% of IEP teams in the "
                    "pilot schools use the shared agenda.\"",
        render_kw={"rows": 3})
    by_when = DateField("By when", validators=[Optional()],
                        description="A date in the past is allowed; the plan will flag it.")
    evidence = TextAreaField(f"3a. {TARGET_DATA_QUESTION}",
                             validators=[Optional(), Length(max=LONG)], render_kw={"rows": 3})
    data_sources = TextAreaField(f"3b. {TARGET_SOURCES_QUESTION}",
                                 validators=[Optional(), Length(max=LONG)], render_kw={"rows": 2})
    # Binding to a measure (checked by plans.measured.check_binding, which marks the field).
    measure = SelectField(
        "Measured by", choices=[SelectChoice("", "Nothing the app holds: track progress by hand")]
        + [SelectChoice(key, label) for key, label in measures.choices()], validate_choice=False,
        description="Bind the target to one of the organization's own figures, and its "
                    "progress is measured from the cases.")
    scope = RadioField("Which schools", default="all", validate_choice=False, choices=[
        SelectChoice("all", "All schools"),
        SelectChoice("group", "A named group of schools (for example a pilot)"),
        SelectChoice("schools", "The schools chosen below")])
    school_group = SelectField("Group of schools", choices=[], validate_choice=False)
    schools = SelectMultipleField("Schools", choices=[], validate_choice=False,
                                  render_kw={"size": 6})
    baseline_year = SelectField("Baseline school year", choices=[], validate_choice=False,
                                description="The baseline is computed from that year's cases "
                                            "when you save, and kept with its date.")
    target_value = FloatField("Target value", validators=[Optional()],
                              description="A percent (0-100) or a number of days.")


class ActivityForm(FlaskForm):
    activity = TextAreaField("Activity", validators=[
        DataRequired(message="Describe the activity."), Length(max=LONG)], render_kw={"rows": 3})
    resources_needed = TextAreaField("Resources needed",
                                     validators=[Optional(), Length(max=LONG)],
                                     render_kw={"rows": 2})
    staff_lead = StringField("Staff lead", validators=[Optional(), Length(max=200)])
    start_date = DateField("Date to be initiated", validators=[Optional()])
    end_date = DateField("Date to be completed", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=LONG)],
                          render_kw={"rows": 2})
    status = SelectField("Status", choices=STATUS_CHOICES)

    def validate_end_date(self, field) -> None:
        problem = check_activity_dates(self.start_date.data, field.data)
        if problem:
            raise ValidationError(problem)


class ProgressForm(FlaskForm):
    kind = SelectField("Kind of entry", choices=KIND_CHOICES)
    entry_date = DateField("Date", validators=[DataRequired(message="Give the date.")],
                           default=date.today)
    text = TextAreaField("What happened", validators=[
        DataRequired(message="Say what happened."), Length(max=LONG)], render_kw={"rows": 3})
    # No Optional() here: it would stop the chain before validate_reason runs.
    reason = TextAreaField("Why (for adjustments)", validators=[Length(max=LONG)],
                           render_kw={"rows": 2},
                           description="For an adjustment, say why the plan was changed.")

    def validate_reason(self, field) -> None:
        if self.kind.data == ProgressKind.ADJUSTMENT and not (field.data or "").strip():
            raise ValidationError("Say why the adjustment was made.")


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected POST button."""
