"""The labelled-vocabulary helper: one declaration gives value, label and form choices."""

from __future__ import annotations

from facilitator.meetings.vocabulary import MeetingKind
from facilitator.vocabulary import Vocabulary


class Colour(Vocabulary):
    RED = "red", "Bright red"
    BLUE = "blue", "Deep blue"


def test_a_member_is_its_stored_string_and_carries_its_label():
    assert Colour.RED == "red" and f"{Colour.RED}" == "red"
    assert Colour("blue") is Colour.BLUE
    assert Colour.BLUE.label == "Deep blue"
    assert {Colour.RED: 1}["red"] == 1


def test_label_of_shows_an_unknown_value_as_it_is():
    assert Colour.label_of("red") == "Bright red"
    assert Colour.label_of("green") == "green"
    assert Colour.label_of(None) == ""


def test_choices_in_declaration_order_with_an_optional_blank():
    assert [(c.value, c.label) for c in Colour.choices()] == [
        ("red", "Bright red"), ("blue", "Deep blue")]
    assert [(c.value, c.label) for c in Colour.choices(blank="—")][0] == ("", "—")
    assert Colour.labels() == {"red": "Bright red", "blue": "Deep blue"}


def test_the_labels_people_read_did_not_change():
    assert MeetingKind.FACILITATED_IEP.label == "Facilitated IEP meeting"
    assert MeetingKind.label_of("pre_meeting") == "Pre-meeting conference"
