"""One form per room action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional

from ..validation import CheckedForm as FlaskForm
from .models import Placement, Preset, ReadBackResult
from .state import HIDEABLE


class CodeForm(FlaskForm):
    """The room device's pairing code (a public page: its words are translated)."""

    code = StringField(_l("Display code"), validators=[
        DataRequired(message=_l("Type the code shown on the facilitator's screen.")),
        Length(max=20, message=_l("A display code has 8 letters and digits."))],
        description=_l("8 letters and digits, for example KQ7M-3RTA. Capitals or not, "
                       "with or without the dash."))


class DisplaySettingsForm(FlaskForm):
    preset = SelectField("Type size", choices=Preset.choices(), validate_choice=False,
                         validators=[AnyOf([p.value for p in Preset],
                                           message="Choose one of the listed sizes.")])
    language = SelectField("Language of the display", validate_choice=False, choices=[
        SelectChoice("", "The family's language"), SelectChoice("en", "English"),
        SelectChoice("es", "Español")],
        validators=[AnyOf(["", "en", "es"], message="Choose one of the listed languages.")])


class HideForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(list(HIDEABLE), message="Unknown kind of item.")])
    item_id = HiddenField(validators=[DataRequired()])
    show = HiddenField(validators=[AnyOf(["0", "1"], message="Say hide or show.")])
    #: The live page's buttons send the three in one: "<kind> <item id> <show>".
    item = HiddenField()

    def validate(self, extra_validators=None) -> bool:
        if self.item.data:
            parts = self.item.data.split()
            if len(parts) == 3:
                self.kind.data, self.item_id.data, self.show.data = parts
        return super().validate(extra_validators)


class ReadBackForm(FlaskForm):
    text = TextAreaField("What was agreed, as read aloud", validators=[
        DataRequired(message="The item cannot be empty: type what was agreed."),
        Length(max=500, message="Keep it under 500 characters.")],
        description="Change the words if the team changed them while reading back.")
    result = RadioField("After reading it aloud", choices=ReadBackResult.choices(),
                        validators=[InputRequired(message="Say whether the team confirmed it "
                                                          "as read or changed it.")])
    owner = StringField("Who will do it (owner)", validators=[
        Optional(), Length(max=200, message="Keep the name under 200 characters.")])
    due_date = DateField("Due date", validators=[Optional()])
    placement = RadioField("Where it belongs", choices=Placement.choices(),
                           validators=[InputRequired(message="Say whether it belongs in the "
                                                             "IEP or is a side agreement.")])


class CorrectionForm(FlaskForm):
    reason = StringField("What the correction is for", validators=[
        DataRequired(message="Say in a few words what the correction is for."),
        Length(max=500, message="Keep it under 500 characters.")],
        description="For example: the speech therapy start date was wrong.")
