"""Shared pieces of the dispute-resolution benchmarks (not run by the test suite)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_PATH = Path(os.environ.get("ADR_BENCH_DB", "/tmp/adr-bench.db"))  # noqa: S108
ORG_SLUG = "bench-state"
FIRST_YEAR = 2015
YEARS = 10


def make_app(path: Path = DB_PATH):
    from facilitator import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench",
                       "SQLITE_BEGIN_OUTSIDE_REQUESTS": "BEGIN"})


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    """Median wall time of ``repeat`` runs (after one warm-up run), and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
