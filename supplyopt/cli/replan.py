"""``supplyopt replan SCENARIO PLAN EVENTS``: revise a plan under way after events (contract §6)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rich.console import Console

from ..io import write_plan
from ..model import MAX_SEED, Events, Plan, Scenario, SupplyOptError, apply_events, summarize
from ..replan import replan
from ..replan.transfers import transfer_refusal
from ._common import (
    EXIT_INVALID,
    one_line,
    read_scenario_or_none,
    seed_int,
    stdout_console,
    time_limit_seconds,
)
from ._progress import LiveProgress
from ._revision import read_events_or_none, read_previous_or_none


def register(subparsers: Any) -> None:
    """Add the ``replan`` subcommand."""
    parser = subparsers.add_parser(
        "replan",
        help="revise a plan under way after events (new demand, roads closed, trucks down…)",
        description="Revise the plan being carried out from the events file's now_hours: trips "
        "under way keep their loads and the stops they made, the rest is planned again for the "
        "changed scenario. Prints coverage before and after and what changed per vehicle. "
        "Exit 0 for any revision, 2 for invalid input.",
    )
    parser.add_argument("scenario", help="the scenario the plan was made for (.yaml/.yml/.json)")
    parser.add_argument("plan", help="the plan being carried out (JSON)")
    parser.add_argument("events", help="events file: now_hours and what happened (.yaml/.json)")
    parser.add_argument("--out", metavar="NEW.json", help="write the revised plan file here")
    parser.add_argument(
        "--time-limit",
        type=time_limit_seconds,
        default=30.0,
        metavar="SECONDS",
        help="wall-clock limit for the re-plan, > 0 and at most 86400 (default 30)",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=0, help=f"random seed, 0 to {MAX_SEED} (default 0)"
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the revised plan file (JSON) on stdout instead of the summary, for scripts",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt replan``."""
    if args.out and not Path(args.out).resolve().parent.is_dir():
        print(f"--out {args.out}: no such directory", file=sys.stderr)
        return EXIT_INVALID
    scenario = read_scenario_or_none(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    previous = read_previous_or_none(args.plan, scenario)
    if previous is None:
        return EXIT_INVALID
    refused = transfer_refusal(previous)
    if refused is not None:  # before the events, whose stock checks do not count transfers
        print(f"{args.plan}: cannot re-plan: {refused}", file=sys.stderr)
        return EXIT_INVALID
    events = read_events_or_none(args.events, scenario, previous)
    if events is None:
        return EXIT_INVALID
    console = Console(stderr=True)
    try:
        with LiveProgress(console, enabled=not args.json and console.is_terminal) as live:
            new = replan(
                scenario,
                previous,
                events,
                time_limit_s=args.time_limit,
                seed=args.seed,
                progress=live.update,
            )
    except SupplyOptError as err:
        print(f"{args.scenario}: cannot re-plan: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    if args.out:
        try:
            write_plan(new, args.out)
        except OSError as err:
            print(f"--out {args.out}: cannot write the plan file ({err.strerror})", file=sys.stderr)
            return EXIT_INVALID
    if args.json:
        sys.stdout.write(new.to_json() + "\n")
        return 0
    out = stdout_console()
    for line in summary_lines(scenario, previous, events, new):
        out.print(line, markup=False, highlight=False)
    if args.out:
        out.print(f"revised plan written to {args.out}", markup=False, highlight=False)
    return 0


def summary_lines(scenario: Scenario, previous: Plan, events: Events, new: Plan) -> list[str]:
    """The readable summary: coverage before and after, trip counts, one line per change.

    "Before" is the previous plan's trips counted against the demand lots in
    force after the events (what carrying on would have promised), "after"
    the revision's own figures.
    """
    changed = apply_events(scenario, events).changed
    before = summarize(changed, previous.trips)
    after = new.summary
    block = new.replan
    lines = [
        f"Revised {scenario.name} at {events.now_hours:g} h after {len(events.events)} "
        f"event{'s' if len(events.events) != 1 else ''}: {new.status}",
        "On-time coverage, previous plan against the new demand → revision:",
        f"  weighted  {before.weighted_coverage_on_time:.3f} → {after.weighted_coverage_on_time:.3f}",
        f"  by item   {before.coverage_on_time:.3f} → {after.coverage_on_time:.3f}",
        f"  units     {before.on_time_units} → {after.on_time_units} of {after.demand_units}",
    ]
    if block is None:
        return lines
    lines.append(
        f"Trips: {block.kept} kept, {block.changed} changed, {block.cancelled} cancelled, "
        f"{block.new} new"
    )
    if block.changes:
        lines.append("Changes:")
        lines += [f"  {change.vehicle}: {change.what}" for change in block.changes]
    else:
        lines.append("No vehicle's orders change.")
    return lines
