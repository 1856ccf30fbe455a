"""``supplyopt preposition REGION --move-budget UNITS``: peacetime stock transfers, verified by full plans."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

from ..io.scenario_file import write_text_atomic
from ..model import SupplyOptError
from ..readiness.preposition import Recommendation, apply_moves, recommend_moves
from ._common import EXIT_INVALID, one_line, stdout_console
from .readiness import (
    EXIT_VIOLATIONS,
    SampleBar,
    add_sample_options,
    read_region_or_none,
    writable,
)


def register(subparsers: Any) -> None:
    """Add the ``preposition`` subcommand."""
    parser = subparsers.add_parser(
        "preposition",
        help="recommend peacetime stock transfers between warehouses that raise readiness",
        description="Choose transfers of at most UNITS units with a two-stage stochastic LP over "
        "the hazard samples (docs/readiness.md), then plan every sample in full with and "
        "without them and report both. Moves never take more than a warehouse holds.",
    )
    parser.add_argument(
        "region", nargs="?", help="region file (default: the bundled Changji region)"
    )
    parser.add_argument(
        "--move-budget", type=_units, required=True, metavar="UNITS", help="most units moved in all"
    )
    add_sample_options(parser, samples=100)
    parser.add_argument("--out", metavar="MOVES.json", help="write the moves and figures here")
    parser.add_argument(
        "--region-out", metavar="REGION2.yaml", help="write the region with the moves applied"
    )
    parser.add_argument("--json", action="store_true", help="print the JSON on stdout")
    parser.set_defaults(func=run)


def _units(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of units >= 0 (got {text!r})")
    return value


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt preposition``."""
    if not writable("--out", args.out) or not writable("--region-out", args.region_out):
        return EXIT_INVALID
    region = read_region_or_none(args.region)
    if region is None:
        return EXIT_INVALID
    try:
        with SampleBar("planning samples (before, after)") as bar:
            found = recommend_moves(
                region,
                budget_units=args.move_budget,
                samples=args.samples,
                seed=args.seed,
                time_limit_s=args.time_limit,
                workers=args.workers,
                scheduler=args.scheduler,
                progress=bar,
            )
    except SupplyOptError as err:
        print(f"preposition: cannot plan: {one_line(err)}", file=sys.stderr)
        return EXIT_INVALID
    result = found.to_json()
    if args.out:
        write_text_atomic(Path(args.out), json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    if args.region_out:
        moved = apply_moves(region, found.moves).to_data()
        text = yaml.safe_dump(moved, allow_unicode=True, sort_keys=False)
        write_text_atomic(Path(args.region_out), text)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _print(found, args)
    violations = [v for o in (*found.outcomes_before, *found.outcomes_after) for v in o.violations]
    if violations:
        print(f"preposition: {len(violations)} check violations in the plans:", file=sys.stderr)
        for line in violations[:10]:
            print(f"  {line}", file=sys.stderr)
        return EXIT_VIOLATIONS
    return 0


def _print(found: Recommendation, args: argparse.Namespace) -> None:
    out = stdout_console()

    def say(text: str) -> None:
        out.print(text, markup=False, highlight=False)

    b, a = found.before, found.after
    say(f"{args.samples} samples, seed {args.seed}, move budget {args.move_budget} units")
    say(f"before: mean {b.mean:.2%}, 5th percentile {b.p05:.2%}")
    say(f"after:  mean {a.mean:.2%}, 5th percentile {a.p05:.2%}")
    if found.moves:
        say(f"moves ({sum(m.quantity for m in found.moves)} units):")
        for m in found.moves:
            say(f"  {m.quantity:>6} {m.item:<14} {m.source} → {m.target}")
    elif found.proposed:
        say("the LP's moves did not raise coverage in the full plans; none recommended")
    else:
        say("no moves found that raise coverage")
    checked = found.to_json()["checked"]
    say(f"{checked['plans']} plans checked, {checked['violations']} violations")
    for option, path in (("--out", args.out), ("--region-out", args.region_out)):
        if path:
            say(f"wrote {path} ({option})")
