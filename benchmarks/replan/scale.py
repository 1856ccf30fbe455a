"""Re-planning time at scale: ``python -m benchmarks.replan.scale [--families ...]``.

Plans a generated operation, applies four events before hour 4 (a breakdown,
a new village, more demand, a closed road) and re-plans it with the issue's
time limits: 10 s for the 200-area, 6-warehouse family, 60 s for the
1,000-area province. Prints the re-plan's wall time against its limit, the
coverages (re-plan, carry on, plan before) and the trip counts; every
revision goes through the revision checker (exit 1 on a violation). A
measurement, so it lives here and not in the tests (timings on a shared
machine are noise in a test).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Sequence
from typing import Any

import supplyopt
from benchmarks.relief.generator import generate
from supplyopt import Plan, Scenario
from supplyopt.check_revision import check_revision


def scale_events(scenario: Scenario, plan: Plan, now: float) -> dict[str, Any]:
    """A breakdown, a new village, more demand and a closed road, all before ``now``."""
    under = [t for t in plan.trips if t.load_start_hours < now < t.return_hours]
    near, more, closed = scenario.areas[0], scenario.areas[3], scenario.areas[5]
    item = scenario.items[0].id
    return {
        "now_hours": now,
        "events": [
            {"kind": "vehicle_down", "at_hours": now - 0.5, "vehicle": under[0].vehicle},
            {
                "kind": "add_area",
                "at_hours": now - 2.0,
                "area": {
                    "id": "new-village",
                    "lat": near.lat + 0.05,
                    "lon": near.lon + 0.05,
                    "demand": {item: 500},
                    "priority": 2,
                },
            },
            {
                "kind": "set_demand",
                "at_hours": now - 1.0,
                "area": more.id,
                "demand": {item: more.demand.get(item, 0) + 300},
            },
            {
                "kind": "close_roads",
                "at_hours": now - 1.0,
                "circle": {"lat": closed.lat + 0.1, "lon": closed.lon, "radius_km": 4},
            },
        ],
    }


#: Family → the time limit the issue sets for its re-plan.
LIMITS_S = {"medium-tight-fleet": 10.0, "large-province": 60.0}


def main(argv: Sequence[str] | None = None) -> int:
    """Run each family once and print its figures; 1 if any revision is refused."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(LIMITS_S), help="comma-separated")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    failed = 0
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for family in args.families.split(","):
        limit = LIMITS_S.get(family, 10.0)
        scenario = generate(family, args.seed)
        plan = supplyopt.plan_relief(scenario, time_limit_s=limit / 2, seed=args.seed)
        events = scale_events(scenario, plan, 4.0)
        started = time.perf_counter()
        new = supplyopt.replan(scenario, plan, events, time_limit_s=limit, seed=args.seed)
        took = time.perf_counter() - started
        carried = supplyopt.carry_on(scenario, plan, events)
        problems = check_revision(scenario, new, plan, events)
        failed += bool(problems)
        block = new.replan
        assert block is not None
        print(
            f"{family} ({len(scenario.areas)} areas, {len(scenario.warehouses)} warehouses): "
            f"re-plan {took:.1f} s (limit {limit:g} s); weighted coverage "
            f"{new.summary.weighted_coverage_on_time:.4f}, carry on "
            f"{carried.summary.weighted_coverage_on_time:.4f}, plan before the events "
            f"{plan.summary.weighted_coverage_on_time:.4f}; trips kept {block.kept}, changed "
            f"{block.changed}, cancelled {block.cancelled}, new {block.new}; "
            f"checker: {len(problems)} violations",
            flush=True,
        )
        for line in problems[:10]:
            print("  ", line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
