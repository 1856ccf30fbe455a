"""Shared parts of ``compare`` and ``sweep``: running variants and printing the table."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from ..model import MAX_SEED, Scenario, SupplyOptError
from ..whatif import delta_rows, render_table, run_variants, write_csv
from ._common import EXIT_INVALID, one_line, seed_int, time_limit_seconds


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """Options every what-if command takes."""
    parser.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the rows as JSON on stdout (the CSV columns as keys) instead of the table",
    )
    parser.add_argument(
        "--time-limit",
        type=time_limit_seconds,
        default=None,
        metavar="SECONDS",
        help="planner time limit per variant, > 0 and at most 86400",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=None, help=f"planner seed, 0 to {MAX_SEED} (default 0)"
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


class _Progress:
    """Variants done, on stderr: one line redrawn on a terminal, else one line per variant."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._redraw = stream.isatty()
        self._open = False

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self._redraw:
            print(f"[{done}/{total}] {name}", file=self._stream, flush=True)
            return
        self._open = done < total
        end = "" if self._open else "\n"
        print(f"\r[{done}/{total}] {name[:60]:<60}", end=end, file=self._stream, flush=True)

    def close(self) -> None:
        """End a redrawn line left open (the run stopped before its last variant)."""
        if self._open:
            print(file=self._stream, flush=True)
            self._open = False


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
    progress = _Progress(sys.stderr)
    try:
        outcomes = run_variants(
            [(base_name, base), *variants],
            time_limit_s=time_limit_s,
            seed=seed,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=progress,
        )
    except SupplyOptError as err:  # raised in a worker (say, osmnx missing) and passed back
        progress.close()
        print(f"{args.command}: cannot plan: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    rows = delta_rows(outcomes[0], outcomes[1:], rank=rank)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print(render_table(rows))
    if args.csv:
        write_csv(rows, args.csv)
        print(f"wrote {args.csv}", file=sys.stderr if args.json else sys.stdout)
    return 0
