"""One form per action on documents, the timeline, the decision log and packets."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..validation import CheckedForm as FlaskForm
from .models import DocumentType, EventKind

DOCUMENT_TYPE_CHOICES = DocumentType.choices()
EVENT_KIND_CHOICES = EventKind.choices()


class UploadForm(FlaskForm):
    files = MultipleFileField(
        "Files", description="PDF, Word (.docx), PNG, JPEG or plain text. You can choose "
        "several at once; the details below apply to all of them.")
    doc_type = SelectField("Type of record", choices=DOCUMENT_TYPE_CHOICES)
    doc_date = DateField("Date on the record", validators=[Optional()],
                         description="The date written on the document, if it has one.")
    source = StringField("Author or source", validators=[Optional(), Length(max=200)],
                         description="For example: school psychologist, Riverside USD, "
                         "private speech therapist.")
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    tags = StringField("Tags", validators=[Optional(), Length(max=500)],
                       description="Words to find it again, separated by commas "
                       "(for example: reading, behavior).")

    def validate_files(self, field):
        if not [f for f in (field.data or []) if getattr(f, "filename", "")]:
            raise ValidationError("Choose at least one file.")


class DocumentEditForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    doc_type = SelectField("Type of record", choices=DOCUMENT_TYPE_CHOICES)
    doc_date = DateField("Date on the record", validators=[Optional()])
    source = StringField("Author or source", validators=[Optional(), Length(max=200)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
    tags = StringField("Tags", validators=[Optional(), Length(max=500)],
                       description="Separated by commas.")


class EventForm(FlaskForm):
    event_date = DateField("Date", validators=[DataRequired(message="Enter the date.")])
    kind = SelectField("What happened", choices=EVENT_KIND_CHOICES)
    description = TextAreaField("Description", validators=[
        DataRequired(message="Say in a sentence what happened."), Length(max=5000)])
    responds_to = SelectField("Answers which concern or request", validators=[Optional()],
                              description="Only for a district response. Left empty, it "
                              "answers the oldest one still open.")
    documents = SelectMultipleField("Linked documents", validators=[Optional()],
                                    description="Hold Ctrl (or Cmd) to choose several.")


class DecisionForm(FlaskForm):
    decided_on = DateField("Date decided", validators=[DataRequired(message="Enter the date.")])
    what = TextAreaField("What was decided", validators=[
        DataRequired(message="Say what was decided."), Length(max=5000)])
    approved_by = StringField("Who approved it", validators=[Optional(), Length(max=200)],
                              description="A name or role, for example: the IEP team, "
                              "special education director.")
    why = TextAreaField("Why", validators=[Optional(), Length(max=5000)],
                        description="The reason given, in the words used if you have them.")


class PacketCreateForm(FlaskForm):
    title = StringField("Packet title", validators=[DataRequired(), Length(max=200)],
                        description="For example: Records for mediation, spring 2025.")
    prepared_for = StringField("Prepared for", validators=[Optional(), Length(max=200)],
                               description="For example: mediator, state complaint "
                               "investigator, hearing officer.")
    types = SelectMultipleField("Include these types", choices=DOCUMENT_TYPE_CHOICES,
                                validators=[Optional()],
                                description="Leave empty for every type.")
    date_from = DateField("Records dated from", validators=[Optional()])
    date_to = DateField("Records dated until", validators=[Optional()])
    tags = StringField("With any of these tags", validators=[Optional(), Length(max=500)],
                       description="Separated by commas. Leave empty for all.")

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class PacketEditForm(FlaskForm):
    title = StringField("Packet title", validators=[DataRequired(), Length(max=200)])
    prepared_for = StringField("Prepared for", validators=[Optional(), Length(max=200)])
    needs = TextAreaField("The student's needs", validators=[Optional(), Length(max=20000)],
                          description="What the records show the student needs.")
    goals = TextAreaField("Goals", validators=[Optional(), Length(max=20000)],
                          description="The goals that follow from those needs.")
    services = TextAreaField("Services asked for", validators=[Optional(), Length(max=20000)],
                             description="The services, accommodations and supports "
                             "requested to reach the goals.")


class ConfirmForm(FlaskForm):
    """A bare form: the CSRF token of a button."""
