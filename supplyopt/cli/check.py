"""``supplyopt check SCENARIO PLAN``: verify a plan against its scenario."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..check import check_plan
from ..io import read_plan
from ..model import PlanFileError
from ._common import EXIT_INVALID, read_scenario_or_none

EXIT_VIOLATIONS = 1


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="verify a plan file against its scenario",
        description="Re-verify every constraint and KPI of a plan from the scenario alone. "
        "Exit 0 when valid, 1 with the list of violations, 2 for unreadable input.",
    )
    parser.add_argument("scenario", help="scenario file")
    parser.add_argument("plan", help="plan file (JSON)")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"plan", "scenario", "valid", "violations", "trips", '
        '"weighted_coverage_on_time"} on stdout instead of text (same exit codes)',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt check``."""
    scenario = read_scenario_or_none(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    try:
        plan = read_plan(args.plan)
    except PlanFileError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    problems = check_plan(scenario, plan)
    if args.json:
        result = {
            "plan": args.plan,
            "scenario": scenario.name,
            "valid": not problems,
            "violations": [str(problem) for problem in problems],
            "trips": len(plan.trips),
            "weighted_coverage_on_time": plan.summary.weighted_coverage_on_time,
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_VIOLATIONS if problems else 0
    if problems:
        print(f"{args.plan}: {len(problems)} violation{'s' if len(problems) != 1 else ''}")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_VIOLATIONS
    print(
        f"{args.plan}: valid plan for {scenario.name} ({len(plan.trips)} trips, "
        f"weighted on-time coverage {plan.summary.weighted_coverage_on_time:.3f})"
    )
    return 0
