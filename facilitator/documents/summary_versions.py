"""The summary's version block (final, or corrected and what changed) and the words
that say where an item belongs (in the IEP or a side agreement), in the family's language."""

from __future__ import annotations

from babel.dates import format_date

from ..i18n import N_, gettext_for
from . import common as c

#: Where an agreement, decision or action item belongs, said to the family.
PLACEMENT_WORDS = {"iep": N_("This goes in the IEP."),
                   "side": N_("Side agreement: not part of the IEP.")}
#: What each kind of corrected line is, said to the family.
CORRECTION_WORDS = {"agreement": N_("Agreement"), "decision": N_("Decision"),
                    "action": N_("Action plan"), "parking": N_("Set aside for later"),
                    "placement": N_("In the IEP or a side agreement")}

def placed(text: str, placement: str, lang: str) -> str:
    """An item's words with where it belongs ("This goes in the IEP.") on a line below."""
    words = PLACEMENT_WORDS.get(placement)
    return f"{text}\n{gettext_for(lang)(words)}" if words else text


def version_block(doc, data) -> None:
    """Final (and which version), and for a correction what changed; nothing on a draft."""
    if not data.version:
        return
    lang = data.language
    _ = gettext_for(lang)
    day = format_date(data.version_date, format="long", locale=lang) if data.version_date else ""
    if data.version == 1:
        c.note(doc, _("Final summary, version 1, made final on %(date)s after the team read "
                      "it back together.") % {"date": day})
        return
    c.heading(doc, _("This summary was corrected"), 1)
    c.text_block(doc, _("This is version %(number)d of the summary, corrected on %(date)s. "
                        "It replaces version %(previous)d. What changed:")
                 % {"number": data.version, "date": day, "previous": data.version - 1})
    rows = [[_(CORRECTION_WORDS.get(x.section, x.section)), x.before or "—", x.after or "—"]
            for x in data.corrections]
    if rows:
        c.add_table(doc, [_("Part"), _("Before"), _("Now")], rows, widths=[1.5, 2.6, 2.6])


