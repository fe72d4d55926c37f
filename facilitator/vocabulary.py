"""Labelled vocabularies: one declaration gives each stored value, the plain label a
person reads, and the choices of a form field.

    class MeetingStatus(Vocabulary):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"

    MeetingStatus.HELD == "held"; MeetingStatus.HELD.label == "Held"
    MeetingStatus.label_of("held") == "Held"
    MeetingStatus.choices()  # [SelectChoice("scheduled", "Scheduled"), ...]
"""

from __future__ import annotations

from enum import StrEnum

from wtforms.fields.choices import SelectChoice


class Vocabulary(StrEnum):
    """A StrEnum whose members are stored as their value and carry a label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict[Vocabulary, str]:
        """{member: label} in declaration order (members compare equal to their strings)."""
        return {member: member.label for member in cls}

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The label of a stored value; a value outside the vocabulary is shown as it is."""
        try:
            return cls(value).label
        except ValueError:
            return value or ""

    @classmethod
    def choices(cls, blank: str | None = None) -> list[SelectChoice]:
        """The choices of a SelectField, after an optional ("", blank) first."""
        pairs = [SelectChoice(member.value, member.label) for member in cls]
        return [SelectChoice("", blank), *pairs] if blank is not None else pairs
