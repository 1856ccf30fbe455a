"""Readiness benchmark: out-of-sample coverage before and after pre-positioning, and throughput.

For each region (the bundled Changji region and two generated ones, one a
20-warehouse province), moves are chosen on the samples of one seed
(``FIT_SEED``) and every variant is evaluated by planning the samples of
another seed (``EVAL_SEED``) in full: no moves; the LP's moves at budgets of
5, 10 and 20 % of total stock; the proportional baseline at the same budgets.
Every plan behind every figure passes ``check``. Then samples per second on
the bundled region, serial and on a two-worker Dask LocalCluster.

Usage::

    python -m benchmarks.readiness.run            # full run, results in benchmarks/results/
    python -m benchmarks.readiness.run --ci       # small, < 60 s; results in --out
    python -m benchmarks.readiness.run --scale 1000   # 2,000 settlements on two Dask workers
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from supplyopt.bundled import default_region_path
from supplyopt.readiness import Region, coverage_stats, read_region, run_samples
from supplyopt.readiness.preposition import (
    Move,
    apply_moves,
    moves_of,
    preposition_problem,
)
from supplyopt.readiness.sampling import draw_sample
from supplyopt.solve.preposition_lp import solve_preposition

from .baseline import proportional_moves
from .regions import generate_region

FIT_SEED = 1
EVAL_SEED = 2
BUDGETS = (0.05, 0.10, 0.20)
RESULTS = Path(__file__).resolve().parents[1] / "results"


@dataclass(frozen=True)
class Setting:
    """How many samples to fit on and to evaluate on, per region."""

    fit: int
    evaluate: int


FULL = {
    "changji-region": Setting(100, 200),
    "prefecture-6wh": Setting(100, 200),
    "province-20wh": Setting(60, 120),
}
CI = {"changji-region": Setting(12, 12), "prefecture-6wh": Setting(10, 10)}


def regions(names: list[str]) -> dict[str, Region]:
    """The benchmark's regions by name."""
    out = {}
    for name in names:
        out[name] = (
            read_region(default_region_path())
            if name == "changji-region"
            else generate_region(name)
        )
    return out


def evaluate(
    region: Region, moves: list[Move], setting: Setting, workers: int | None
) -> dict[str, Any]:
    """Plan the evaluation samples with the moves made; coverage and check figures."""
    outcomes = run_samples(
        apply_moves(region, moves), samples=setting.evaluate, seed=EVAL_SEED, workers=workers
    )
    stats = coverage_stats(outcomes)
    return {
        "mean": stats.mean,
        "p05": stats.p05,
        "plans": sum(1 for o in outcomes if o.area_coverage),
        "violations": sum(len(o.violations) for o in outcomes),
        "time_limited": sum(1 for o in outcomes if o.time_limited),
    }


def bench_region(
    name: str, region: Region, setting: Setting, budgets: tuple[float, ...], workers: int | None
) -> list[dict[str, Any]]:
    """Rows for one region: no moves, then LP and proportional moves per budget."""
    total = sum(sum(w.stock.values()) for w in region.scenario.warehouses)
    drawn = [draw_sample(region, FIT_SEED, idx) for idx in range(setting.fit)]
    base = {
        "region": name,
        "settlements": len(region.scenario.areas),
        "warehouses": len(region.scenario.warehouses),
        "total_stock": total,
        "fit_samples": setting.fit,
        "eval_samples": setting.evaluate,
    }
    started = time.perf_counter()
    none = evaluate(region, [], setting, workers)
    rows = [
        {
            **base,
            "method": "none",
            "budget_share": 0.0,
            "budget_units": 0,
            "moved": 0,
            **none,
            "d_mean": 0.0,
            "seconds": round(time.perf_counter() - started, 1),
        }
    ]
    print(f"{name}: no moves mean {none['mean']:.4f} p05 {none['p05']:.4f}", flush=True)
    for share in budgets:
        units = round(share * total)
        started = time.perf_counter()
        solution = solve_preposition(preposition_problem(region, drawn, budget_units=units))
        lp_s = time.perf_counter() - started
        for method, moves in (
            ("lp", moves_of(region, solution.transfers)),
            ("proportional", proportional_moves(region, units)),
        ):
            started = time.perf_counter()
            got = evaluate(region, moves, setting, workers)
            row = {
                **base,
                "method": method,
                "budget_share": share,
                "budget_units": units,
                "moved": sum(m.quantity for m in moves),
                **got,
                "d_mean": got["mean"] - none["mean"],
                "seconds": round(time.perf_counter() - started, 1),
            }
            if method == "lp":
                row.update(
                    lp_seconds=round(lp_s, 1),
                    lp_before=solution.lp_before,
                    lp_after=solution.lp_after,
                    lp_columns=solution.columns,
                )
            rows.append(row)
            print(
                f"{name}: {method:12} {share:.0%} moved {row['moved']:6d} mean {got['mean']:.4f} ({row['d_mean']:+.4f}) p05 {got['p05']:.4f}",
                flush=True,
            )
    return rows


def throughput(region: Region, samples: int) -> list[dict[str, Any]]:
    """Samples per second on the region: serial, then a two-worker Dask LocalCluster."""
    rows = []
    started = time.perf_counter()
    run_samples(region, samples=samples, seed=EVAL_SEED, workers=1)
    serial = time.perf_counter() - started
    rows.append(
        {
            "mode": "serial",
            "samples": samples,
            "seconds": round(serial, 1),
            "per_second": round(samples / serial, 3),
        }
    )
    try:
        import distributed  # noqa: F401  (the sweep extra)
    except ImportError:  # pragma: no cover - the sweep extra missing
        return rows
    with _two_workers() as cluster:
        run_samples(
            region, samples=2, seed=EVAL_SEED, scheduler=cluster.scheduler_address
        )  # warm the workers
        started = time.perf_counter()
        run_samples(region, samples=samples, seed=EVAL_SEED, scheduler=cluster.scheduler_address)
        dask = time.perf_counter() - started
    rows.append(
        {
            "mode": "dask-2-workers",
            "samples": samples,
            "seconds": round(dask, 1),
            "per_second": round(samples / dask, 3),
        }
    )
    return rows


COLUMNS = [
    "region",
    "settlements",
    "warehouses",
    "total_stock",
    "fit_samples",
    "eval_samples",
    "method",
    "budget_share",
    "budget_units",
    "moved",
    "mean",
    "p05",
    "d_mean",
    "plans",
    "violations",
    "time_limited",
    "seconds",
    "lp_seconds",
    "lp_before",
    "lp_after",
    "lp_columns",
]


def write(rows: list[dict[str, Any]], speed: list[dict[str, Any]], out: Path, note: str) -> None:
    """CSV of every row and a Markdown summary."""
    with out.with_suffix(".csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)
    lines = [
        "# Readiness benchmark",
        "",
        note,
        "",
        f"Moves chosen on seed {FIT_SEED}, evaluated on seed {EVAL_SEED} (out-of-sample). Mean and 5th percentile of weighted on-time coverage over the evaluation samples, each planned in full and checked.",
        "",
        "| region | method | budget | moved | mean | Δ mean | p05 | plans | violations | time-limited | LP before → after (fit samples) | LP s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lp = (
            f"{float(r['lp_before']):.4f} → {float(r['lp_after']):.4f}"
            if r.get("lp_before") not in (None, "")
            else ""
        )
        lines.append(
            f"| {r['region']} | {r['method']} | {float(r['budget_share']):.0%} ({r['budget_units']}) | {r['moved']} | {float(r['mean']):.4f} | {float(r['d_mean']):+.4f} | {float(r['p05']):.4f} | {r['plans']} | {r['violations']} | {r['time_limited']} | {lp} | {r.get('lp_seconds') or ''} |"
        )
    if speed:
        lines += [
            "",
            "Throughput on changji-region (full plans per second):",
            "",
            "| mode | samples | seconds | samples/s |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {s['mode']} | {s['samples']} | {s['seconds']} | {s['per_second']} |" for s in speed
        ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _two_workers() -> Any:
    """A LocalCluster of two single-thread worker processes on loopback."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: 8787 may be taken
        silence_logs=40,
    )


def scale(samples: int, out: Path) -> int:
    """Plan ``samples`` samples of the 2,000-settlement province on a two-worker LocalCluster.

    The same ``run_samples`` call as everywhere (``scheduler=``); writes the
    figures to ``out`` (.md). Exit 1 if any plan failed ``check``.
    """
    from supplyopt.readiness import readiness_result

    region = generate_region("province-2000")

    def progress(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"{done}/{total}", flush=True)

    with _two_workers() as cluster:
        started = time.perf_counter()
        outcomes = run_samples(
            region,
            samples=samples,
            seed=EVAL_SEED,
            scheduler=cluster.scheduler_address,
            progress=progress,
        )
        seconds = time.perf_counter() - started
    result = readiness_result(region, EVAL_SEED, outcomes, time_limit_s=10.0)
    stats = coverage_stats(outcomes)
    plans = sum(1 for o in outcomes if o.area_coverage)
    violations = sum(len(o.violations) for o in outcomes)
    limited = sum(1 for o in outcomes if o.time_limited)
    lines = [
        "# Readiness at scale: 2,000 settlements on a two-worker Dask LocalCluster",
        "",
        f"`python -m benchmarks.readiness.run --scale {samples}` on a 2-core machine shared with other work.",
        "",
        "| settlements | warehouses | samples | plans | violations | time-limited | seconds | samples/s | mean | p05 | JSON areas |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {len(region.scenario.areas)} | {len(region.scenario.warehouses)} | {samples} | {plans} | {violations} | {limited} | {seconds:.0f} | {samples / seconds:.3f} | {stats.mean:.4f} | {stats.p05:.4f} | {len(result['areas'])} |",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if violations else 0


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit 1 if any plan failed ``check``."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--ci", action="store_true", help="small run (< 60 s): two regions, 10 %% budget, no Dask"
    )
    parser.add_argument("--out", type=Path, default=None, help="results path without suffix")
    parser.add_argument(
        "--workers", type=int, default=None, help="local processes (default: every CPU)"
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=None,
        metavar="N",
        help="instead: plan N samples of the 2,000-settlement province on two Dask workers",
    )
    args = parser.parse_args(argv)
    if args.scale is not None:
        return scale(args.scale, args.out or RESULTS / "readiness-scale")
    settings = CI if args.ci else FULL
    budgets = (0.10,) if args.ci else BUDGETS
    out = args.out or RESULTS / ("readiness-ci" if args.ci else "readiness")
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    found = regions(list(settings))
    for name, region in found.items():
        rows += bench_region(name, region, settings[name], budgets, args.workers)
    speed = [] if args.ci else throughput(found["changji-region"], 40)
    for s in speed:
        print(f"throughput {s['mode']}: {s['per_second']} samples/s", flush=True)
    note = f"Run in {time.perf_counter() - started:.0f} s on a 2-core machine shared with other work (wall-clock figures are indicative)."
    write(rows, speed, out, note)
    print(f"wrote {out.with_suffix('.md')}")
    return 1 if any(r["violations"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
