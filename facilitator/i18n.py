"""Translations: Flask-Babel, and the language a family reads.

Minimal version from the mail branch; the i18n branch supplies the full one
(catalogs, the locale selector, the complete mapping of language names).
"""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel

babel = Babel()

#: Languages the family-facing text is written in.
SUPPORTED = ("en", "es")

_NAMES = {"es": ("spanish", "español", "espanol", "castellano", "es")}


def init_app(app: Flask) -> None:
    """Bind Flask-Babel to the app (English by default, catalogs in translations/)."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app)


def language_code(name: str | None) -> str:
    """A free-text language ("Spanish", "español", "es-MX") as "es" or "en"."""
    text = (name or "").strip().lower()
    for code, names in _NAMES.items():
        if text in names or text.startswith(code + "-") or text.startswith(code + "_"):
            return code
    return "en"
