"""The planner plans each demand lot to its own due time (Area.lots)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyopt
from supplyopt import Plan, Scenario
from supplyopt.model import fill_lots, summarize
from supplyopt.network import build_travel_times
from supplyopt.solve.instance import build_instance
from tests.budget import examples
from tests.conftest import tiny_data
from tests.solve.test_properties import scenarios


def physical_problems(scenario: Scenario, plan: Plan) -> list[str]:
    """The checker's findings except the KPI and unmet ones (it counts against the deadline: not lot-aware yet)."""
    problems = supplyopt.check_plan(scenario, plan)
    return [p for p in problems if not p.startswith(("summary.", "unmet", "status:"))]


def assert_lots_kept(scenario: Scenario, plan: Plan) -> None:
    """Physically valid; every unit delivered fills a lot in time; unmet is the rest."""
    assert physical_problems(scenario, plan) == []
    summary = summarize(scenario, plan.trips)
    assert summary.on_time_units == summary.delivered_units
    assert plan.summary.weighted_coverage_on_time == pytest.approx(
        summary.weighted_coverage_on_time
    )
    assert sum(u.quantity for u in plan.unmet) == summary.demand_units - summary.on_time_units
    for trip in plan.trips:
        areas = [stop.area for stop in trip.stops]
        assert len(areas) == len(set(areas)), "a trip stops at each area once"


def delivered(plan: Plan, area: str, item: str) -> list[tuple[float, int]]:
    """(arrival, units) of every delivery of ``item`` to ``area``."""
    return [
        (stop.arrive_hours, stop.deliver[item])
        for trip in plan.trips
        for stop in trip.stops
        if stop.area == area and item in stop.deliver
    ]


def one_area(deadline_h: float, lots: list[dict[str, Any]]) -> Scenario:
    """Tiny's w2 (arrives at a1 at 1.83 h) serving a1 alone, with these lots."""
    data = tiny_data(deadline_hours=deadline_h)
    data["warehouses"] = [dict(data["warehouses"][1], stock={"tent": 200, "quilt": 2000})]
    data["areas"] = [dict(data["areas"][0], lots=lots)]
    return supplyopt.parse_scenario(data)


def test_lot_due_after_the_deadline_is_delivered_late_and_counted_on_time() -> None:
    """Units of a lot due after the deadline are planned after it, and count as on time."""
    scenario = one_area(1.5, [{"item": "tent", "quantity": 30, "due_hours": 4.0}])
    plan = supplyopt.plan_relief(scenario, time_limit_s=10)
    assert_lots_kept(scenario, plan)
    tents = delivered(plan, "a1", "tent")
    assert sum(q for _, q in tents) == 30
    assert all(1.5 < arrive <= 4.0 for arrive, _ in tents)
    assert plan.summary.on_time_units == 30
    reasons = {(u.item, u.reason.value, u.quantity) for u in plan.unmet}
    assert reasons == {("tent", "deadline", 90), ("quilt", "deadline", 900)}
    assert all("deadline 1.5 h" in u.detail for u in plan.unmet)


def test_lot_due_before_it_can_arrive_is_not_planned_late() -> None:
    """A lot nobody can reach by its due time is left unmet, not delivered late."""
    scenario = one_area(12.0, [{"item": "quilt", "quantity": 100, "due_hours": 1.0}])
    plan = supplyopt.plan_relief(scenario, time_limit_s=10)
    assert_lots_kept(scenario, plan)
    assert sum(q for _, q in delivered(plan, "a1", "quilt")) == 800
    assert plan.summary.on_time_units == 120 + 800
    [unmet] = plan.unmet
    assert (unmet.item, unmet.quantity, unmet.reason.value) == ("quilt", 100, "deadline")
    assert "due 1 h" in unmet.detail


def test_lots_of_one_area_unload_in_one_stop() -> None:
    """Lots of one area carried on one trip arrive together, as a single stop."""
    scenario = one_area(
        12.0,
        [
            {"item": "tent", "quantity": 20, "due_hours": 3.0},
            {"item": "quilt", "quantity": 300, "due_hours": 5.0},
        ],
    )
    plan = supplyopt.plan_relief(scenario, time_limit_s=10)
    assert_lots_kept(scenario, plan)
    assert plan.status == "complete"
    assert all(len(trip.stops) == 1 for trip in plan.trips)


def test_instance_splits_only_areas_with_lots() -> None:
    """An area with lots is one instance area per due time, worth what the area is worth."""
    data = tiny_data()
    plain = supplyopt.parse_scenario(data)
    data["areas"][0]["lots"] = [{"item": "tent", "quantity": 20, "due_hours": 15.5}]
    with_lots = supplyopt.parse_scenario(data)
    travel = build_travel_times(plain)
    before = build_instance(plain, travel)
    after = build_instance(with_lots, travel)
    assert not before.split
    assert before.travel is travel
    assert after.area_of.tolist() == [0, 0, 1, 2]
    assert after.due_h.tolist() == [12.0, 15.5, 12.0, 12.0]
    assert after.demand[:2].tolist() == [[100, 900], [20, 0]]
    assert after.per_scenario_area(after.demand).tolist() == before.demand.tolist()
    assert np.allclose(after.value[[0, 1]], before.value[0])
    assert after.horizon_h == 15.5
    assert np.array_equal(after.hours(0)[2, 3], before.hours(0)[2, 2])  # a1's two lots: 0 h


@st.composite
def scenarios_with_lots(draw: st.DrawFn) -> dict[str, Any]:
    """Random small scenarios whose areas carry up to two lots, due before or after the deadline."""
    data = draw(scenarios())
    for area in data["areas"]:
        items = [item for item, qty in area["demand"].items() if qty > 0]
        for item in (
            draw(st.lists(st.sampled_from(items), max_size=2, unique=True)) if items else []
        ):
            area.setdefault("lots", []).append(
                {
                    "item": item,
                    "quantity": draw(st.integers(1, area["demand"][item])),
                    "due_hours": data["deadline_hours"] * draw(st.sampled_from([0.25, 0.5, 1.5])),
                }
            )
    return data


@settings(max_examples=examples(24), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios_with_lots())
def test_random_plans_with_lots_deliver_only_what_fills_a_lot_in_time(data: dict[str, Any]) -> None:
    """Whatever the lots, plans are physically valid and every unit fills a lot by its due time."""
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=3)  # validity, not quality: CI time
    assert_lots_kept(scenario, plan)
    filled = fill_lots(scenario, plan.trips)
    assert sum(filled.filled.values()) == plan.summary.delivered_units
