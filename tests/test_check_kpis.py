"""Contract §2's KPIs on a hand-made plan, figures worked out by hand, for planner and checker.

The tiny scenario (tests/data/tiny.yaml), deadline 12 h:

====  ========  ==========  ====================
area  priority  tent d(a)   quilt d(a)
====  ========  ==========  ====================
a1    3         120         900
a2    1         40          300
a3    2         —           200
====  ========  ==========  ====================

The plan (times are not checked here; only the KPIs are):

- w1 truck: a1 at 3.0 h gets 60 tents and 900 quilts; a2 at 13.0 h (late) gets 40 tents.
- w2 truck: a2 at 4.0 h gets 150 quilts; a3 at 5.5 h gets 100 quilts; a1 at 12.0 h
  (exactly the deadline: on time) gets 50 more quilts, beyond its demand.

on(a, i), counted up to d(a, i): a1 tent 60, a1 quilt min(950, 900) = 900,
a2 tent 0 (late), a2 quilt 150, a3 quilt 100.

- demand_units = 120 + 900 + 40 + 300 + 200 = 1560
- delivered_units = 60 + 900 + 40 + 150 + 100 + 50 = 1300
- on_time_units = 1300 - 40 (late) = 1260 (not capped)
- coverage_on_time: tent (60 + 0) / (120 + 40) = 3/8; quilt (900 + 150 + 100) /
  (900 + 300 + 200) = 1150/1400 = 23/28; mean (3/8 + 23/28) / 2 = 67/112 = 0.598214…
  (pooling units instead, 1210/1560 = 0.776, would be wrong)
- weighted_coverage_on_time: tent (3·60 + 1·0) / (3·120 + 1·40) = 180/400 = 9/20;
  quilt (3·900 + 1·150 + 2·100) / (3·900 + 1·300 + 2·200) = 3050/3400 = 61/68;
  mean (9/20 + 61/68) / 2 = 229/340 = 0.673529…
- min_area_coverage: a1 (60/120 + 900/900) / 2 = 0.75; a2 (0/40 + 150/300) / 2 = 0.25;
  a3 100/200 = 0.5; minimum 0.25
- makespan_hours = 13.0; vehicles_used = 2; distance_km = 100 + 80.5 = 180.5; status partial
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import supplyopt
from supplyopt._check_kpis import recount
from supplyopt.model import Plan, Scenario, Stop, Trip, assemble_plan, summarize

EXPECTED: dict[str, Any] = {
    "demand_units": 1560,
    "delivered_units": 1300,
    "on_time_units": 1260,
    "coverage_on_time": 67 / 112,
    "weighted_coverage_on_time": 229 / 340,
    "min_area_coverage": 0.25,
    "makespan_hours": 13.0,
    "vehicles_used": 2,
    "distance_km": 180.5,
}


def hand_trips() -> list[Trip]:
    """The two trips of the module docstring."""
    return [
        Trip(
            vehicle="w1/truck/1",
            warehouse="w1",
            vehicle_type="truck",
            load_start_hours=1.0,
            depart_hours=1.5,
            stops=[
                Stop(area="a1", arrive_hours=3.0, deliver={"tent": 60, "quilt": 900}),
                Stop(area="a2", arrive_hours=13.0, deliver={"tent": 40}),
            ],
            return_hours=15.0,
            distance_km=100.0,
        ),
        Trip(
            vehicle="w2/truck/1",
            warehouse="w2",
            vehicle_type="truck",
            load_start_hours=0.0,
            depart_hours=0.25,
            stops=[
                Stop(area="a2", arrive_hours=4.0, deliver={"quilt": 150}),
                Stop(area="a3", arrive_hours=5.5, deliver={"quilt": 100}),
                Stop(area="a1", arrive_hours=12.0, deliver={"quilt": 50}),
            ],
            return_hours=14.0,
            distance_km=80.5,
        ),
    ]


def _planner(scenario: Scenario, trips: list[Trip]) -> dict[str, Any]:
    return summarize(scenario, trips).model_dump()


def _checker(scenario: Scenario, trips: list[Trip]) -> dict[str, Any]:
    return vars(recount(scenario, trips))


@pytest.mark.parametrize("count", [_planner, _checker], ids=["planner", "checker"])
def test_kpis_match_the_hand_count(
    tiny: Scenario, count: Callable[[Scenario, list[Trip]], dict[str, Any]]
) -> None:
    """Planner's summarize and checker's recount both give the hand-computed figures."""
    got = count(tiny, hand_trips())
    assert {name: got[name] for name in EXPECTED} == pytest.approx(EXPECTED, abs=1e-12)


def test_checker_status_is_partial(tiny: Scenario) -> None:
    """Some but not all demand on time: the checker counts the plan as partial."""
    assert recount(tiny, hand_trips()).status == "partial"


@pytest.mark.parametrize(
    "name", ["coverage_on_time", "weighted_coverage_on_time", "min_area_coverage"]
)
def test_checker_rejects_a_coverage_off_by_a_little(tiny: Scenario, name: str) -> None:
    """A coverage figure 0.001 away from the hand count is reported; the right one is not."""
    plan: Plan = assemble_plan(tiny, hand_trips(), [])
    assert not [p for p in supplyopt.check_plan(tiny, plan) if p.startswith("summary.")]
    setattr(plan.summary, name, EXPECTED[name] + 0.001)
    assert [p for p in supplyopt.check_plan(tiny, plan) if p.startswith("summary.")] == [
        f"summary.{name}: {EXPECTED[name] + 0.001}, recounted {EXPECTED[name]:.6f}"
    ]
