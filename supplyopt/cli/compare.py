"""``supplyopt compare BASE VARIANT…``: plan scenarios and show their KPI deltas against BASE."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ..model import Scenario
from ._common import EXIT_INVALID, read_scenario_or_none
from ._whatif import add_run_options, run_and_print


def register(subparsers: Any) -> None:
    """Add the ``compare`` subcommand."""
    parser = subparsers.add_parser(
        "compare",
        help="plan a base scenario and variants, show KPI deltas side by side",
        description="Plan BASE and every VARIANT scenario file, then print coverage, worst "
        "area, latest arrival and units short by reason, with deltas against BASE.",
    )
    parser.add_argument("base", help="base scenario file")
    parser.add_argument("variants", nargs="+", metavar="VARIANT", help="variant scenario files")
    add_run_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt compare``."""
    read: dict[str, Scenario | None] = {}  # each distinct file read (and its error told) once
    for path in [args.base, *args.variants]:
        if path not in read:
            read[path] = read_scenario_or_none(path)
    base = read[args.base]
    variants = [(path, read[path]) for path in args.variants]
    if base is None or any(s is None for _, s in variants):
        return EXIT_INVALID
    return run_and_print(
        Path(args.base).stem,
        base,
        [(Path(path).stem, s) for path, s in variants if s is not None],
        args,
        time_limit_s=args.time_limit if args.time_limit is not None else 10.0,
        seed=args.seed if args.seed is not None else 0,
    )
