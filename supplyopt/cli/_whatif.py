"""Shared parts of ``compare`` and ``sweep``: running variants and printing the table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..model import Scenario
from ..whatif import delta_rows, render_table, run_variants, write_csv
from ._common import non_negative_int


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options every what-if command takes."""
    parser.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        metavar="SECONDS",
        help="planner time limit per variant",
    )
    parser.add_argument(
        "--seed", type=non_negative_int, default=None, help="planner seed, >= 0 (default 0)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local processes (default: one per CPU; 1 = in this process)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="plan on this Dask scheduler (tcp://host:8786) instead",
    )


def _progress(done: int, total: int, name: str) -> None:
    print(
        f"\r[{done}/{total}] {name[:60]:<60}",
        end="" if done < total else "\n",
        file=sys.stderr,
        flush=True,
    )


def run_and_print(
    base_name: str,
    base: Scenario,
    variants: Sequence[tuple[str, Scenario]],
    args: argparse.Namespace,
    *,
    time_limit_s: float,
    seed: int,
    rank: bool = False,
) -> int:
    """Plan base and variants, print the delta table, write CSV if asked; exit code."""
    outcomes = run_variants(
        [(base_name, base), *variants],
        time_limit_s=time_limit_s,
        seed=seed,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=_progress,
    )
    rows = delta_rows(outcomes[0], outcomes[1:], rank=rank)
    print(render_table(rows))
    if args.csv:
        write_csv(rows, args.csv)
        print(f"wrote {args.csv}")
    return 0
