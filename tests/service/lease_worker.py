"""``supplyopt worker`` whose solves take at least a given time, for the multi-process tests.

Run as ``python -m tests.service.lease_worker LOG DELAY_S [worker options]``: each
solve appends ``start NAME`` and, when it returns, ``end NAME`` (``NAME`` the
scenario's name) to ``LOG``, waits ``DELAY_S`` (or until told to stop), then
solves with the library.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from supplyopt.cli import main
from supplyopt.model import Scenario
from supplyopt_service import solving
from supplyopt_service.solving import ProgressFn, StopFn


def slowed(log: str, delay_s: float) -> solving.SolveFn:
    """The library's solve, started after ``delay_s``, each step recorded in ``log``."""
    real = solving.solve_with_library

    def note(line: str) -> None:
        with open(log, "a", encoding="utf-8") as file:
            file.write(f"{line} {os.getpid()}\n")
            file.flush()
            os.fsync(file.fileno())

    def solve(
        scenario: Scenario, time_limit_s: float, seed: int, progress: ProgressFn, stop: StopFn
    ) -> dict[str, Any]:
        note(f"start {scenario.name}")
        progress(0.1, "waiting")
        deadline = time.monotonic() + delay_s
        while time.monotonic() < deadline and not stop():
            time.sleep(0.02)
        plan = real(scenario, time_limit_s, seed, progress, stop)
        note(f"end {scenario.name}")
        return plan

    return solve


if __name__ == "__main__":
    solving.solve_with_library = slowed(sys.argv[1], float(sys.argv[2]))
    sys.exit(main(["worker", *sys.argv[3:]]))
