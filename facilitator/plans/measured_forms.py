"""One form per action on measured plans: groups of schools, snapshots, readings, sharing."""

from __future__ import annotations

from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length

from ..validation import CheckedForm as FlaskForm


class GroupForm(FlaskForm):
    name = StringField("Name of the group", validators=[
        DataRequired(message="Give the group a name."), Length(max=120)],
        description="For example: Pilot schools 2026-27.")
    schools = SelectMultipleField("Schools", choices=[], validate_choice=False,
                                  render_kw={"size": 8})


class SnapshotForm(FlaskForm):
    """Attach one figure as it is now to a step's answer (the server measures it again)."""

    measure = HiddenField(validators=[DataRequired()])
    year = IntegerField(validators=[DataRequired()])
    scope = HiddenField(default="all")
    group = HiddenField()
    schools = SelectMultipleField(choices=[], validate_choice=False)


class RemoveForm(FlaskForm):
    """A POST button that names the record to remove."""

    item = IntegerField(validators=[DataRequired()])


class ReadingForm(FlaskForm):
    entry_date = DateField("Date", validators=[DataRequired(message="Give the date.")],
                           default=date.today)
    value = StringField("Figure", validators=[DataRequired(message="Give the figure."),
                                              Length(max=200)],
                        description="For example: 62% of pilot teams, or 18 of 24 staff.")
    source = TextAreaField("Source", validators=[
        DataRequired(message="Say where the figure comes from."), Length(max=20_000)],
        render_kw={"rows": 2},
        description="For example: indicator 8 parent survey 2026, training sign-in sheets.")


class ShareForm(FlaskForm):
    shared = BooleanField("Analysts of the organization may read this progress page")
