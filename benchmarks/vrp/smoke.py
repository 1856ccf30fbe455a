"""CI smoke run: three small instances (VRPTW, CVRP, MDVRP), 2 s per solver, printed table.

    python -m benchmarks.vrp.smoke [--time-limit 2] [--solvers supplyopt pyvrp ortools vroom]

Exit 1 when an instance cannot be read or supplyopt's solution fails the
independent verifier; a competitor's miss is printed as a warning only (it is
not our regression). Exit 0 with ``SKIPPED`` when the shared data is missing.
Nothing is written to ``benchmarks/results/``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402

from .data import SMOKE, DataMissingError, shared_data_dir  # noqa: E402
from .run import markdown, run_one  # noqa: E402
from .solvers import SOLVERS  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    """Run the smoke benchmark; see the module docstring for exit codes."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.vrp.smoke")
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--solvers", nargs="+", choices=list(SOLVERS), default=list(SOLVERS))
    args = parser.parse_args(argv)
    try:
        shared_data_dir()
    except DataMissingError as err:
        print(f"SKIPPED: {err}")
        return 0
    rows = [
        run_one(set_name, name, solver, args.time_limit, 0)
        for set_name, name in SMOKE
        for solver in args.solvers
    ]
    header = f"# VRP smoke: {len(SMOKE)} instances, {args.time_limit:g} s per solver"
    print(markdown(rows, args.solvers, header=header))
    failures = [
        r
        for r in rows
        if r.note.startswith("unreadable") or (r.solver == "supplyopt" and not r.feasible)
    ]
    for r in rows:
        if not r.feasible and r not in failures:
            print(f"WARNING: {r.solver} on {r.instance}: no verified solution ({r.note})")
    for r in failures:
        print(f"FAIL: {r.solver} on {r.instance}: {r.note or 'infeasible'}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
