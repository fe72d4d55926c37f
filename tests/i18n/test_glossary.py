"""The Spanish uses the glossary's terms wherever the English term appears."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary-es.md"
PO = ROOT / "facilitator" / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def glossary() -> list[tuple[str, list[str]]]:
    rows = []
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.startswith("|") or cells[0] in ("English", "---"):
            continue
        english, spanish = line.strip().strip("|").split("|")[:2]
        rows.append((english.strip(), [s.strip() for s in spanish.split(" / ")]))
    return rows


def test_the_glossary_has_the_terms_the_issue_names():
    terms = dict(glossary())
    assert terms["IEP"] == ["PEI"]
    assert terms["facilitated IEP meeting"] == ["reunión facilitada del PEI"]
    assert terms["mediation"] == ["mediación"]
    assert terms["due process complaint"] == ["queja de debido proceso"]
    assert terms["resolution meeting"] == ["reunión de resolución"]
    assert terms["parent or guardian"] == ["padre, madre o tutor"]
    assert terms["action item"] == ["tarea"]


def test_catalog_uses_the_glossary_terms():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="es")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        # Placeholders like %(student)s are not words of the text.
        english = re.sub(r"%\(\w+\)[sd]", " ", message.id)
        for term, spanish in glossary():
            if re.search(rf"\b{re.escape(term)}(s|es)?\b", english, re.IGNORECASE) and \
                    not any(_plain(s) in _plain(message.string) for s in spanish):
                problems.append(f"{message.id!r}: {term!r} should be {spanish} "
                                f"in {message.string!r}")
    assert not problems, "\n".join(problems)


def test_the_check_would_catch_a_wrong_term():
    """The check itself: a made-up translation with the wrong word is found."""
    term, spanish = next((t, s) for t, s in glossary() if t == "IEP")
    wrong = "Usted participó en una reunión del Plan Educativo."
    assert re.search(rf"\b{term}\b", "You took part in an IEP meeting.")
    assert not any(_plain(s) in _plain(wrong) for s in spanish)
