"""The search over vehicle-days (supplyopt.solve.lns) never loses value and finds known gains."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import supplyopt
from benchmarks.relief.generator import generate
from supplyopt import Plan, Scenario
from supplyopt.network import build_travel_times
from supplyopt.solve.dispatch import TimedStop, TimedTrip
from supplyopt.solve.instance import Instance, build_instance
from supplyopt.solve.lns import improve, search
from supplyopt.solve.lns._bays import BayBook
from supplyopt.solve.lns._days import DayPlan
from supplyopt.solve.lns._destroy import poorest_days, region_days
from supplyopt.solve.lns._model import build_model
from supplyopt.solve.lns._repair import best_trip
from supplyopt.solve.lns.search import THRESHOLD, THRESHOLD_DAYS, threshold_share
from supplyopt.solve.planner import WorkBudget
from supplyopt.solve.progress import Clock
from supplyopt.solve.rounds import units_delivered
from tests.budget import examples
from tests.conftest import assert_valid
from tests.solve.test_lots import assert_lots_kept, scenarios_with_lots


def _rank(plan: Plan) -> tuple[float, float]:
    """The first two keys of the contract's objective order, as the plan reports them."""
    return (
        round(plan.summary.weighted_coverage_on_time, 6),
        round(plan.summary.min_area_coverage, 6),
    )


def _plan(scenario: Scenario, lns: int, seed: int = 1) -> Plan:
    """The greedy first plan (no variants, no restarts), then ``lns`` search iterations."""
    budget = WorkBudget(variants=0, restarts=0, lns_iterations=lns)
    return supplyopt.plan_relief(scenario, time_limit_s=120, seed=seed, budget=budget)


def test_search_improves_a_fleet_bound_plan_and_it_passes_the_checker() -> None:
    """From the first plan of a generated fleet-bound scenario, 40 iterations gain value; valid."""
    scenario = generate("small-one-depot", 1)
    start, searched = _plan(scenario, 0), _plan(scenario, 40)
    assert_valid(scenario, searched)
    assert _rank(searched) > _rank(start)


def test_same_budget_same_plan() -> None:
    """With a fixed work budget the search gives the same plan twice."""
    scenario = generate("small-tight-stock", 2)
    one, two = _plan(scenario, 25, seed=5), _plan(scenario, 25, seed=5)
    assert [t.model_dump() for t in one.trips] == [t.model_dump() for t in two.trips]


@settings(max_examples=examples(16), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios_with_lots())
def test_random_scenarios_never_worse_and_valid(data: dict[str, Any]) -> None:
    """Whatever the scenario (lots, bays, moves), the searched plan is valid and never ranks lower."""
    scenario = supplyopt.parse_scenario(data)
    start, searched = _plan(scenario, 0), _plan(scenario, 15)
    assert_lots_kept(scenario, searched)
    assert _rank(searched) >= _rank(start)


def _two_valleys() -> tuple[Scenario, Instance]:
    """One truck, time for one on-time trip: valley b (priority 3) is worth three times valley a."""
    data = {
        "name": "two-valleys",
        "deadline_hours": 4,
        "items": [{"id": "box", "weight_kg": 100.0, "volume_m3": 0.1}],
        "vehicle_types": [{"id": "truck", "capacity_kg": 1000, "capacity_m3": 10}],
        "warehouses": [
            {"id": "w", "lat": 40.0, "lon": 80.0, "stock": {"box": 50}, "fleet": {"truck": 1}}
        ],
        "areas": [
            {"id": "a", "lat": 41.0, "lon": 80.0, "demand": {"box": 10}},
            {"id": "b", "lat": 39.0, "lon": 80.0, "demand": {"box": 10}, "priority": 3},
        ],
    }
    scenario = supplyopt.parse_scenario(data)
    return scenario, build_instance(scenario, build_travel_times(scenario))


def test_tiny_case_finds_the_better_valley() -> None:
    """Given a plan sending the truck to the low-priority valley, the search sends it to the other."""
    _, inst = _two_valleys()
    out_h = float(inst.out_h(0)[0, 0])
    trip = TimedTrip(
        warehouse_idx=0,
        vehicle_type_idx=0,
        vehicle_idx=0,
        load_start_h=0.0,
        depart_h=0.0,
        stops=[TimedStop(0, out_h, np.array([10]))],
        return_h=2 * out_h,
        distance_km=2 * float(inst.km(0)[0, 1]),
    )

    def score(trips: list[TimedTrip]) -> tuple[float, ...]:
        return (float((inst.value * units_delivered(inst, trips)).sum()),)

    result = improve(inst, [trip], Clock(math.inf), score, seed=0, moves=False, iterations=20)
    assert score([trip]) == (0.25,)
    assert score(result.trips) == (0.75,)
    assert [s.area_idx for t in result.trips for s in t.stops] == [1]


def test_search_sends_a_vehicle_to_stock_beyond_its_nearest_warehouses() -> None:
    """The boxes are only at a far depot; the two depots nearest the truck hold chairs nobody needs.

    A repair looks at the vehicle's own warehouse and the two nearest with
    stock, which never include the far depot: only the pull operator (a
    warehouse with stock left, the vehicles nearest it, and a repair that may
    send them there) finds the trip.
    """
    near = {"stock": {"chair": 5}, "fleet": {}}
    data = {
        "name": "far-depot",
        "deadline_hours": 12,
        "items": [
            {"id": "box", "weight_kg": 100.0, "volume_m3": 0.1},
            {"id": "chair", "weight_kg": 5.0, "volume_m3": 0.1},
        ],
        "vehicle_types": [{"id": "truck", "capacity_kg": 1000, "capacity_m3": 10}],
        "warehouses": [
            {"id": "garage", "lat": 40.0, "lon": 80.0, "fleet": {"truck": 1}},
            {"id": "near-1", "lat": 40.1, "lon": 80.0, **near},
            {"id": "near-2", "lat": 40.0, "lon": 80.1, **near},
            {"id": "far", "lat": 41.5, "lon": 80.0, "stock": {"box": 50}},
        ],
        "areas": [{"id": "a", "lat": 41.6, "lon": 80.0, "demand": {"box": 10}}],
    }
    scenario = supplyopt.parse_scenario(data)
    inst = build_instance(scenario, build_travel_times(scenario))

    def score(trips: list[TimedTrip]) -> tuple[float, ...]:
        return (float((inst.value * units_delivered(inst, trips)).sum()),)

    result = improve(inst, [], Clock(math.inf), score, seed=0, moves=True, iterations=40)
    assert score(result.trips) == (1.0,)
    assert {scenario.warehouses[t.warehouse_idx].id for t in result.trips} == {"far"}


def test_repair_offers_a_farther_warehouse_where_loading_starts_sooner() -> None:
    """The two depots nearest the truck have boxes but their one bay is booked until 8 h.

    The farther depot has boxes and a free bay: the repair offers it, beside
    the truck's own warehouse and the two nearest with stock, because its
    loading starts sooner (without that option the truck waits at a near depot).
    """
    near = {"stock": {"box": 50}, "fleet": {}, "loading_bays": 1, "loading_hours": 0.5}
    data = {
        "name": "queued-depots",
        "deadline_hours": 12,
        "items": [{"id": "box", "weight_kg": 100.0, "volume_m3": 0.1}],
        "vehicle_types": [{"id": "truck", "capacity_kg": 1000, "capacity_m3": 10}],
        "warehouses": [
            {"id": "garage", "lat": 40.0, "lon": 80.0, "fleet": {"truck": 1}},
            {"id": "near-1", "lat": 40.1, "lon": 80.0, **near},
            {"id": "near-2", "lat": 40.0, "lon": 80.1, **near},
            {"id": "far", "lat": 40.6, "lon": 80.0, **near},
        ],
        "areas": [{"id": "a", "lat": 40.3, "lon": 80.0, "demand": {"box": 10}}],
    }
    scenario = supplyopt.parse_scenario(data)
    inst = build_instance(scenario, build_travel_times(scenario))
    model = build_model(inst)
    plan = DayPlan.from_trips(inst, [])
    for w in (1, 2):  # other vehicles' loadings, back to back until 8 h
        for start_h in np.arange(0.0, 8.0, 0.5):
            plan.bays.add(w, float(start_h))
    trip = best_trip(model, plan, (0, 0, 0), 0, 0.0, None, noise=0.0, moves=True)
    assert trip is not None
    assert scenario.warehouses[trip.warehouse_idx].id == "far"
    assert trip.load_start_h < 2.0


def test_bays_book_the_earliest_free_slot() -> None:
    """Two bays, 0.5 h loadings: a third vehicle at 0.2 h waits until the first loading ends."""
    scenario = supplyopt.parse_scenario(
        {
            **_two_valleys()[0].model_dump(by_alias=True),
            "warehouses": [
                {
                    "id": "w",
                    "lat": 40.0,
                    "lon": 80.0,
                    "stock": {"box": 50},
                    "fleet": {"truck": 3},
                    "loading_hours": 0.5,
                    "loading_bays": 2,
                }
            ],
        }
    )
    book = BayBook(build_instance(scenario, build_travel_times(scenario)))
    book.add(0, 0.0)
    book.add(0, 0.1)
    assert book.earliest(0, 0.2) == 0.5
    assert book.earliest(0, 0.6) == 0.6
    book.remove(0, 0.0)
    assert book.earliest(0, 0.2) == 0.2


def _three_trucks() -> tuple[Instance, DayPlan]:
    """Three trucks at one warehouse: the first unloads 10 boxes, the second 1, the third is idle.

    The two valleys' areas; the boxes go to valley b (priority 3) from 1 h on.
    """
    scenario = supplyopt.parse_scenario(
        {
            **_two_valleys()[0].model_dump(by_alias=True),
            "warehouses": [
                {"id": "w", "lat": 40.0, "lon": 80.0, "stock": {"box": 50}, "fleet": {"truck": 3}}
            ],
        }
    )
    inst = build_instance(scenario, build_travel_times(scenario))
    out_h = float(inst.out_h(0)[0, 1])

    def trip(vehicle: int, boxes: int) -> TimedTrip:
        return TimedTrip(
            warehouse_idx=0,
            vehicle_type_idx=0,
            vehicle_idx=vehicle,
            load_start_h=1.0,
            depart_h=1.0,
            stops=[TimedStop(1, 1.0 + out_h, np.array([boxes]))],
            return_h=1.0 + 2 * out_h,
            distance_km=2 * float(inst.km(0)[0, 2]),
        )

    return inst, DayPlan.from_trips(inst, [trip(0, 10), trip(1, 1)])


def test_poorest_days_are_drawn_from_the_least_value_per_hour() -> None:
    """With n = 1 the pool is the two poorest days (idle, then one box): never the ten boxes."""
    inst, plan = _three_trucks()
    model = build_model(inst)
    drawn = {
        key
        for seed in range(30)
        for key, _ in poorest_days(model, plan, np.random.default_rng(seed), 1)
    }
    assert drawn == {(0, 0, 1), (0, 0, 2)}
    assert all(cut_h == 0.0 for _, cut_h in poorest_days(model, plan, np.random.default_rng(0), 2))


def test_region_days_cut_the_vehicles_stopping_near_the_centre_from_that_trip() -> None:
    """Both areas are within any centre's region: the two working trucks, from their 1 h loading."""
    inst, plan = _three_trucks()
    model = build_model(inst)
    for seed in range(10):
        cuts = region_days(model, plan, np.random.default_rng(seed), 3)
        assert sorted(cuts) == [((0, 0, 0), 1.0), ((0, 0, 1), 1.0)]
    assert plan.days[(0, 0, 0)][0].area_set == frozenset({1})


def test_acceptance_threshold_is_a_share_of_a_vehicle_day() -> None:
    """Above 40 vehicles a cycle accepts 4 % of an average day's value; up to 40, 0.1 %."""
    for n in (41, 120, 300, 450, 5000):
        assert threshold_share(n) * n == pytest.approx(THRESHOLD_DAYS)
        assert threshold_share(n) < THRESHOLD
    for n in (1, 8, 16, 40):
        assert threshold_share(n) == THRESHOLD
    assert threshold_share(0) == THRESHOLD  # no fleet: no search, and no division by zero


def test_clear_gains_unscored_give_the_plan_scoring_every_candidate_gives(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A clearly better plan is kept unscored; the search still returns the same plan as before."""
    scenario = generate("small-one-depot", 1)
    lazy = _plan(scenario, 60, seed=3)
    monkeypatch.setattr(search, "CLEAR_GAIN", math.inf)  # every candidate scored, as before
    scored = _plan(scenario, 60, seed=3)
    assert [t.model_dump() for t in lazy.trips] == [t.model_dump() for t in scored.trips]
    assert _rank(lazy) == _rank(scored)
