"""The catalogs: every family-facing message has Spanish, and they match the code."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "facilitator" / "translations"
PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo"
POT = TRANSLATIONS / "messages.pot"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _script():
    spec = importlib.util.spec_from_file_location("translations_script",
                                                  ROOT / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalog(path):
    with path.open("rb") as f:
        return read_po(f, locale="es")


def test_every_message_has_a_spanish_translation_that_is_not_fuzzy():
    catalog = _catalog(PO)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 100
    assert not catalog.fuzzy, "the catalog header is marked fuzzy: pybabel would skip it"
    untranslated = [m.id for m in messages if not (m.string or "").strip()]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert not untranslated, f"no Spanish for: {untranslated}"
    assert not fuzzy, f"fuzzy (unchecked) Spanish for: {fuzzy}"


def test_translations_keep_every_placeholder():
    for m in _catalog(PO):
        if m.id:
            assert set(PLACEHOLDER.findall(m.id)) == set(PLACEHOLDER.findall(m.string)), m.id


def test_catalogs_are_up_to_date_with_the_code(tmp_path):
    """Extract again exactly as `make translations` does and compare with what is kept."""
    fresh = _script().extract(tmp_path / "fresh.pot")
    fresh_ids = {m.id for m in _catalog(fresh) if m.id}
    kept_pot = {m.id for m in _catalog(POT) if m.id}
    kept_po = {m.id for m in _catalog(PO) if m.id}
    assert fresh_ids == kept_pot, (
        "run `make translations`: new in the code "
        f"{sorted(fresh_ids - kept_pot)}, gone from the code {sorted(kept_pot - fresh_ids)}")
    assert kept_po == kept_pot, "run `make translations`: the Spanish .po lags the .pot"


def test_the_compiled_catalog_is_the_po_file():
    with MO.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    written = {m.id: m.string for m in _catalog(PO) if m.id}
    assert compiled == written, "run `make translations` to compile the .mo again"


def test_extraction_finds_marked_code_templates_and_vocabulary(tmp_path):
    ids = {m.id for m in _catalog(_script().extract(tmp_path / "x.pot"))}
    assert "About the meeting" in ids  # the Word builder (gettext)
    assert "How did the meeting go?" in ids  # a template
    assert "I had the chance to say what worried me." in ids  # a form label (lazy)
    assert "Parent or guardian" in ids  # meetings/vocabulary.py, by the label extractor
    assert "Facilitated IEP meeting" in ids
    # Staff-only text is not marked and stays out of the catalog.
    assert "Make survey links" not in ids and "Sign out" not in ids
