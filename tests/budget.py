"""Work budgets of the test run: the full ones under CI=true (or --runslow), smaller by default.

Property tests draw ``examples(n)`` hypothesis examples: all ``n`` in CI, a
quarter of them (at least 5) in the default run, so that the default run
stays quick while CI keeps the full search.
"""

from __future__ import annotations

import os

#: Full budgets: CI=true, or ``--runslow`` (set by tests/conftest.py before collection).
FULL = os.environ.get("CI", "").lower() == "true"


def examples(full: int) -> int:
    """``full`` hypothesis examples in CI, a quarter of them (at least 5) otherwise."""
    return full if FULL else max(5, full // 4)
