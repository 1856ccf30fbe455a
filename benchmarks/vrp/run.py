"""Run the routing comparison and write a table and a plot to ``benchmarks/results/vrp/``.

Usage::

    python -m benchmarks.vrp.run --set solomon --instances 12 --time-limit 10
    python -m benchmarks.vrp.run --set x --instances X-n101-k25 X-n200-k36 --time-limit 10

``--instances`` takes names, ``all``, or ``12`` (the issue's 12 Solomon
instances). Solvers run one at a time, single-threaded, with the same time
budget; every solution is verified with real values before it is scored.
Gap = (cost - BKS) / BKS. Every solver here minimises distance within the
file's fleet limit; for Solomon the reference is the distance-only best known
(``bks_distance_only.csv``); Gehring-Homberger BKS are hierarchical (fewest
vehicles first, then distance), so gaps there can be negative.
``--rescore FILE.csv`` recomputes gaps, table and plot of an earlier run.
"""

from __future__ import annotations

import os

# One core per solver: set before any numerical library starts its thread pools.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

from supplyopt.io.vrp_instances import VrpInstanceError, read_vrp_instance  # noqa: E402
from supplyopt.io.vrp_solution import route_cost, verify_routes  # noqa: E402

from .data import SETS, SOLOMON_12, DataMissingError, instance_path, list_instances, read_bks  # noqa: E402
from .solvers import SOLVERS  # noqa: E402

RESULTS_DIR = Path(__file__).resolve().parents[1] / "results" / "vrp"


@dataclass
class Row:
    """One solver on one instance."""

    set: str
    instance: str
    solver: str
    cost: float | None
    bks: float | None
    gap_pct: float | None
    routes: int | None
    bks_routes: int | None
    seconds: float
    feasible: bool
    note: str


def run_one(set_name: str, name: str, solver: str, time_limit_s: float, seed: int) -> Row:
    """Solve, verify and score one instance with one solver."""
    bks = read_bks(set_name).get(name.upper())
    bks_d, bks_v = (bks.distance, bks.vehicles) if bks else (None, None)

    def failed(seconds: float, note: str) -> Row:
        return Row(set_name, name, solver, None, bks_d, None, None, bks_v, seconds, False, note)

    try:
        instance = read_vrp_instance(instance_path(set_name, name))
    except VrpInstanceError as err:
        return failed(0.0, f"unreadable: {err}")
    try:
        outcome = SOLVERS[solver](instance, time_limit_s, seed)
    except Exception as err:  # a crashing competitor is a result, not a harness failure
        return failed(0.0, f"error: {type(err).__name__}: {err}")
    if outcome.routes is None:
        return failed(outcome.seconds, outcome.note)
    problems = verify_routes(instance, outcome.routes)
    cost = route_cost(instance, outcome.routes)
    gap = 100.0 * (cost - bks_d) / bks_d if bks_d else None
    note = "; ".join([outcome.note] * bool(outcome.note) + problems[:3])
    return Row(
        set_name,
        name,
        solver,
        round(cost, 2),
        bks_d,
        None if gap is None else round(gap, 3),
        sum(1 for r in outcome.routes if r.customers),
        bks_v,
        round(outcome.seconds, 2),
        not problems,
        note,
    )


def summarise(rows: Sequence[Row], solvers: Sequence[str]) -> list[dict[str, object]]:
    """Per solver: instances, feasible count, mean gap over instances feasible for all."""
    names = {r.instance for r in rows}
    common = sorted(
        n
        for n in names
        if all(
            any(
                r.instance == n and r.solver == s and r.feasible and r.gap_pct is not None
                for r in rows
            )
            for s in solvers
        )
    )
    out = []
    for s in solvers:
        mine = [r for r in rows if r.solver == s]
        gaps = [r.gap_pct for r in mine if r.instance in common and r.gap_pct is not None]
        out.append(
            {
                "solver": s,
                "instances": len(mine),
                "feasible": sum(r.feasible for r in mine),
                "mean_gap_pct": round(sum(gaps) / len(gaps), 3) if gaps else None,
                "mean_seconds": round(sum(r.seconds for r in mine) / len(mine), 2)
                if mine
                else None,
                "compared_on": len(common),
            }
        )
    return out


def write_outputs(
    rows: Sequence[Row], solvers: Sequence[str], stem: str, out_dir: Path, *, header: str
) -> Path:
    """Write ``stem``.csv, .md and .png; return the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / f"{stem}.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(Row.__dataclass_fields__))
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))
    md = out_dir / f"{stem}.md"
    md.write_text(markdown(rows, solvers, header=header), encoding="utf-8")
    plot(rows, solvers, out_dir / f"{stem}.png", title=stem)
    return md


def markdown(rows: Sequence[Row], solvers: Sequence[str], *, header: str = "") -> str:
    """Render the summary and the per-instance table as Markdown."""
    lines = [
        header,
        "",
        "| solver | instances | feasible | mean gap % | mean s | compared on |",
        "|---|---|---|---|---|---|",
    ]
    for s in summarise(rows, solvers):
        lines.append(
            f"| {s['solver']} | {s['instances']} | {s['feasible']} | "
            f"{s['mean_gap_pct']} | {s['mean_seconds']} | {s['compared_on']} |"
        )
    lines += [
        "",
        "| instance | solver | cost | BKS | gap % | routes | BKS routes | s | feasible | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.instance} | {r.solver} | {r.cost} | {r.bks} | {r.gap_pct} | "
            f"{r.routes} | {r.bks_routes} | {r.seconds} | "
            f"{'yes' if r.feasible else 'NO'} | {r.note} |"
        )
    return "\n".join(lines) + "\n"


def plot(rows: Sequence[Row], solvers: Sequence[str], path: Path, *, title: str) -> None:
    """Plot grouped bars: gap to BKS per instance and solver."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(dict.fromkeys(r.instance for r in rows))
    width = 0.8 / max(1, len(solvers))
    fig, ax = plt.subplots(figsize=(max(6.0, 0.6 * len(names) * len(solvers) / 2), 4.5))
    for k, s in enumerate(solvers):
        gaps: list[float] = []
        for n in names:
            hit = [r for r in rows if r.instance == n and r.solver == s]
            ok = hit and hit[0].feasible and hit[0].gap_pct is not None
            gap = hit[0].gap_pct if ok else None
            gaps.append(float("nan") if gap is None else gap)
        ax.bar([i + k * width for i in range(len(names))], gaps, width, label=s)
    ax.set_xticks(
        [i + 0.4 - width / 2 for i in range(len(names))], names, rotation=60, ha="right", fontsize=8
    )
    ax.set_ylabel("gap to best known (%)")
    ax.axhline(0.0, color="black", linewidth=0.6)
    ax.set_title(f"{title}: gap per instance (0 % = best known; no verified solution: left out)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def rescore(path: Path) -> int:
    """Recompute the gaps of a result CSV against the current references; rewrite outputs."""
    with path.open(encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    rows: list[Row] = []
    for r in raw:
        bks = read_bks(r["set"]).get(r["instance"].upper())
        bks_d, bks_v = (bks.distance, bks.vehicles) if bks else (None, None)
        cost = float(r["cost"]) if r["cost"] else None
        gap = None if cost is None or bks_d is None else round(100.0 * (cost - bks_d) / bks_d, 3)
        rows.append(
            Row(
                r["set"],
                r["instance"],
                r["solver"],
                cost,
                bks_d,
                gap,
                int(r["routes"]) if r["routes"] else None,
                bks_v,
                float(r["seconds"]),
                r["feasible"] == "True",
                r["note"],
            )
        )
    solvers = list(dict.fromkeys(r.solver for r in rows))
    header = path.with_suffix(".md").read_text(encoding="utf-8").splitlines()[0]
    md = write_outputs(rows, solvers, path.stem, path.parent, header=header)
    print(markdown(rows, solvers, header=header).split("\n\n| instance")[0])
    print(f"rewritten: {md}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line of the harness; exit 0, or 3 when the data folder is missing."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.vrp.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--set", choices=sorted(SETS))
    parser.add_argument("--rescore", type=Path, help="re-score an earlier run's CSV and exit")
    parser.add_argument("--instances", nargs="+", default=["all"])
    parser.add_argument("--solvers", nargs="+", choices=list(SOLVERS), default=list(SOLVERS))
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tag", default="", help="suffix of the result file names")
    parser.add_argument("--out-dir", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    if args.rescore:
        return rescore(args.rescore)
    if not args.set:
        parser.error("--set is required")
    try:
        available = list_instances(args.set)
    except DataMissingError as err:
        print(f"SKIPPED: {err}", file=sys.stderr)
        return 3
    if args.instances == ["all"]:
        names = available
    elif args.instances == ["12"]:
        names = list(SOLOMON_12)
    else:
        names = args.instances
    stem = f"{args.set}_{args.time_limit:g}s" + (f"_{args.tag}" if args.tag else "")
    header = (
        f"# {args.set}: {len(names)} instances, {args.time_limit:g} s per solver and "
        f"instance, seed {args.seed}, one thread each, run one at a time"
    )
    rows: list[Row] = []
    for name in names:
        for solver in args.solvers:
            row = run_one(args.set, name, solver, args.time_limit, args.seed)
            rows.append(row)
            print(
                f"{name:14s} {solver:10s} cost={row.cost} gap%={row.gap_pct} "
                f"routes={row.routes} s={row.seconds} feasible={row.feasible} {row.note}",
                flush=True,
            )
            write_outputs(rows, args.solvers, stem, args.out_dir, header=header)
    print(markdown(rows, args.solvers, header=header).split("\n\n| instance")[0])
    print(f"written: {args.out_dir / stem}.csv/.md/.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
