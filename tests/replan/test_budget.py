"""Re-planning within its time limit: bounded remainder search, shared travel matrices."""

from __future__ import annotations

import importlib

import pytest

import supplyopt
from supplyopt.check_revision import check_revision
from supplyopt.model import apply_disruptions
from supplyopt.network import build_travel_times
from supplyopt.replan.remainder import _neighbours
from supplyopt.solve.planner import WorkBudget
from tests.conftest import scenario_data
from tests.replan.test_replan import _events, _planned


def test_neighbours_are_every_other_order_one_move_away() -> None:
    """Reversals and moves of one stop, each order once, the order itself left out."""
    order = ("a", "b", "c", "d", "e")
    near = _neighbours(order)
    assert order not in near
    assert len(near) == len(set(near))
    assert all(sorted(other) == sorted(order) for other in near)
    assert ("b", "a", "c", "d", "e") in near  # a swap of neighbours
    assert ("e", "d", "c", "b", "a") in near  # the whole run reversed
    assert ("b", "c", "d", "e", "a") in near  # the first stop moved to the end


@pytest.mark.parametrize("now", [2.0, 2.5])
def test_remainders_past_their_time_share_keep_the_planned_stops(
    now: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no time for the remainders, trucks under way keep their stops (retimed), said so."""
    scenario, plan = _planned("tiny-quake", 1)
    events = _events(plan, now, 1)
    module = importlib.import_module(
        "supplyopt.replan.replan"
    )  # the package's `replan` is the function
    monkeypatch.setattr(module, "REMAINDER_SHARE", -1.0)
    new = supplyopt.replan(scenario, plan, events, time_limit_s=2.0, seed=1)
    assert check_revision(scenario, new, plan, events) == []
    assert new.replan is not None
    before = {(t.vehicle, t.load_start_hours): t for t in plan.trips}
    under_way = [t for t in new.trips if t.load_start_hours < now and t.stops]
    cut = [
        t
        for t in under_way
        if "down_hours" not in (t.model_extra or {})
        and any(s.arrive_hours > now for s in before[t.vehicle, t.load_start_hours].stops)
    ]
    for trip in cut:  # the planned areas, in the planned order (some may be dropped)
        planned = [s.area for s in before[trip.vehicle, trip.load_start_hours].stops]
        areas = [s.area for s in trip.stops]
        assert areas == [a for a in planned if a in areas]
    assert cut, "the case has a truck under way with stops left"
    assert new.summary.time_limited
    assert any("cut short (time limit)" in note for note in new.notes)


def test_given_travel_matrices_plan_the_same() -> None:
    """``plan_relief(travel=...)`` with the matrices it would build plans exactly the same."""
    scenario = supplyopt.parse_scenario(scenario_data("tiny-quake"))
    budget = WorkBudget(variants=2, restarts=1)
    own = supplyopt.plan_relief(scenario, time_limit_s=60, seed=3, budget=budget)
    travel = build_travel_times(apply_disruptions(scenario))
    given = supplyopt.plan_relief(scenario, time_limit_s=60, seed=3, budget=budget, travel=travel)
    assert [t.model_dump() for t in given.trips] == [t.model_dump() for t in own.trips]
    assert given.unmet == own.unmet


def test_travel_for_other_sites_is_refused() -> None:
    """Matrices built without one of the scenario's areas are refused, with the field named."""
    scenario = supplyopt.parse_scenario(scenario_data("tiny-quake"))
    fewer = scenario.model_copy(update={"areas": scenario.areas[:-1]})
    with pytest.raises(ValueError, match="travel: built for"):
        supplyopt.plan_relief(scenario, time_limit_s=5, travel=build_travel_times(fewer))
