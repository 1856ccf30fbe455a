"""Quality against time granted: the planner at several time limits on the same scenarios.

``python -m benchmarks.relief.run --profile 2,5,10,20,60 --families … --seeds …``
(``--bounds-from OLD.csv`` takes the LP bounds of an earlier run, as for the
plain benchmark) plans every (family, seed) once per time limit, checks every plan with
:func:`supplyopt.check_plan` and writes ``<out>-profile.md`` and ``.csv``:
weighted on-time coverage per limit, its ratio to the LP bound, the seconds
the solve took and whether the clock cut it (issue 13: coverage must keep
rising with the time a planner grants).
"""

from __future__ import annotations

import csv
import platform
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import supplyopt
from supplyopt.model import fill_lots, item_coverage
from supplyopt.network import build_travel_times
from supplyopt.solve.reference import coverage_upper_bound

from .generator import generate


@dataclass
class ProfileRow:
    """One plan of the profile: a (family, seed) at one time limit."""

    family: str
    seed: int
    time_limit_s: float
    coverage: float
    bound: float
    of_bound: float
    min_area: float
    solve_s: float
    time_limited: bool
    violations: int
    items: str


def run_profile(
    families: Sequence[str],
    seeds: Sequence[int],
    limits: Sequence[float],
    *,
    bounds: Mapping[tuple[str, int], float] | None = None,
) -> tuple[list[ProfileRow], list[str]]:
    """Plan each scenario at each time limit; the rows and any checker messages.

    ``bounds``: LP bounds per (family, seed) of an earlier run (``--bounds-from``),
    used instead of solving them again; the others are solved here.
    """
    rows: list[ProfileRow] = []
    failures: list[str] = []
    for family in families:
        for seed in seeds:
            scenario = generate(family, seed)
            travel = build_travel_times(scenario)
            known = (bounds or {}).get((family, seed))
            bound = coverage_upper_bound(scenario).weighted_coverage if known is None else known
            for limit in limits:
                started = time.perf_counter()
                plan = supplyopt.plan_relief(scenario, time_limit_s=limit, seed=seed)
                solve_s = time.perf_counter() - started
                problems = supplyopt.check_plan(scenario, plan, travel=travel)
                failures += [f"{family} seed {seed} at {limit:g} s: {p}" for p in problems]
                got = plan.summary.weighted_coverage_on_time
                per_item = item_coverage(
                    scenario, fill_lots(scenario, plan.trips).on_time, weighted=True
                )
                rows.append(
                    ProfileRow(
                        family=family,
                        seed=seed,
                        time_limit_s=limit,
                        coverage=got,
                        bound=bound,
                        of_bound=got / bound if bound > 0 else 1.0,
                        min_area=plan.summary.min_area_coverage,
                        solve_s=solve_s,
                        time_limited=bool(plan.summary.time_limited),
                        violations=len(problems),
                        items=" / ".join(f"{i} {v:.3f}" for i, v in per_item.items()),
                    )
                )
                print(
                    f"{family:>20} s{seed} {limit:>5g} s: coverage {got:.4f}  "
                    f"×bound {rows[-1].of_bound:.3f}  solve {solve_s:.1f} s  "
                    f"violations {len(problems)}",
                    flush=True,
                )
    return rows, failures


def write_profile(rows: Sequence[ProfileRow], out: Path, *, command: str) -> None:
    """``<out>-profile.md`` (one line per scenario, one column per limit) and ``.csv``."""
    base = out.with_name(out.name + "-profile")
    base.parent.mkdir(parents=True, exist_ok=True)
    with base.with_suffix(".csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])) if rows else ["family"])
        writer.writeheader()
        for row in rows:
            writer.writerow(
                {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(row).items()}
            )
    limits = list(dict.fromkeys(r.time_limit_s for r in rows))
    scenarios = list(dict.fromkeys((r.family, r.seed) for r in rows))
    lines = [
        "# Relief benchmark: coverage against the time granted",
        "",
        f"Command: `{command}`  ",
        f"Machine: {platform.machine()}, shared with other jobs, Python "
        f"{platform.python_version()}. Each cell is the weighted on-time coverage of one plan "
        "(× the LP bound in brackets); `*` marks a plan the clock cut short "
        "(`summary.time_limited`). Every plan passed `check_plan` unless the last column says "
        "otherwise.",
        "",
        "| family | seed | LP bound | "
        + " | ".join(f"{lim:g} s" for lim in limits)
        + " | violations |",
        "|---|---:|---:|" + "---:|" * len(limits) + "---:|",
    ]
    for family, seed in scenarios:
        mine = {r.time_limit_s: r for r in rows if (r.family, r.seed) == (family, seed)}
        cells = [
            f"{mine[lim].coverage:.4f} ({mine[lim].of_bound:.3f}){'*' if mine[lim].time_limited else ''}"
            for lim in limits
        ]
        bound = next(iter(mine.values())).bound
        violations = sum(r.violations for r in mine.values())
        lines.append(
            f"| {family} | {seed} | {bound:.4f} | " + " | ".join(cells) + f" | {violations} |"
        )
    lines += ["", "Per-item weighted coverage at each limit:", ""]
    lines += [f"- {r.family} s{r.seed}, {r.time_limit_s:g} s: {r.items}" for r in rows]
    base.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
