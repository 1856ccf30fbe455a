"""``supplyopt solve-vrp``: solve one standard benchmark instance (contract §5)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..io.vrp_instances import FORMATS, VrpInstanceError, read_vrp_instance
from ..io.vrp_solution import verify_routes, write_vrp_solution
from ..model import MAX_SEED
from ..solve.routing.vrp_benchmark import solve_vrp_instance
from ._common import seed_int, time_limit_seconds

#: Exit codes: 0 solved (feasible), 1 no feasible solution found, 2 bad input.
EXIT_OK, EXIT_INFEASIBLE, EXIT_INVALID = 0, 1, 2


def register(subparsers: Any) -> None:
    """Add the ``solve-vrp`` subcommand."""
    parser = subparsers.add_parser(
        "solve-vrp",
        help="solve a Solomon, Gehring-Homberger, VRPLIB or Cordeau benchmark instance",
        description="Minimise total distance within the file's fleet limit with supplyopt's "
        "routing engine: real-valued Euclidean distances for Solomon, Gehring-Homberger and "
        "Cordeau files, the file's own rounding for VRPLIB files. Prints the cost. "
        "Exit 0 when a feasible solution is found, 1 when none is, 2 for an unreadable file.",
    )
    parser.add_argument("instance", help="benchmark instance file")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="file format (guessed from the content when omitted)",
    )
    parser.add_argument(
        "--time-limit",
        type=time_limit_seconds,
        default=10.0,
        metavar="SECONDS",
        help="search time in seconds, > 0 and at most 86400 (default 10)",
    )
    parser.add_argument(
        "--seed", type=seed_int, default=0, help=f"random seed, 0 to {MAX_SEED} (default 0)"
    )
    parser.add_argument(
        "--out",
        metavar="SOLUTION.json",
        help='write {"instance", "cost", "routes", "solve_seconds"} here',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``supplyopt solve-vrp``."""
    try:
        instance = read_vrp_instance(args.instance, args.format)
    except VrpInstanceError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_INVALID
    result = solve_vrp_instance(instance, time_limit_s=args.time_limit, seed=args.seed)
    problems = verify_routes(instance, result.routes)
    cost = round(result.cost, 6) if instance.distance_convention == "exact" else result.cost
    if args.out:
        extra = {
            "format": instance.format,
            "feasible": not problems,
            "seed": args.seed,
            "time_limit_s": args.time_limit,
        }
        try:
            write_vrp_solution(
                args.out,
                instance,
                result.routes,
                cost=cost,
                solve_seconds=result.solve_seconds,
                extra=extra,
            )
        except OSError as err:
            print(f"error: cannot write {args.out}: {err.strerror or err}", file=sys.stderr)
            return EXIT_INVALID
    shown = f"{cost:.2f}" if instance.distance_convention == "exact" else f"{cost:g}"
    print(f"cost {shown}")
    used = sum(1 for r in result.routes if r.customers)
    print(
        f"instance {instance.name} ({instance.format}): {used} routes, "
        f"{result.solve_seconds:.1f} s, seed {args.seed}"
    )
    if problems:
        print("no feasible solution found:", file=sys.stderr)
        for problem in problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_INFEASIBLE
    return EXIT_OK
