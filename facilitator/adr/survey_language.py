"""The survey is family-facing: its page and its error pages are in the link's language.

The link stores the language it was made in (the family's, or the one the
facilitator chose); ``?lang=en|es`` on the URL is the reader's own switch.
Importing this module registers the survey endpoint with :mod:`facilitator.i18n`.
"""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l

from .. import i18n
from . import services
from .forms import InviteForm
from .models import Process

ENDPOINT = "adr.survey"

#: The survey's opening sentence per process (Spanish needs the whole sentence).
PROCESS_SENTENCE = {
    Process.FACILITATED_IEP: _l("You took part in a facilitated IEP meeting."),
    Process.MEDIATION: _l("You took part in a mediation."),
}


def survey_language() -> str | None:
    """The survey page's language: ``?lang=`` (the reader's switch), else the link's own."""
    chosen = i18n.supported(request.args.get("lang"))
    if chosen:
        return chosen
    return services.invitation_language((request.view_args or {}).get("token", ""))


def process_sentence(process: str):
    """"You took part in a facilitated IEP meeting." in the page's language."""
    return PROCESS_SENTENCE[Process(process)]


def switch(token: str) -> dict:
    """What the English / Español links of a survey page need."""
    return {"switch_endpoint": ENDPOINT, "switch_args": {"token": token}}


def invite_form(case) -> InviteForm:
    """The form that makes survey links, with the family's language chosen."""
    return InviteForm(language=i18n.family_language(case.family))


i18n.PAGE_LANGUAGES[ENDPOINT] = survey_language
