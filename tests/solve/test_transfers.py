"""Stock transfers in the vehicle-day search (supplyopt.solve.lns._transfer): used where only they serve."""

from __future__ import annotations

import numpy as np
import pytest

import supplyopt
from supplyopt import Plan
from supplyopt.network import build_travel_times
from supplyopt.solve.dispatch import TimedStop, TimedTransfer, TimedTrip
from supplyopt.solve.instance import build_instance
from supplyopt.solve.lns._days import DayPlan
from supplyopt.solve.lns._model import build_model
from supplyopt.solve.planner import WorkBudget
from tests.conftest import assert_valid
from tests.transfer_case import NEAR, transfer_data, varied_transfer_data


def _plan(*, transfers: bool) -> tuple[supplyopt.Scenario, Plan]:
    scenario = supplyopt.parse_scenario(transfer_data())
    budget = WorkBudget(variants=0, restarts=0, lns_iterations=60)
    plan = supplyopt.plan_relief(
        scenario, time_limit_s=120, seed=1, budget=budget, transfers=transfers
    )
    return scenario, plan


def test_transfer_is_the_only_way_and_the_planner_takes_it() -> None:
    """Kits far away, vans near: the plan moves kits to the vans, covers more, and checks."""
    scenario, with_transfers = _plan(transfers=True)
    _, without = _plan(transfers=False)
    assert_valid(scenario, with_transfers)
    assert_valid(scenario, without)
    moved = [t for t in with_transfers.trips if t.transfer is not None]
    assert moved
    assert moved[0].transfer is not None
    assert moved[0].transfer.warehouse == NEAR
    assert not any(t.transfer for t in without.trips)
    assert (
        with_transfers.summary.weighted_coverage_on_time
        > without.summary.weighted_coverage_on_time + 0.1
    )
    assert with_transfers.summary.delivered_units == sum(
        q for t in with_transfers.trips for s in t.stops for q in s.deliver.values()
    )


def _day_plan() -> tuple[DayPlan, TimedTrip]:
    """The transfer case as vehicle-days: 200 kits from far to 近仓, ending at 7 h."""
    scenario = supplyopt.parse_scenario(transfer_data(n_areas=4))
    inst = build_instance(scenario, build_travel_times(scenario))
    units = np.array([200], dtype=np.int64)
    transfer = TimedTrip(0, 0, 0, 0.0, 0.5, [], 7.0, 300.0, transfer=TimedTransfer(1, 6.5, units))
    return DayPlan.from_trips(inst, [transfer]), transfer


def test_stock_arrives_with_the_transfer() -> None:
    """A loading at the receiving warehouse may use transferred units only from their arrival."""
    plan, _ = _day_plan()
    assert plan.stock_at(1, 6.9).tolist() == [0]
    assert plan.stock_at(1, 7.0).tolist() == [200]
    assert plan.stock_at(0, 0.0).tolist() == [0]  # far held 200 (4 areas: 50 x max(4, 2))
    assert plan.next_arrival(1, 0.0) == 7.0


def test_later_loadings_keep_their_units() -> None:
    """Units a later loading takes are not offered again to an earlier one."""
    plan, _ = _day_plan()
    van = TimedTrip(1, 1, 0, 8.0, 8.5, [TimedStop(0, 9.0, np.array([50]))], 11.0, 20.0)
    plan.add((1, 1, 0), van)
    assert plan.stock_at(1, 7.5).tolist() == [150]
    assert plan.stock_at(1, 6.0).tolist() == [0]


def test_removing_a_transfer_cuts_the_loadings_it_fed() -> None:
    """When the transfer goes, the vans' loadings that used its units go too (settle)."""
    plan, _ = _day_plan()
    model = build_model(plan.inst)
    van = TimedTrip(1, 1, 0, 8.0, 8.5, [TimedStop(0, 9.0, np.array([50]))], 11.0, 20.0)
    plan.add((1, 1, 0), van)
    plan.remove_from((0, 0, 0), 0.0, model.group_of)
    freed, cut = plan.settle(model.group_of)
    assert cut == [(1, 1, 0)]
    assert freed == {0}
    assert plan.days[(1, 1, 0)] == []
    assert plan.stock.tolist() == plan.inst.stock.tolist()
    assert plan.need.tolist() == plan.inst.demand.tolist()


@pytest.mark.parametrize("seed", [101, 103, 106, 110])
def test_varied_cases_plan_valid_transfers(seed: int) -> None:
    """Varied transfer cases (some plans with transfers, some without) all pass the checker."""
    scenario = supplyopt.parse_scenario(varied_transfer_data(seed))
    budget = WorkBudget(variants=1, restarts=0, lns_iterations=400)
    plan = supplyopt.plan_relief(
        scenario, time_limit_s=120, seed=seed, budget=budget, transfers=True
    )
    assert_valid(scenario, plan)
    if seed in (101, 103):
        assert any(t.transfer is not None for t in plan.trips)
