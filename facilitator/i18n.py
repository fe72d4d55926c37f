"""Translations: English for staff, the family's language for what a family reads.

The language is chosen per family, never per staff user:

- Staff pages are always English (the locale selector answers "en").
- A family's language is :func:`family_language`: the first guardian whose
  preferred language is filled in decides; when no guardian has one, the
  family's primary language; anything we have no catalog for is English.
- Public pages a family reaches (the survey) register a function in
  :data:`PAGE_LANGUAGES` under their endpoint; the selector asks it (the
  survey link stores its language; ``?lang=`` lets the reader switch).
- Mail and documents are rendered with :func:`rendered_in` (Flask-Babel's
  ``force_locale``) or, for the pure Word builders that run without Flask,
  with :func:`translations` for the language given in their data.

Catalogs: ``facilitator/translations/<lang>/LC_MESSAGES/messages.po`` and the
compiled ``.mo`` next to it are both committed; ``make translations`` extracts,
updates and compiles them (see README, "Translations").
"""

from __future__ import annotations

import ast
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale

babel = Babel()

DEFAULT = "en"
#: The languages we have family-facing catalogs for, with their own names.
LANGUAGES = {"en": "English", "es": "Español"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"

#: endpoint -> function returning the page's language code (or None) for this request.
PAGE_LANGUAGES: dict[str, Callable[[], str | None]] = {}


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a string for the catalog without translating it now (translated when shown)."""
    return message


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().strip()


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Every supported language's name in every supported language (Babel's CLDR data)."""
    names: dict[str, str] = {}
    for shown_in in LANGUAGES:
        for code in LANGUAGES:
            names[_plain(Locale.parse(shown_in).languages[code])] = code
    for code, own in LANGUAGES.items():
        names[_plain(own)] = code
    names[_plain("castellano")] = "es"
    return names


def language_code(name: str | None) -> str:
    """"Spanish", "Español", "es", "es-MX", "spanish (Mexico)" -> "es"; unknown -> "en"."""
    text = _plain(name or "")
    if not text:
        return DEFAULT
    head = text.split("(")[0].split(",")[0].split("/")[0].strip()
    if head in _names():
        return _names()[head]
    try:
        code = Locale.parse(head.replace("-", "_")).language
    except (ValueError, UnknownLocaleError):
        code = None
    if code in LANGUAGES:
        return code
    first = head.split()[0] if head.split() else ""
    return _names().get(first, DEFAULT)


def supported(code: str | None) -> str | None:
    """``code`` when we have a catalog for it, else None (for ``?lang=`` values)."""
    code = (code or "").strip().lower()
    return code if code in LANGUAGES else None


def family_language(family) -> str:
    """The language a family's papers and pages are in (rule in the module docstring)."""
    if family is None:
        return DEFAULT
    for contact in getattr(family, "contacts", []) or []:
        if contact.is_guardian and (contact.preferred_language or "").strip():
            return language_code(contact.preferred_language)
    return language_code(getattr(family, "primary_language", "") or "")


@lru_cache(maxsize=8)
def translations(code: str) -> NullTranslations:
    """The compiled catalog for ``code`` (no Flask needed); English is the msgids."""
    code = supported(code) or DEFAULT
    if code == DEFAULT:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [code], "messages")


def gettext_for(code: str) -> Callable[[str], str]:
    """A ``_`` for one language that leaves empty and unknown text as given."""
    catalog = translations(code)

    def _(message: str) -> str:
        return catalog.gettext(message) if message else message

    return _


@contextmanager
def rendered_in(code: str) -> Iterator[str]:
    """Render templates and gettext calls in ``code`` (mail, documents): force_locale."""
    code = supported(code) or DEFAULT
    with force_locale(code):
        yield code


def select_locale() -> str:
    """Flask-Babel's locale selector: English unless the page belongs to a family."""
    if not has_request_context():
        return DEFAULT
    finder = PAGE_LANGUAGES.get(request.endpoint or "")
    if finder is not None:
        try:
            return supported(finder()) or DEFAULT
        except Exception:  # noqa: BLE001 - an error page must still render (e.g. DB down)
            return supported(request.args.get("lang")) or DEFAULT
    return DEFAULT


def current_language() -> str:
    """The language code of what is being rendered now."""
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def _vocabulary_labels(node: ast.ClassDef) -> Iterator[tuple[int, str]]:
    """``NAME = "value", "Label"`` members of a ``Vocabulary`` class: their labels."""
    bases = {b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases}
    if "Vocabulary" not in bases:
        return
    for item in node.body:
        if isinstance(item, ast.Assign) and isinstance(item.value, ast.Tuple) \
                and len(item.value.elts) >= 2 and isinstance(item.value.elts[1], ast.Constant) \
                and isinstance(item.value.elts[1].value, str):
            yield item.lineno, item.value.elts[1].value


def _mapping_labels(node: ast.AST) -> Iterator[tuple[int, str]]:
    """Every string value of a ``*_LABELS`` / ``*_CHOICES`` dict (nested dicts too)."""
    target = None
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
    elif isinstance(node, ast.AnnAssign):
        target = node.target
    if not isinstance(target, ast.Name) or not target.id.endswith(("_LABELS", "_CHOICES")):
        return
    for inner in ast.walk(node.value):
        if isinstance(inner, ast.Dict):
            for value in inner.values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield value.lineno, value.value


def extract_labels(fileobj, keywords, comment_tags, options):
    """Babel extractor for vocabulary modules: labels kept as data, not gettext calls.

    It finds the labels of ``Vocabulary`` members (``X = "x", "Label"``) and the
    string values of ``*_LABELS`` / ``*_CHOICES`` mappings. The Word builders
    translate these labels when they print them, so the catalog must hold them.
    """
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        found = _vocabulary_labels(node) if isinstance(node, ast.ClassDef) \
            else _mapping_labels(node)
        for lineno, label in found:
            yield lineno, "", label, []


def init_app(app: Flask) -> None:
    """Bind Flask-Babel with the per-family selector and the template helpers."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_global(current_language)
    app.add_template_global(LANGUAGES, "LANGUAGES")
    app.add_template_global(family_language)
