"""One form per meeting action."""

from __future__ import annotations

from datetime import datetime, timedelta

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..content import PHASES
from ..families.forms import TIP_KIND_CHOICES
from ..validation import CheckedForm as FlaskForm
from .vocabulary import (
    ActionStatus,
    Attendance,
    ConcernStatus,
    MeetingKind,
    MeetingStatus,
    ParticipantRole,
)

LONG_TEXT = 5000


def _long(label: str, description: str | None = None, required: str | None = None):
    validators = [DataRequired(message=required)] if required else [Optional()]
    validators.append(Length(max=LONG_TEXT, message=f"Keep it under {LONG_TEXT} characters."))
    return TextAreaField(label, validators=validators, description=description)


class MeetingForm(FlaskForm):
    kind = SelectField("Kind of meeting", choices=MeetingKind.choices())
    starts_at = DateTimeLocalField(
        "Starts", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(message="Enter the date and time the meeting starts.")],
        description="Local time.")
    duration_minutes = IntegerField(
        "Planned length in minutes", default=90,
        validators=[Optional(), NumberRange(min=1, max=720, message=(
            "The planned length must be between 1 and 720 minutes."))],
        description="Or give the end time below instead.")
    ends_at = TimeField("Ends at", validators=[Optional()],
                        description="Optional. Used instead of the planned length when given.")
    location = StringField("Place", validators=[Optional(), Length(max=300)],
                           description="Room and building, or “video call”.")
    video_link = StringField("Video link", validators=[
        Optional(), Length(max=500),
        Regexp(r"^https?://\S+$", message="Enter a link starting with https://.")])
    facilitator_id = SelectField("Facilitator", choices=[], validate_choice=True)
    purpose = _long("Purpose", "What the meeting is for, in words the family will read.")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not ok:
            return False
        if self.ends_at.data:
            start: datetime = self.starts_at.data
            end = start.replace(hour=self.ends_at.data.hour, minute=self.ends_at.data.minute)
            if end <= start:
                self.ends_at.errors.append("The end is before the start. Check both times.")
                return False
            self.duration_minutes.data = int((end - start) / timedelta(minutes=1))
        elif not self.duration_minutes.data:
            self.duration_minutes.errors.append(
                "Give the planned length in minutes (more than zero), or the end time.")
            return False
        return True


class StatusForm(FlaskForm):
    # "Continued" is set only by scheduling the follow-on (meetings/continuation.py).
    status = SelectField("Status", choices=[c for c in MeetingStatus.choices()
                                            if c.value != MeetingStatus.CONTINUED])


class ParticipantForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(message="Enter the person's name."),
                                           Length(max=200)])
    role = SelectField("Role", choices=ParticipantRole.choices())
    attendance = SelectField("Invited or attended", choices=Attendance.choices())
    email = EmailField("Email", validators=[Optional(), Length(max=254), Regexp(
                       r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                       message="Enter an email like name@example.org, or leave it empty.")],
                       description="Invitations, reminders and the survey link go here.")
    language = StringField("Reads in", validators=[Optional(), Length(max=80)],
                           description="For example Spanish. Empty: the family's language.")
    interpreter_needed = BooleanField("Needs an interpreter")
    needs = StringField("Other needs", validators=[Optional(), Length(max=500)],
                        description="Access, breaks, joining by phone, anything that helps.")


class AgendaItemForm(FlaskForm):
    title = StringField("Agenda item", validators=[
        DataRequired(message="Name the agenda item."), Length(max=300)])
    minutes = IntegerField("Minutes", default=10, validators=[
        InputRequired(message="Give the minutes for this item."),
        NumberRange(min=1, max=480, message="Give between 1 and 480 minutes.")])
    description = _long("Details")


class GroundRuleForm(FlaskForm):
    text = StringField("Ground rule", validators=[
        DataRequired(message="Write the ground rule."), Length(max=500)])


class ConcernForm(FlaskForm):
    title = StringField("Concern", validators=[
        DataRequired(message="Name the concern in a few words."), Length(max=300)],
        description="The shared goal behind it, e.g. “Bill's speech improves”.")
    positions = _long("Positions and who holds them",
                      "What each person says must happen, e.g. “Parent: 4 hours of speech "
                      "therapy a week”.")
    interests = _long("Interests underneath", "Why it matters to them: needs, hopes, worries.")
    options = _long("Options", "Every idea the team came up with, before judging any.")
    agreement = _long("Agreement, or why it is parked")
    status = SelectField("Where it stands", choices=ConcernStatus.choices())


class DecisionForm(FlaskForm):
    text = _long("What was decided", required="Write what was decided.")
    agreed_by = StringField("Who agreed", validators=[Optional(), Length(max=500)],
                            description="Names or roles.")
    rationale = _long("Why", "The reason the team gave.")


class ActionItemForm(FlaskForm):
    task = StringField("Task", validators=[DataRequired(message="Write the task."),
                                           Length(max=500)])
    owner = StringField("Who will do it", validators=[Optional(), Length(max=200)])
    due_date = DateField("Due date", validators=[Optional()])
    status = SelectField("Status", choices=ActionStatus.choices())


class ParkingLotForm(FlaskForm):
    text = StringField("Topic", validators=[DataRequired(message="Write the topic."),
                                            Length(max=1000)])
    raised_by = StringField("Raised by", validators=[Optional(), Length(max=200)])
    follow_up = StringField("Follow-up", validators=[Optional(), Length(max=500)],
                            description="When and how it will be taken up.")
    resolved = BooleanField("Dealt with")


class ChecklistItemForm(FlaskForm):
    item_key = HiddenField(validators=[DataRequired(), Length(max=80)])
    done = BooleanField("Done")
    note = StringField("Note", validators=[Optional(), Length(
        max=1000, message="The note is too long (1000 characters at most).")])


class NoteForm(FlaskForm):
    """The notes without JavaScript: the same version check as autosave."""

    body = TextAreaField("Notes", validators=[Optional()])
    base_version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


class ReflectionForm(FlaskForm):
    what_worked = _long("What worked", "Keep doing it at future meetings.")
    what_did_not = _long("What did not work", "Stop or change it next time.")


class ReflectionTipForm(FlaskForm):
    kind = SelectField("Kind of tip", choices=TIP_KIND_CHOICES, default="other")
    text = TextAreaField("Tip-file entry", validators=[
        DataRequired(message="Write the tip."),
        Length(max=2000, message="Keep it under 2000 characters.")])


class OrgChecklistItemForm(FlaskForm):
    phase = SelectField("Checklist", choices=[SelectChoice(p, f"{p.capitalize()} the meeting")
                                              for p in PHASES])
    text = StringField("Item", validators=[DataRequired(message="Write the item."),
                                           Length(max=500)])
    help = StringField("Help (optional)", validators=[Optional(), Length(max=500)])


class ChecklistKeyForm(FlaskForm):
    item_key = HiddenField(validators=[DataRequired(), Length(max=80)])


class ConfirmForm(FlaskForm):
    """An empty form: a CSRF-protected POST button."""
