"""``supplyopt check SCENARIO PLAN [--previous PLAN --events EVENTS]``: verify a plan.

With ``--previous`` and ``--events`` the plan is checked as a revision of the
previous plan after those events (contract §6); otherwise as a plan made at
T0 (contract §2).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..check import check_plan
from ..check_revision import check_revision
from ..model import Plan, Scenario
from ._common import EXIT_INVALID, read_scenario_or_none
from ._revision import read_events_or_none, read_plan_or_none, read_previous_or_none

EXIT_VIOLATIONS = 1


def register(subparsers: Any) -> None:
    """Add the ``check`` subcommand."""
    parser = subparsers.add_parser(
        "check",
        help="verify a plan file against its scenario (or a revision against the plan it revises)",
        description="Re-verify every constraint and KPI of a plan from the scenario alone. "
        "With --previous and --events, verify a revised plan: what was under way at now_hours "
        "unchanged, every rule under the changed scenario, KPIs against the demand lots. "
        "Exit 0 when valid, 1 with the list of violations, 2 for unreadable input.",
    )
    parser.add_argument("scenario", help="scenario file (the original one for a revision)")
    parser.add_argument("plan", help="plan file (JSON)")
    parser.add_argument(
        "--previous",
        metavar="PLAN",
        help="the plan being carried out that PLAN revises (needs --events)",
    )
    parser.add_argument(
        "--events",
        metavar="EVENTS",
        help="the events file the revision answers (.yaml, .yml or .json; needs --previous)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"plan", "scenario", "valid", "violations", "trips", '
        '"weighted_coverage_on_time"} on stdout instead of text (same exit codes)',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt check``."""
    if (args.previous is None) != (args.events is None):
        given, missing = (
            ("--previous", "--events") if args.events is None else ("--events", "--previous")
        )
        print(
            f"supplyopt check: {given} needs {missing} (a revised plan is checked against the "
            "plan it revises and the events since)",
            file=sys.stderr,
        )
        return EXIT_INVALID
    scenario = read_scenario_or_none(args.scenario)
    if scenario is None:
        return EXIT_INVALID
    plan = read_plan_or_none(args.plan)
    if plan is None:
        return EXIT_INVALID
    if args.previous is None:
        problems = check_plan(scenario, plan)
    else:
        previous = read_previous_or_none(args.previous, scenario)
        if previous is None:
            return EXIT_INVALID
        events = read_events_or_none(args.events, scenario, previous)
        if events is None:
            return EXIT_INVALID
        problems = check_revision(scenario, plan, previous, events)
    return _report(args, scenario, plan, problems)


def _report(args: argparse.Namespace, scenario: Scenario, plan: Plan, problems: list[str]) -> int:
    """Print the verdict as text or JSON; the exit code."""
    if args.json:
        result: dict[str, Any] = {
            "plan": args.plan,
            "scenario": scenario.name,
            "valid": not problems,
            "violations": [str(problem) for problem in problems],
            "trips": len(plan.trips),
            "weighted_coverage_on_time": plan.summary.weighted_coverage_on_time,
        }
        if args.previous is not None:
            result["previous"] = args.previous
            result["events"] = args.events
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return EXIT_VIOLATIONS if problems else 0
    if problems:
        print(f"{args.plan}: {len(problems)} violation{'s' if len(problems) != 1 else ''}")
        for problem in problems:
            print(f"  {problem}")
        return EXIT_VIOLATIONS
    what = "plan" if args.previous is None else f"revision of {args.previous}"
    print(
        f"{args.plan}: valid {what} for {scenario.name} ({len(plan.trips)} trips, "
        f"weighted on-time coverage {plan.summary.weighted_coverage_on_time:.3f})"
    )
    return 0
