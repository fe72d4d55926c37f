"""Forms of the dispute-resolution pages (one per action)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..i18n import LANGUAGES
from ..validation import CheckedForm as FlaskForm
from .models import PROCESS_LABELS, STATUS_LABELS, Process

YES_NO = [SelectChoice("", "—"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


class LooseSelect(SelectField):
    """A select whose value the per-process rules check (a missing value is blank)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


def _choices(pairs, blank: str | None = "—") -> list[SelectChoice]:
    out = [SelectChoice("", blank)] if blank is not None else []
    return out + [SelectChoice(value, label) for value, label in pairs]


class CaseForm(FlaskForm):
    """Create or edit a case; the per-process rules are checked by the service."""

    case_ref = StringField("Case reference", validators=[DataRequired(), Length(max=64)],
                           description="Your own reference, unique in the organization.")
    #: Named so because FlaskForm.process is a method.
    process_kind = LooseSelect("Process", choices=_choices(
        [(p.value, PROCESS_LABELS[p]) for p in Process], blank=None))
    received_on = DateField("Received on", validators=[InputRequired(
        message="Enter the date the request or complaint was received.")],
        description="Decides the July–June school year.")
    school = StringField("School", validators=[Optional(), Length(max=200)])
    student_ref = StringField("Student reference", validators=[Optional(), Length(max=64)],
                              description="Links later cases of the same student.")
    family = LooseSelect("Family (optional)", choices=[SelectChoice("", "No family linked")],
                         description="Link the case to a family kept in this app.")
    related_ref = StringField("Related case reference", validators=[Optional(), Length(max=64)],
                              description="The case this one arose from or relates to, e.g. the "
                                          "due process complaint a mediation is about.")
    status = LooseSelect("Status", choices=_choices(STATUS_LABELS.items(), blank=None))
    held_on = DateField("Held on", validators=[Optional()],
                        description="Facilitated IEP meetings and mediations.")
    agreement = LooseSelect("Agreement", choices=_choices(
        [("full", "Full agreement (facilitated IEP)"),
         ("partial", "Partial agreement (facilitated IEP)"),
         ("none", "No agreement (facilitated IEP)"),
         ("yes", "Agreement reached (mediation)"), ("no", "No agreement (mediation)")]))
    resolution_meeting_on = DateField("Resolution meeting held on", validators=[Optional()],
                                      description="Due process complaints only; blank if none.")
    settlement = LooseSelect("Written settlement agreement at the resolution meeting",
                             choices=YES_NO)
    resolution_ended_on = DateField(
        "Written waiver or no-agreement statement on", validators=[Optional()],
        description="If recorded, the 45-day hearing clock starts the day after this date.")
    hearing_on = DateField("Hearing held on", validators=[Optional()],
                           description="Expedited complaints: the decision is due 10 school "
                                       "days after the hearing.")
    decision_on = DateField("Decision or report issued on", validators=[Optional()])
    timeline = LooseSelect("Timeline", choices=_choices(
        [("within", "Within the timeline"), ("extended", "Within an extended timeline"),
         ("late", "Late")]))
    findings = LooseSelect("Findings of noncompliance (state complaint)", choices=YES_NO)
    pending_hearing = LooseSelect("Pending a due process hearing (state complaint)",
                                  choices=YES_NO)
    placement_changed = LooseSelect("Change of placement ordered (expedited)", choices=YES_NO)
    closed_on = DateField("Closed on", validators=[Optional()])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])

    def values(self) -> dict:
        """Typed values under the CSV column names."""
        def yn(field):
            return {"yes": True, "no": False}.get(field.data or "")

        return {
            "case_ref": (self.case_ref.data or "").strip(),
            "process": self.process_kind.data, "received_on": self.received_on.data,
            "school": (self.school.data or "").strip(),
            "student_ref": (self.student_ref.data or "").strip(),
            "related_ref": (self.related_ref.data or "").strip(),
            "status": self.status.data, "held_on": self.held_on.data,
            "agreement": self.agreement.data or "",
            "resolution_meeting_on": self.resolution_meeting_on.data,
            "settlement": yn(self.settlement), "decision_on": self.decision_on.data,
            "timeline": self.timeline.data or "", "findings": yn(self.findings),
            "pending_hearing": yn(self.pending_hearing),
            "placement_changed": yn(self.placement_changed),
            "closed_on": self.closed_on.data, "notes": self.notes.data or "",
        }

    def fill(self, values: dict, case) -> None:
        """Put a case's values into the form (GET of the edit page)."""
        def yn(value):
            return "" if value is None else ("yes" if value else "no")

        self.process_kind.data = values.get("process")
        for name in ("case_ref", "received_on", "school", "student_ref",
                     "related_ref", "status", "held_on", "agreement", "resolution_meeting_on",
                     "decision_on", "timeline", "closed_on", "notes"):
            getattr(self, name).data = values.get(name)
        for name in ("settlement", "findings", "pending_hearing", "placement_changed"):
            getattr(self, name).data = yn(values.get(name))
        self.family.data = str(case.family_id) if case.family_id else ""
        self.resolution_ended_on.data = case.resolution_ended_on
        self.hearing_on.data = case.hearing_on


class ImportForm(FlaskForm):
    file = FileField("CSV file", validators=[FileRequired(message="Choose a CSV file.")],
                     description="UTF-8, one row per case, with a header row.")


class ConfirmForm(FlaskForm):
    """An empty form: the CSRF token of a button."""


class ClosureForm(FlaskForm):
    first = DateField("First day closed", validators=[InputRequired(message="Enter a date.")])
    last = DateField("Last day closed", validators=[Optional()],
                     description="Leave blank for a single day. Weekends are skipped.")
    label = StringField("What it is", validators=[Optional(), Length(max=120)],
                        description="For example: Winter break.")

    def validate_last(self, field):
        """A closure spans at most a year (one row per weekday is stored)."""
        if field.data and self.first.data and (field.data - self.first.data).days > 366:
            raise ValidationError("Enter at most one year at a time.")


class InviteForm(FlaskForm):
    count = IntegerField("How many participants", default=2,
                         validators=[InputRequired(), NumberRange(min=1, max=20)])
    #: The survey page opens in this language (missing: the family's); the reader can switch.
    language = LooseSelect("Language of the survey page",
                           choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
                           description="Make one set of links per language if needed. The "
                                       "family's language is chosen first.")


AGREE = [SelectChoice("", _l("Skip this question")), SelectChoice("4", _l("Strongly agree")),
         SelectChoice("3", _l("Agree")), SelectChoice("2", _l("Disagree")),
         SelectChoice("1", _l("Strongly disagree"))]


class SurveyForm(FlaskForm):
    """The participant survey (plain language, every question optional)."""

    raised_concerns = SelectField(_l("I had the chance to say what worried me."), choices=AGREE)
    had_input = SelectField(_l("My ideas were heard and used in the plan for the student."),
                            choices=AGREE)
    neutral_helpful = SelectField(_l("The facilitator or mediator was fair to everyone and "
                                     "helpful."), choices=AGREE)
    relationship_change = SelectField(
        _l("Since the meeting, the relationship between the family and the school is…"),
        choices=[SelectChoice("", _l("Skip this question")),
                 SelectChoice("improved", _l("Better")),
                 SelectChoice("unchanged", _l("About the same")),
                 SelectChoice("worse", _l("Worse"))])
    use_again = SelectField(_l("Would you use this kind of meeting again?"), choices=[
        SelectChoice("", _l("Skip this question")), SelectChoice("yes", _l("Yes")),
        SelectChoice("no", _l("No")), SelectChoice("unsure", _l("Not sure"))])

    def answers(self) -> dict:
        def num(v):
            return int(v) if v else None

        return {"raised_concerns": num(self.raised_concerns.data),
                "had_input": num(self.had_input.data),
                "neutral_helpful": num(self.neutral_helpful.data),
                "relationship_change": self.relationship_change.data or "",
                "use_again": self.use_again.data or ""}

