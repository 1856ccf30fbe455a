"""``supplyopt sweep FILE``: plan every variant of a sweep (or rank critical roads and warehouses)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, NamedTuple

from ..model import Scenario, ScenarioError, SupplyOptError
from ..whatif import criticality_variants, read_sweep
from ..whatif.sweep import sweep_variants, variant_scenario
from ._common import (
    EXIT_INVALID,
    error_text,
    one_line,
    read_scenario_or_none,
)
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


class _Prepared(NamedTuple):
    """The base, its variants and the run's defaults, ready to plan."""

    base: Scenario
    variants: list[tuple[str, Scenario]]
    time_limit_s: float
    seed: int
    rank: bool


def _criticality(args: argparse.Namespace) -> _Prepared | int:
    """Every warehouse out and the most used major roads closed, in turn; or an exit code."""
    if args.roads < 0:
        print(
            f"{args.file}: --roads: must be a whole number >= 0 (got {args.roads})", file=sys.stderr
        )
        return EXIT_INVALID
    base = read_scenario_or_none(args.file)
    if base is None:
        return EXIT_INVALID
    try:
        found = criticality_variants(base, roads=args.roads)
    except SupplyOptError as err:  # reading the road network: the osm extra missing, say
        print(f"{args.file}: cannot rank roads: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    try:
        variants = [(v.name, variant_scenario(base, v)) for v in found]
    except ScenarioError as err:
        print(str(err), file=sys.stderr)
        return EXIT_INVALID
    return _Prepared(base, variants, 5.0, 0, rank=True)


def _sweep_file(args: argparse.Namespace) -> _Prepared | int:
    """The sweep file's base and variants; or an exit code."""
    try:
        sweep, base = read_sweep(args.file)
        variants = sweep_variants(sweep, base, source=args.file)
    except ScenarioError as err:
        print(error_text(err), file=sys.stderr)
        return EXIT_INVALID
    return _Prepared(base, variants, sweep.time_limit_s, sweep.seed, rank=False)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt sweep``."""
    prepared = _criticality(args) if args.criticality else _sweep_file(args)
    if isinstance(prepared, int):
        return prepared
    return run_and_print(
        f"base: {Path(args.file).stem}",
        prepared.base,
        prepared.variants,
        args,
        time_limit_s=args.time_limit if args.time_limit is not None else prepared.time_limit_s,
        seed=args.seed if args.seed is not None else prepared.seed,
        rank=prepared.rank,
    )
