"""`make test` runs the PostgreSQL pass in two halves (`pytest --part K/2`): together they
must be the whole pass, each test in exactly one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKS = "not browser and not libreoffice"


def _collected(*args: str) -> list[str]:
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", MARKS,  # noqa: S603
                          *args], cwd=ROOT, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_the_two_halves_are_the_whole_pass_and_do_not_overlap():
    whole = _collected()
    first, second = _collected("--part", "1/2"), _collected("--part", "2/2")
    assert first and second
    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(whole)


def test_a_bad_part_is_refused():
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "--part", "3/2", "tests/shape"], cwd=ROOT, capture_output=True,
                         text=True, check=False)
    assert run.returncode != 0 and "--part must be K/N" in run.stdout + run.stderr
