"""The request form (public, English and Spanish) and the coordinator's decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..validation import CheckedForm as FlaskForm
from .forms import EMAIL, LANGUAGE_CHOICES, choices

NOT_LISTED = "not-listed"


class RequestForm(FlaskForm):
    """Ask the program for facilitation or mediation (no account needed)."""

    requester = RadioField(_l("Who is asking?"), choices=choices([
        ("parent", _l("A parent or guardian")), ("district", _l("The school district")),
        ("both", _l("Both, together"))]),
        validators=[DataRequired(message=_l("Choose who is asking."))])
    #: Named so because FlaskForm.process is a method.
    process_kind = RadioField(_l("What would you like?"), choices=choices([
        ("facilitated_iep", _l("A facilitated IEP meeting")),
        ("mediation", _l("Mediation")),
        ("resolution_facilitation", _l("A facilitator for a resolution meeting"))]),
        validators=[DataRequired(message=_l("Choose what you would like."))])
    contact_name = StringField(_l("Your name"), validators=[
        DataRequired(message=_l("Enter your name.")), Length(max=200)])
    contact_email = EmailField(_l("Email"), validators=[
        Optional(), Regexp(EMAIL, message=_l("Enter an email address like name@example.org.")),
        Length(max=254)], description=_l("We send the confirmation and our answer here."))
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    student_name = StringField(_l("Student's name"), validators=[
        DataRequired(message=_l("Enter the student's name.")), Length(max=200)])
    student_grade = StringField(_l("Grade"), validators=[Optional(), Length(max=20)])
    district = SelectField(_l("School district"), validate_choice=False)
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    disputed_meeting_on = DateField(_l("Date of the IEP meeting you disagree about, if any"),
                                    validators=[Optional()])
    concerns = TextAreaField(_l("What are your concerns?"), validators=[
        DataRequired(message=_l("Tell us your concerns in your own words.")),
        Length(max=5000)], description=_l("In your own words. A few sentences are enough."))
    language = SelectField(_l("Language for our letters and email"), choices=LANGUAGE_CHOICES)
    interpreter = BooleanField(_l("I would like an interpreter at the meeting"))
    accessibility = TextAreaField(_l("Anything that would help you take part"), validators=[
        Optional(), Length(max=2000)],
        description=_l("For example: a wheelchair-accessible room, large print, a phone "
                       "option, childcare."))
    consent_share = BooleanField(_l("The program may share this request with the neutral "
                                    "facilitator or mediator assigned to it."))
    #: Left empty by people; filled by robots that fill every field.
    website = HiddenField()

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if not (self.contact_email.data or "").strip() and not (
                self.contact_phone.data or "").strip():
            self.contact_phone.errors = [*self.contact_phone.errors, _l(
                "Give an email address or a phone number, so we can reach you.")]
            ok = False
        return ok

    def validate_district(self, field):
        if field.data == NOT_LISTED:
            raise ValidationError(_l("This program serves only the districts listed. For "
                                     "another district, contact that state's dispute "
                                     "resolution office."))
        if field.data not in {c.value for c in field.choices if c.value != NOT_LISTED}:
            raise ValidationError(_l("Choose the student's school district."))

    def validate_consent_share(self, field):
        if not field.data:
            raise ValidationError(_l("We need your agreement to share the request with the "
                                     "neutral; without it we cannot assign one."))


class OtherPartyForm(FlaskForm):
    answer = SelectField("The other party", choices=choices([
        ("agreed", "Agreed to take part"), ("refused", "Did not agree (closes the request)")]))
    note = TextAreaField("How and when they answered", validators=[
        DataRequired(message="Note how and when the other party answered."), Length(max=2000)])


class DecisionForm(FlaskForm):
    decision = SelectField("Decision", choices=choices([
        ("approved", "Approve: open a case and assign a neutral"),
        ("declined", "Decline"), ("withdrawn", "Withdrawn by the requester")]))
    reason = TextAreaField("Reason (goes in the letter)", validators=[Optional(),
                                                                      Length(max=3000)])
    dpc_case_ref = StringField("Due process case reference (for a resolution meeting)",
                               validators=[Optional(), Length(max=64)])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.decision.data in ("declined", "withdrawn") and not (
                self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors,
                                  "Give the reason: the letter tells the requester why."]
            ok = False
        return ok
