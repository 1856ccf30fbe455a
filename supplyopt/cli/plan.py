"""``supplyopt plan``: plan a scenario, print a summary, optionally write the plan file."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from ..io import write_plan
from ..report import print_summary
from ..solve import Progress as SolveProgress
from ..solve import plan_relief
from ._common import EXIT_INVALID, non_negative_int, read_scenario_or_none

#: Progress is shown only for solves that take longer than this.
SHOW_PROGRESS_AFTER_S = 2.0


def register(subparsers: Any) -> None:
    """Add the ``plan`` subcommand."""
    parser = subparsers.add_parser(
        "plan",
        help="plan a scenario (the bundled default when none is given)",
        description="Plan which warehouse sends what, on which vehicle, arriving when. "
        "Exit 0 for any plan (complete or partial), 2 for invalid input.",
    )
    parser.add_argument("scenario", nargs="?", help="scenario file (.yaml, .yml or .json)")
    parser.add_argument("--out", metavar="PLAN.json", help="write the plan file here")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit for the solve (default 30)",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=0, help="random seed, >= 0 (default 0)"
    )
    parser.add_argument(
        "--no-reposition",
        dest="reposition",
        action="store_false",
        help="keep every vehicle loading at its own base (by default idle vehicles may drive "
        "empty to load at another warehouse)",
    )
    parser.add_argument("--quiet", action="store_true", help="print no summary")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt plan``."""
    if args.time_limit <= 0:
        print("--time-limit: must be > 0", file=sys.stderr)
        return EXIT_INVALID
    if args.out and not Path(args.out).resolve().parent.is_dir():
        print(f"--out {args.out}: no such directory", file=sys.stderr)
        return EXIT_INVALID
    scenario = read_scenario_or_none(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    console = Console(stderr=True)
    with _LiveProgress(console, enabled=not args.quiet and console.is_terminal) as live:
        plan = plan_relief(
            scenario,
            time_limit_s=args.time_limit,
            seed=args.seed,
            progress=live.update,
            reposition=args.reposition,
        )
    if args.out:
        try:
            write_plan(plan, args.out)
        except OSError as err:
            print(f"--out {args.out}: cannot write the plan file ({err.strerror})", file=sys.stderr)
            return EXIT_INVALID
    if not args.quiet:
        print_summary(scenario, plan, Console())
        if args.out:
            Console().print(f"plan written to {args.out}")
    return 0


class _LiveProgress:
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

    def __enter__(self) -> _LiveProgress:
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
