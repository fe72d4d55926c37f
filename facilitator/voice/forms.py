"""The guardian's form (labels in their language) and the facilitator's small forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..validation import CheckedForm

TEXT = 2000
CONCERNS = 4


def _text(label, description=None):
    return TextAreaField(label, description=description, validators=[Optional(), Length(
        max=TEXT, message=_l("Please keep this to %(n)s characters or fewer.", n=TEXT))])


class FamilyInputForm(CheckedForm):
    """What a guardian tells the team before the meeting; every question may be skipped."""

    strengths = _text(_l("Your child's strengths and interests"),
                      _l("What your child is good at and enjoys."))
    working = _text(_l("What is working well now"))
    concern_1 = _text(_l("A concern"), _l("Write each concern in its own box."))
    concern_2 = _text(_l("Another concern"))
    concern_3 = _text(_l("Another concern"))
    concern_4 = _text(_l("Another concern"))
    priorities = _text(_l("What matters most to you at this meeting"))
    questions = _text(_l("Questions you would like answered"))
    bringing = _text(_l("Who you will bring"),
                     _l("For example a relative, a friend or an advocate."))
    need_interpreter = BooleanField(_l("An interpreter"))
    need_childcare = BooleanField(_l("Childcare"))
    need_transport = BooleanField(_l("Transport"))
    need_other_time = BooleanField(_l("A different time or day"))
    needs_note = _text(_l("Anything else that would help you attend"))
    #: "review" shows what they wrote; "share" sends it; "change" goes back to the form.
    step = HiddenField(default="review")

    def concern_texts(self) -> list[str]:
        """The concerns written, in order, empty boxes left out."""
        return [t.strip() for t in (getattr(self, f"concern_{n}").data or ""
                                    for n in range(1, CONCERNS + 1)) if t and t.strip()]

    def has_anything(self) -> bool:
        """Whether the guardian wrote or ticked anything at all."""
        return bool(self.concern_texts()) or any(
            (getattr(self, name).data or "").strip() if isinstance(getattr(self, name).data, str)
            else getattr(self, name).data
            for name in ("strengths", "working", "priorities", "questions", "bringing",
                         "needs_note", "need_interpreter", "need_childcare",
                         "need_transport", "need_other_time"))


class SendLinkForm(CheckedForm):
    """Send a guardian the link (again), or put it in the meeting invitation."""

    participant_id = SelectField("Parent or guardian", coerce=int,
                                 validators=[DataRequired(message="Choose who gets the link.")])
    how = SelectField("How", choices=[
        SelectChoice("now", "Send it now, in its own message"),
        SelectChoice("invitation", "Put it in the meeting invitation")], default="now")


class ConfirmForm(CheckedForm):
    """A button that changes something (CSRF only)."""
