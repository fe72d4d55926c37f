"""Extract, update and compile the gettext catalogs in one step (`make translations`).

    python scripts/translations.py            # extract -> update -> compile
    python scripts/translations.py --check    # exit 1 if the catalogs are out of date

The same extraction options are used by tests/i18n/test_catalogs.py, so what
the test compares is exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "facilitator" / "translations"
POT = TRANSLATIONS / "messages.pot"
KEYWORDS = ["_", "_l", "N_", "gettext", "lazy_gettext"]


def pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])


def extract(out: Path = POT) -> Path:
    """Write every marked string of the code and templates to ``out`` (a .pot)."""
    keywords = [arg for k in KEYWORDS for arg in ("-k", k)]
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-location", "--sort-output",
            "--omit-header", *keywords, "-o", str(out), str(ROOT))
    return out


def update() -> None:
    """Bring every language's .po in line with the .pot (new strings get empty msgstr)."""
    pybabel("update", "--no-fuzzy-matching", "--ignore-obsolete", "--ignore-pot-creation-date",
            "--init-missing", "-l", "es", "-w", "100", "-i", str(POT), "-d", str(TRANSLATIONS))


def compile_catalogs() -> None:
    """Write the .mo files the app loads (committed, so a fresh clone runs as is)."""
    pybabel("compile", "--statistics", "-d", str(TRANSLATIONS))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        import tempfile

        from babel.messages.pofile import read_po

        with tempfile.TemporaryDirectory() as tmp:
            fresh = {m.id for m in read_po(extract(Path(tmp) / "fresh.pot").open("rb"))
                     if m.id}
        kept = {m.id for m in read_po(POT.open("rb")) if m.id}
        if fresh != kept:
            print("catalogs out of date: run `make translations`", file=sys.stderr)
            return 1
        return 0
    extract()
    update()
    compile_catalogs()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
