"""How a facilitated IEP or mediation meeting ended, and who needs to know.

Features above meetings (dispute resolution) register a hook in
:data:`OUTCOME_HOOKS`; it is called in the same transaction when a meeting is
marked held with its outcome, or cancelled, so the matching case is created
or updated in one step.
"""

from __future__ import annotations

from collections.abc import Callable

from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..validation import CheckedForm as FlaskForm
from .models import OUTCOME_CHOICES, Meeting, MeetingStatus

#: Each hook takes the meeting and returns a sentence for the user, or None.
#: A hook raises ValueError (or a subclass) to refuse; nothing is then saved.
OUTCOME_HOOKS: list[Callable[[Meeting], str | None]] = []


class OutcomeError(ValueError):
    """The outcome does not fit the meeting; the message says what to do."""


def outcome_choices(meeting: Meeting) -> dict[str, str]:
    return OUTCOME_CHOICES.get(meeting.kind, {})


def run_hooks(meeting: Meeting) -> list[str]:
    """Tell the features above about the meeting's new status or outcome."""
    messages = []
    for hook in OUTCOME_HOOKS:
        try:
            message = hook(meeting)
        except ValueError as exc:
            raise OutcomeError(str(exc)) from exc
        if message:
            messages.append(message)
    return messages


def record_outcome(meeting: Meeting, outcome: str) -> list[str]:
    """Mark the meeting held with its agreement outcome; returns the hooks' messages."""
    choices = outcome_choices(meeting)
    if not choices:
        raise OutcomeError("Only facilitated IEP meetings and mediations record an outcome.")
    if outcome not in choices:
        raise OutcomeError("Choose one of the listed outcomes.")
    if meeting.status == MeetingStatus.CANCELLED:
        raise OutcomeError("This meeting is cancelled. Mark it scheduled first.")
    meeting.status = MeetingStatus.HELD
    meeting.outcome = outcome
    db.session.flush()
    return run_hooks(meeting)


class OutcomeForm(FlaskForm):
    outcome = SelectField("How did it end?", choices=[])

    def __init__(self, meeting: Meeting, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [SelectChoice(k, v) for k, v in outcome_choices(meeting).items()]
