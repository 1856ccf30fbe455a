"""Scenario-level disruptions: warehouse out, fleet reduced, demand scaled; idempotent."""

from __future__ import annotations

import supplyopt
from supplyopt.model import apply_disruptions
from tests.conftest import assert_valid, tiny_data


def test_warehouse_out_empties_stock_and_fleet() -> None:
    """A warehouse out of action keeps its site but has nothing to send."""
    scenario = supplyopt.parse_scenario(
        tiny_data(disruptions=[{"kind": "warehouse_out", "warehouse": "w1"}])
    )
    applied = apply_disruptions(scenario)
    assert applied.warehouse("w1").stock == {}
    assert applied.warehouse("w1").fleet == {}
    assert applied.warehouse("w2").fleet == {"truck": 1}


def test_reduce_fleet_rounds_down_and_scale_demand_rounds_half_up() -> None:
    """Fleet counts are floored; scaled demand is rounded half up."""
    scenario = supplyopt.parse_scenario(
        tiny_data(
            disruptions=[
                {"kind": "reduce_fleet", "factor": 0.5, "warehouse": "w1"},
                {"kind": "scale_demand", "factor": 1.25, "items": ["tent"]},
            ]
        )
    )
    applied = apply_disruptions(scenario)
    assert applied.warehouse("w1").fleet == {"truck": 1}
    assert applied.area("a1").demand == {"tent": 150, "quilt": 900}
    assert applied.area("a2").demand == {"tent": 50, "quilt": 300}


def test_applying_twice_changes_nothing_more() -> None:
    """The result carries no scenario-level disruptions, so it is a fixed point."""
    scenario = supplyopt.parse_scenario(
        tiny_data(disruptions=[{"kind": "scale_demand", "factor": 2.0}])
    )
    once = apply_disruptions(scenario)
    assert apply_disruptions(once) == once


def test_plan_with_warehouse_out_never_uses_it() -> None:
    """The planner applies disruptions: no trip leaves a warehouse out of action; the checker agrees."""
    scenario = supplyopt.parse_scenario(
        tiny_data(disruptions=[{"kind": "warehouse_out", "warehouse": "w1"}])
    )
    plan = supplyopt.plan_relief(scenario, time_limit_s=5)
    assert all(trip.warehouse != "w1" for trip in plan.trips)
    assert_valid(scenario, plan)
