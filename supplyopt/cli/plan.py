"""``supplyopt plan``: plan a scenario, print a summary, optionally write the plan file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..bundled import default_scenario_path
from ..io import write_plan
from ..model import MAX_SEED, Plan, Scenario, SupplyOptError
from ..report import print_summary, trucks_text
from ..solve import plan_relief
from ._common import (
    EXIT_INVALID,
    one_line,
    read_scenario_or_none,
    seed_int,
    stdout_console,
    time_limit_seconds,
)
from ._progress import LiveProgress


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
        type=time_limit_seconds,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit for the solve, > 0 and at most 86400 (default 30)",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=0, help=f"random seed, 0 to {MAX_SEED} (default 0)"
    )
    parser.add_argument(
        "--no-reposition",
        dest="reposition",
        action="store_false",
        help="keep every vehicle loading at its own base (by default idle vehicles may drive "
        "empty to load at another warehouse)",
    )
    parser.add_argument(
        "--transfers",
        dest="transfers",
        action="store_true",
        help="let a truck carry stock to another warehouse for its vehicles when that serves "
        "more (off by default: a plan with transfers cannot be re-planned yet)",
    )
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="print no summary")
    shown.add_argument(
        "--trucks",
        action="store_true",
        help="after the summary, what each vehicle does: every trip's load, its stops with "
        "arrival times, and when it is back",
    )
    shown.add_argument(
        "--json",
        action="store_true",
        help="print the plan file (JSON) on stdout instead of the summary, for scripts",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt plan``."""
    if args.out and not Path(args.out).resolve().parent.is_dir():
        print(f"--out {args.out}: no such directory", file=sys.stderr)
        return EXIT_INVALID
    scenario = read_scenario_or_none(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    console = Console(stderr=True)
    show_progress = not args.quiet and console.is_terminal
    try:
        with LiveProgress(console, enabled=show_progress) as live:
            plan = plan_relief(
                scenario,
                time_limit_s=args.time_limit,
                seed=args.seed,
                progress=live.update,
                reposition=args.reposition,
                transfers=args.transfers,
            )
    except SupplyOptError as err:  # e.g. the osm road model without osmnx installed
        source = args.scenario or default_scenario_path()
        print(f"{source}: cannot plan: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    if args.out:
        try:
            write_plan(plan, args.out)
        except OSError as err:
            print(f"--out {args.out}: cannot write the plan file ({err.strerror})", file=sys.stderr)
            return EXIT_INVALID
    _show(scenario, plan, args)
    return 0


def _show(scenario: Scenario, plan: Plan, args: argparse.Namespace) -> None:
    """Print what the options ask for: the summary (and trucks), the plan JSON, or nothing."""
    if args.json:
        sys.stdout.write(plan.to_json() + "\n")
        return
    if args.quiet:
        return
    out = stdout_console()
    print_summary(scenario, plan, out)
    if args.trucks:
        out.print()
        out.print(trucks_text(scenario, plan), markup=False, highlight=False)
    if args.out:
        out.print(f"plan written to {args.out}", markup=False, highlight=False)
