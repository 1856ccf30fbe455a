"""A progress bar for long solves, shown on a terminal once a solve has run a while."""

from __future__ import annotations

import threading
import time

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..solve import Progress as SolveProgress

#: Progress is shown only for solves that take longer than this.
SHOW_PROGRESS_AFTER_S = 2.0


class LiveProgress:
    """A progress bar that appears only once a solve has run for a couple of seconds."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self._enabled = enabled
        self._bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self._task = self._bar.add_task("planning", total=1.0)
        self._started = time.perf_counter()
        self._shown = False
        self._lock = threading.Lock()

    def __enter__(self) -> LiveProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            self._bar.stop()

    def update(self, report: SolveProgress) -> None:
        if not self._enabled:
            return
        with self._lock:
            if not self._shown and time.perf_counter() - self._started >= SHOW_PROGRESS_AFTER_S:
                self._bar.start()
                self._shown = True
            self._bar.update(self._task, completed=report.fraction, description=report.message)
