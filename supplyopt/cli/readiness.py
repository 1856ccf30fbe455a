"""``supplyopt readiness REGION``: plan every hazard sample in full and say where the promise fails."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..bundled import default_region_path
from ..io.scenario_file import write_text_atomic
from ..model import MAX_SEED, ScenarioError, SupplyOptError
from ..readiness import Region, read_region, readiness_result, run_samples
from ..readiness.report import most_failed
from ..report import format_share
from ..report.readiness_svg import readiness_svg
from ._common import (
    EXIT_INVALID,
    error_text,
    one_line,
    seed_int,
    stdout_console,
    time_limit_seconds,
)

#: Exit code when a plan behind the figures fails ``check`` (a bug, never bad input).
EXIT_VIOLATIONS = 1


def register(subparsers: Any) -> None:
    """Add the ``readiness`` subcommand."""
    parser = subparsers.add_parser(
        "readiness",
        help="plan every hazard sample of a region in full: where is the deadline kept?",
        description="Draw hazard samples of a region file (contract §7), plan each in full with "
        "the planner on local processes (or a Dask cluster with --scheduler), check every plan, "
        "and summarise: weighted on-time coverage over the samples, the settlements most often "
        "failed, the binding resources; write the JSON and a map.",
    )
    parser.add_argument(
        "region", nargs="?", help="region file (default: the bundled Changji region)"
    )
    add_sample_options(parser, samples=200)
    parser.add_argument(
        "--out", metavar="R.json", help="write the result here (and the map beside it)"
    )
    parser.add_argument(
        "--map", metavar="MAP.svg", help="write the map here (default: beside --out)"
    )
    parser.add_argument("--json", action="store_true", help="print the result JSON on stdout")
    parser.set_defaults(func=run)


def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number >= 1 (got {text!r})")
    return value


def add_sample_options(parser: argparse.ArgumentParser, *, samples: int) -> None:
    """Options shared by ``readiness`` and ``preposition``."""
    parser.add_argument(
        "--samples", type=positive_int, default=samples, help=f"hazard samples (default {samples})"
    )
    parser.add_argument(
        "--seed",
        type=seed_int,
        default=0,
        help=f"sample and planner seed, 0 to {MAX_SEED} (default 0)",
    )
    parser.add_argument(
        "--time-limit",
        type=time_limit_seconds,
        default=10.0,
        metavar="SECONDS",
        help="safety cap per sample's plan (default 10; the planner's work is fixed)",
    )
    parser.add_argument(
        "--workers", type=positive_int, default=None, help="local processes (default: one per CPU)"
    )
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", help="plan on this Dask scheduler (tcp://host:8786)"
    )


def read_region_or_none(path: str | None) -> Region | None:
    """The region (the bundled default when ``path`` is None), or ``None`` after printing why not."""
    try:
        return read_region(path or default_region_path())
    except ScenarioError as err:
        print(error_text(err), file=sys.stderr)
        return None


def writable(option: str, path: str | None) -> bool:
    """True unless ``path`` is given and its folder does not exist (said on stderr)."""
    if path and not Path(path).resolve().parent.is_dir():
        print(f"{option} {path}: no such directory", file=sys.stderr)
        return False
    return True


class SampleBar:
    """A rich progress bar of samples planned, on stderr when it is a terminal."""

    def __init__(self, label: str) -> None:
        console = Console(stderr=True)
        self._bar = Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._bar.add_task(label, total=None)

    def __enter__(self) -> SampleBar:
        self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` samples planned."""
        self._bar.update(self._task, completed=done, total=total)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt readiness``."""
    if not writable("--out", args.out) or not writable("--map", args.map):
        return EXIT_INVALID
    region = read_region_or_none(args.region)
    if region is None:
        return EXIT_INVALID
    try:
        with SampleBar("planning samples") as bar:
            outcomes = run_samples(
                region,
                samples=args.samples,
                seed=args.seed,
                time_limit_s=args.time_limit,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=bar,
            )
    except SupplyOptError as err:
        print(f"readiness: cannot plan: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    result = readiness_result(region, args.seed, outcomes, time_limit_s=args.time_limit)
    written = write_outputs(region, result, args.out, args.map)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print_readiness(region, result, written)
    violations = [v for o in outcomes for v in o.violations]
    if violations:
        print(f"readiness: {len(violations)} check violations in the plans:", file=sys.stderr)
        for line in violations[:10]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_VIOLATIONS
    return 0


def write_outputs(
    region: Region, result: dict[str, Any], out: str | None, map_path: str | None
) -> list[str]:
    """Write the JSON and the map (beside the JSON unless ``map_path``); the paths written."""
    written: list[str] = []
    if out:
        write_text_atomic(Path(out), json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        written.append(out)
    target = map_path or (str(Path(out).with_suffix(".svg")) if out else None)
    if target:
        hazards = [(h.kind, list(h.polygon)) for h in region.hazards]
        write_text_atomic(Path(target), readiness_svg(region.scenario, result, hazards=hazards))
        written.append(target)
    return written


def print_readiness(region: Region, result: dict[str, Any], written: list[str]) -> None:
    """The terminal summary: coverage, weakest settlements, binding resources, checks."""
    out = stdout_console()
    cov = result["weighted_coverage"]
    out.print(
        f"[bold]{result['region']}[/bold]: {result['samples']} samples, seed {result['seed']}",
        highlight=False,
    )
    out.print(
        f"weighted on-time coverage: mean {format_share(cov['mean'], 1)}, "
        f"5th percentile {format_share(cov['p05'], 1)}, worst {format_share(cov['min'], 1)}",
        highlight=False,
    )
    names = {a.id: a.name or a.id for a in region.scenario.areas}
    failed = most_failed(result, limit=8)
    if failed:
        table = Table(title="settlements most often not fully served on time", title_justify="left")
        for col in ("settlement", "affected in", "failed in", "fully on time", "mean coverage"):
            table.add_column(col, justify="left" if col == "settlement" else "right")
        for row in failed:
            table.add_row(
                f"{names[row['id']]} ({row['id']})",
                str(row["affected_in"]),
                str(row["failed_in"]),
                format_share(row["full_on_time_share"]),
                format_share(row["mean_coverage"]),
            )
        out.print(table)
    binding = result["binding"][:8]
    if binding:
        table = Table(title="binding resources (units short, all samples)", title_justify="left")
        for col in ("reason", "warehouse", "item", "units", "samples"):
            table.add_column(col, justify="right" if col in ("units", "samples") else "left")
        for row in binding:
            table.add_row(
                row["reason"],
                row["warehouse"] or "—",
                row["item"],
                str(row["units"]),
                str(row["samples"]),
            )
        out.print(table)
    checked = result["checked"]
    out.print(
        f"{checked['plans']} plans checked, {checked['violations']} violations; "
        f"{result['time_limited']} cut by the time limit",
        highlight=False,
    )
    for path in written:
        out.print(f"wrote {path}", markup=False, highlight=False)
