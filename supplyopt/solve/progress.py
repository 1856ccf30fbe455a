"""Progress reports and cooperative stopping for long solves."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    """A progress report from a running solve.

    Attributes
    ----------
    stage
        Short name of the current stage (``travel``, ``first`` (the greedy first plan),
        ``dispatch``, ``search`` (the search over vehicle-days), ``done``).
    fraction
        Share of the time limit used so far, in [0, 1]: the search is anytime
        and runs until its clock is out unless it finishes its work earlier
        (then ``done`` reports 1.0). Below 1.0 until ``done``.
    message
        A human-readable line about what is happening.
    elapsed_s
        Seconds since the solve started.
    """

    stage: str
    fraction: float
    message: str
    elapsed_s: float


ProgressCallback = Callable[[Progress], None]
StopCallback = Callable[[], bool]


class Clock:
    """Wall-clock budget of one solve, with progress reporting and stop polling."""

    def __init__(
        self,
        time_limit_s: float,
        progress: ProgressCallback | None = None,
        should_stop: StopCallback | None = None,
    ) -> None:
        self.start = time.perf_counter()
        self.time_limit_s = time_limit_s
        self._progress = progress
        self._should_stop = should_stop
        #: What the clock or a stop request cut short, in the order it happened.
        self.cuts: list[str] = []
        #: True once ``should_stop`` has returned True.
        self.stop_requested = False

    @property
    def elapsed_s(self) -> float:
        """Seconds since the solve started."""
        return time.perf_counter() - self.start

    @property
    def remaining_s(self) -> float:
        """Seconds left of the time limit (never negative)."""
        return max(0.0, self.time_limit_s - self.elapsed_s)

    def stopped(self) -> bool:
        """True when the caller asked to stop or the time limit is reached."""
        if self._should_stop is not None and self._should_stop():
            self.stop_requested = True
            return True
        return self.remaining_s <= 0.0

    def cut_short(self, what: str) -> None:
        """Record that ``what`` was skipped or ended early for the clock or a stop request."""
        if what not in self.cuts:
            self.cuts.append(what)

    def report(self, stage: str, fraction: float, message: str) -> None:
        """Send a progress report to the callback, if there is one.

        The report's fraction is the share of the time limit used (at most
        0.99 before ``done``, which is 1.0): a stage's own estimate of its
        work (``fraction``) ran ahead of the clock (95 % after 4 s of 30) or
        behind it (56 % at the end), so it is used only without a time limit.
        """
        if self._progress is None:
            return
        elapsed_s = self.elapsed_s
        if stage == "done":
            share = 1.0
        elif self.time_limit_s > 0:
            share = min(elapsed_s / self.time_limit_s, 0.99)
        else:
            share = min(max(fraction, 0.0), 0.99)
        self._progress(Progress(stage, share, message, elapsed_s))
