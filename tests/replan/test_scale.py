"""Re-planning at scale: a 200-area and a 1,000-area operation (slow; prints the figures)."""

from __future__ import annotations

import time
from typing import Any

import pytest

import supplyopt
from benchmarks.relief.generator import generate
from supplyopt import Plan, Scenario
from supplyopt.check_revision import check_revision


def _events(scenario: Scenario, plan: Plan, now: float) -> dict[str, Any]:
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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("family", "time_limit_s"), [("medium-tight-fleet", 10.0), ("large-province", 60.0)]
)
def test_replan_at_scale(family: str, time_limit_s: float) -> None:
    """A revision of a generated operation with four events is complete and keeps what runs."""
    scenario = generate(family, 1)
    plan = supplyopt.plan_relief(scenario, time_limit_s=time_limit_s / 2, seed=1)
    events = _events(scenario, plan, 4.0)
    started = time.perf_counter()
    new = supplyopt.replan(scenario, plan, events, time_limit_s=time_limit_s, seed=1)
    took = time.perf_counter() - started
    carried = supplyopt.carry_on(scenario, plan, events)
    assert new.replan is not None
    block = new.replan
    print(
        f"\n{family}: replan {took:.1f} s (limit {time_limit_s:g} s); weighted coverage "
        f"{new.summary.weighted_coverage_on_time:.4f} (carry on "
        f"{carried.summary.weighted_coverage_on_time:.4f}, plan before the events "
        f"{plan.summary.weighted_coverage_on_time:.4f}); trips kept {block.kept}, changed "
        f"{block.changed}, cancelled {block.cancelled}, new {block.new}"
    )
    assert new.summary.weighted_coverage_on_time >= carried.summary.weighted_coverage_on_time
    assert check_revision(scenario, new, plan, events) == []
    assert check_revision(scenario, carried, plan, events) == []
    assert block.kept + block.changed + block.cancelled == len(plan.trips)
