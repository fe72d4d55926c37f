"""Which language a family gets: free text to a code, and the guardian-first rule."""

from __future__ import annotations

import pytest

from facilitator.families.models import Contact, Family
from facilitator.i18n import family_language, language_code


@pytest.mark.parametrize("text, code", [
    ("Spanish", "es"), ("spanish", "es"), ("Español", "es"), ("espanol", "es"),
    ("ESPAÑOL", "es"), ("es", "es"), ("es-MX", "es"), ("es_US", "es"),
    ("Spanish (Mexico)", "es"), ("Castellano", "es"), ("  Spanish  ", "es"),
    ("English", "en"), ("inglés", "en"), ("en", "en"), ("en-US", "en"),
    ("Korean", "en"), ("Gujarati", "en"), ("", "en"), (None, "en"), ("asdf", "en"),
])
def test_language_code(text, code):
    assert language_code(text) == code


def _family(primary="English", contacts=()):
    family = Family(student_name="X", primary_language=primary)
    family.contacts = [Contact(name=n, is_guardian=g, preferred_language=lang)
                       for n, g, lang in contacts]
    return family


def test_the_first_guardian_with_a_preferred_language_decides():
    assert family_language(_family("English", [("A", True, ""), ("B", True, "Español"),
                                                ("C", True, "English")])) == "es"
    # A non-guardian contact's language does not count.
    assert family_language(_family("English", [("A", False, "Spanish")])) == "en"


def test_without_a_guardian_language_the_family_primary_language_decides():
    assert family_language(_family("Spanish", [("A", True, "")])) == "es"
    assert family_language(_family("Spanish")) == "es"
    assert family_language(_family("English")) == "en"
    assert family_language(None) == "en"


def test_a_language_we_have_no_catalog_for_is_english():
    assert family_language(_family("Spanish", [("A", True, "Korean")])) == "en"


def test_rendered_in_switches_templates_and_gettext_for_mail_and_documents(app):
    from flask import render_template_string
    from flask_babel import gettext

    from facilitator.i18n import rendered_in

    with app.test_request_context("/"):
        assert render_template_string("{{ _('Thank you') }}") == "Thank you"
        with rendered_in("es") as code:
            assert code == "es"
            assert render_template_string("{{ _('Thank you') }}") == "Gracias"
            assert gettext("Video call") == "Videollamada"
        with rendered_in("Klingon"):  # not a catalog we have: English
            assert gettext("Video call") == "Video call"
        assert gettext("Video call") == "Video call"
