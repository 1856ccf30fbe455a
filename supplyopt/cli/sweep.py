"""``supplyopt sweep FILE``: plan every variant of a sweep (or rank critical roads and warehouses)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..model import ScenarioError
from ..whatif import criticality_variants, read_sweep
from ..whatif.sweep import sweep_variants, variant_scenario
from ._common import EXIT_INVALID, read_scenario_or_none
from ._whatif import add_run_options, run_and_print


def register(subparsers: Any) -> None:
    """Add the ``sweep`` subcommand."""
    parser = subparsers.add_parser(
        "sweep",
        help="plan many variants of a scenario (a sweep file), or rank critical roads",
        description="Plan every variant of a sweep file on a local process pool (or a Dask "
        "cluster with --scheduler) and print KPI deltas against the base. With "
        "--criticality, FILE is a scenario: each warehouse and each of the most used major "
        "roads is closed in turn, ranked by the coverage it costs.",
    )
    parser.add_argument("file", help="sweep file (or scenario file with --criticality)")
    parser.add_argument(
        "--criticality",
        action="store_true",
        help="rank warehouses and major roads by the coverage lost when closed",
    )
    parser.add_argument(
        "--roads",
        type=int,
        default=20,
        help="with --criticality: how many major roads to try (default 20)",
    )
    add_run_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt sweep``."""
    try:
        if args.criticality:
            base = read_scenario_or_none(args.file)
            if base is None:
                return EXIT_INVALID
            variants = [
                (v.name, variant_scenario(base, v))
                for v in criticality_variants(base, roads=args.roads)
            ]
            time_limit_s, seed, rank = 5.0, 0, True
        else:
            sweep, base = read_sweep(args.file)
            variants = sweep_variants(sweep, base)
            time_limit_s, seed, rank = sweep.time_limit_s, sweep.seed, False
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    return run_and_print(
        f"base: {Path(args.file).stem}",
        base,
        variants,
        args,
        time_limit_s=args.time_limit if args.time_limit is not None else time_limit_s,
        seed=args.seed if args.seed is not None else seed,
        rank=rank,
    )
