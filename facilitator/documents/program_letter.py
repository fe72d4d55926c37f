"""The program's answer to a request for facilitation or mediation (.docx), in the
requester's language: approved (what happens next) or declined (why, and what else
they can do).

Sources: state program request procedures (seeds: the state facilitation and
mediation programs' request forms and timelines). Wording is ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from ..i18n import N_, gettext_for
from . import common as c
from .safe_text import xml_safe

PROCESS_WORDS = {
    "facilitated_iep": N_("a facilitated IEP meeting"),
    "mediation": N_("mediation"),
    "resolution_facilitation": N_("a facilitator for a resolution meeting"),
}


@dataclass
class LetterData:
    """Everything the letter says; the program feature fills it from the request."""

    language: str
    program_name: str
    reference: str
    requester_name: str
    process: str
    received_on: date
    sent_on: date
    #: "approved", "declined", "withdrawn" or "refused".
    decision: str
    reason: str = ""
    contact: str = ""


def build_decision_letter(data: LetterData) -> bytes:
    """The letter as .docx bytes, in ``data.language``."""
    data = xml_safe(data)
    lang = data.language
    _ = gettext_for(lang)
    words = {"reference": data.reference, "program": data.program_name,
             "process": _(PROCESS_WORDS.get(data.process, data.process)),
             "received": format_date(data.received_on, "long", locale=lang),
             "name": data.requester_name}
    doc = c.new_document(_("Your request %(reference)s") % words,
                         _("%(program)s · Request %(reference)s") % words,
                         confidentiality=_("Confidential: about a student's special "
                                           "education."),
                         core_subject=_("Answer to your request"), language=lang,
                         page_words=(_("Page "), _(" of ")))
    c.text_block(doc, format_date(data.sent_on, "long", locale=lang))
    c.title_block(doc, _("Your request %(reference)s") % words)
    c.text_block(doc, _("Dear %(name)s,") % words)
    c.text_block(doc, _("On %(received)s we received your request for %(process)s.") % words)
    if data.decision == "approved":
        c.text_block(doc, _("We have approved your request. We will now assign a neutral "
                            "facilitator or mediator, chosen in turn from our list of trained "
                            "neutrals who have no connection to your district or your "
                            "family."))
        c.heading(doc, _("What happens next"), 1)
        c.bullets(doc, [
            _("The neutral or our office will contact you to agree on a date, time and "
              "place."),
            _("Taking part is voluntary for everyone, and it is free of charge for your "
              "family."),
            _("You may bring someone to support you. Tell us if you need an interpreter or "
              "any other help to take part."),
        ])
    else:
        lead = {"declined": _("We are not able to take your request."),
                "withdrawn": _("Your request has been withdrawn, as you asked."),
                "refused": _("The other party did not agree to take part. These processes "
                             "are voluntary, so your request is closed.")}
        c.text_block(doc, lead.get(data.decision, lead["declined"]))
        if data.reason:
            c.heading(doc, _("Why"), 1)
            c.text_block(doc, data.reason)
        c.heading(doc, _("What you can do"), 1)
        c.bullets(doc, [
            _("You can ask again later, for example after another IEP meeting."),
            _("You can also file a state complaint or a due process complaint. Your "
              "parents' rights notice (procedural safeguards) explains how."),
        ])
    if data.contact:
        c.text_block(doc, _("Questions? Contact us: %(contact)s") % {"contact": data.contact})
    c.text_block(doc, _("Please keep this letter. Our reference for your request is "
                        "%(reference)s.") % words)
    c.text_block(doc, data.program_name)
    return c.to_bytes(doc)
