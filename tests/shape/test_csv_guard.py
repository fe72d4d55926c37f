"""The CSV formula guard is a base helper (facilitator.web), not a feature's."""

from __future__ import annotations

import ast
from pathlib import Path

from facilitator.web import protect, unprotect

PACKAGE = Path(__file__).resolve().parents[2] / "facilitator"


def test_the_guard_lives_in_the_base_and_round_trips():
    for cell in ("=1+1", "+x", "-2", "@SUM(A1)", "\tx", "\rx", "'quoted", "plain"):
        assert unprotect(protect(cell)) == cell
    assert protect("=HYPERLINK()") == "'=HYPERLINK()" and protect("Ana") == "Ana"


def test_no_module_takes_the_guard_from_a_feature():
    borrowers = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[-1] != "web" \
                    and {"protect", "unprotect"} & {a.name for a in node.names}:
                borrowers.append(str(path.relative_to(PACKAGE)))
    assert borrowers == []
