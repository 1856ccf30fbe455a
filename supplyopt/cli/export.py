"""``supplyopt export SCENARIO PLAN --format … --out DIR``: files for people, from a plan."""

from __future__ import annotations

import argparse
import sys
from typing import Any, cast

from ..check import scenario_mismatch
from ..io import read_plan, read_scenario
from ..model import PlanFileError, ScenarioError
from ..report import EXPORT_FORMATS, ExportFormat, write_exports
from ._common import EXIT_INVALID, error_text
from .check import EXIT_VIOLATIONS


def register(subparsers: Any) -> None:
    """Add the ``export`` subcommand."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "export",
        help="write GeoJSON, loading manifests, dispatch sheets or figures for a plan",
        description="Write a plan's exports: geojson (sites and trips), manifest (CSV per truck), "
        "sheets (printable HTML dispatch sheets per vehicle), svg or png (map, truck timeline, "
        "coverage by area). Exit 0 when written, 1 (as check) when the plan is for another "
        "scenario, 2 for unreadable input.",
    )
    parser.add_argument(
        "scenario", metavar="SCENARIO", help="the scenario file the plan was made for"
    )
    parser.add_argument(
        "plan", metavar="PLAN", help="the plan file (JSON, as written by `supplyopt plan`)"
    )
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=[*EXPORT_FORMATS, "all"],
        required=True,
        help="what to write; repeat for several, or 'all'",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="folder to write into")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read the scenario and plan, write the exports, list the files.

    Exit 2 on unreadable input and 1 (as ``check``) for a plan made for another
    scenario, with the mismatches, before anything is written.
    """
    try:
        scenario = read_scenario(args.scenario)
        plan = read_plan(args.plan)
    except ScenarioError as err:
        print(error_text(err), file=sys.stderr)
        return EXIT_INVALID
    except PlanFileError as err:
        print(err, file=sys.stderr)
        return EXIT_INVALID
    formats = list(EXPORT_FORMATS) if "all" in args.formats else list(dict.fromkeys(args.formats))
    mismatch = scenario_mismatch(scenario, plan)
    if mismatch:
        print(f"{args.plan}: not a plan for {args.scenario}", file=sys.stderr)
        for line in mismatch:
            print(f"  {line}", file=sys.stderr)
        return EXIT_VIOLATIONS
    for export_format in formats:
        try:
            paths = write_exports(scenario, plan, args.out, cast(ExportFormat, export_format))
        except ImportError as err:
            print(f"{export_format}: {err}", file=sys.stderr)
            return 1
        for path in paths:
            print(path)
    return 0
