"""The vehicle-day bound: never below any plan (brute force, relief families), valid when cut short."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import supplyopt
from benchmarks.relief.generator import generate
from supplyopt.io import parse_scenario
from supplyopt.model import Scenario
from supplyopt.solve.planner import WorkBudget
from supplyopt.solve.reference import coverage_upper_bound
from supplyopt.solve.reference._vd_data import closure_h
from supplyopt.solve.reference.vehicle_day_bound import vehicle_day_bound
from tests.solve.vd_brute_force import best_weighted_coverage
from tests.transfer_case import transfer_data


def tiny(
    seed: int,
    *,
    warehouses: int,
    trucks: int,
    areas: int,
    spread_deg: float = 0.5,
    loading_hours: float | None = None,
) -> Scenario:
    """A random scenario small enough to search exhaustively: two items, a few units each.

    ``spread_deg`` scatters the areas around the first warehouse (small:
    stops close together, so trips with several stops pay); ``loading_hours``
    fixes every warehouse's loading time (long: the one bay binds).
    """
    rng = np.random.default_rng(seed)
    whs: list[dict[str, Any]] = [
        {
            "id": f"w{w}",
            "lat": 44.0 + 0.3 * w,
            "lon": 87.0,
            "stock": {"box": int(rng.integers(2, 5)), "bag": int(rng.integers(1, 4))},
            "fleet": {"truck": trucks if w == 0 else 1},
            "ready_hours": float(rng.choice([0.0, 0.5])),
            "loading_hours": (
                float(rng.choice([0.25, 0.5])) if loading_hours is None else loading_hours
            ),
            "loading_bays": 1,
        }
        for w in range(warehouses)
    ]
    area_list: list[dict[str, Any]] = [
        {
            "id": f"a{a}",
            "lat": 44.0 + float(rng.uniform(-spread_deg, spread_deg)),
            "lon": 87.0 + float(rng.uniform(-1.2 * spread_deg, 1.2 * spread_deg)),
            "demand": {"box": int(rng.integers(1, 3)), "bag": int(rng.integers(0, 3))},
            "priority": int(rng.integers(1, 4)),
            "unloading_hours": float(rng.choice([0.25, 0.5])),
        }
        for a in range(areas)
    ]
    return parse_scenario(
        {
            "name": f"tiny-{seed}",
            "deadline_hours": 4.0,
            "items": [
                {"id": "box", "weight_kg": 10.0, "volume_m3": 1.0},
                {"id": "bag", "weight_kg": 30.0, "volume_m3": 0.5},
            ],
            "vehicle_types": [{"id": "truck", "capacity_kg": 60.0, "capacity_m3": 2.0}],
            "warehouses": whs,
            "areas": area_list,
        }
    )


#: (seed, warehouses, trucks, areas); the exhaustive search takes 3-40 s on the slow ones.
_FAST = [(0, 1, 1, 2), (1, 1, 1, 3), (2, 1, 2, 2), (5, 2, 1, 3)]
_SLOW = [(3, 1, 2, 3), (4, 2, 1, 2), (6, 1, 2, 3), (7, 2, 1, 3)]
CASES = [
    pytest.param(seed, w, t, a, id=f"seed{seed}-{w}wh-{t}veh-{a}areas") for seed, w, t, a in _FAST
] + [
    pytest.param(seed, w, t, a, id=f"seed{seed}-{w}wh-{t}veh-{a}areas", marks=pytest.mark.slow)
    for seed, w, t, a in _SLOW
]


@pytest.mark.parametrize(("seed", "warehouses", "trucks", "areas"), CASES)
def test_bound_is_never_below_the_best_plan(
    seed: int, warehouses: int, trucks: int, areas: int
) -> None:
    """On tiny scenarios the bound is at least the best plan found by exhaustive search."""
    scenario = tiny(seed, warehouses=warehouses, trucks=trucks, areas=areas)
    best = best_weighted_coverage(scenario)
    bound = vehicle_day_bound(scenario, max_iterations=15, time_limit_s=60.0)
    assert bound.weighted_coverage >= best - 1e-9
    assert coverage_upper_bound(scenario).weighted_coverage >= best - 1e-9


@pytest.mark.parametrize(("seed", "warehouses", "trucks", "areas"), CASES[:4])
def test_every_iterate_is_a_bound(seed: int, warehouses: int, trucks: int, areas: int) -> None:
    """The Lagrangian bound after every iteration (not only the last) is at least the best plan."""
    scenario = tiny(seed, warehouses=warehouses, trucks=trucks, areas=areas)
    best = best_weighted_coverage(scenario)
    bound = vehicle_day_bound(scenario, max_iterations=10, time_limit_s=60.0)
    assert min(bound.history) >= best - 1e-9
    assert bound.polished >= best - 1e-9
    assert bound.weighted_coverage == pytest.approx(min(1.0, bound.polished, *bound.history))


#: (seed, trucks, areas, spread in degrees, loading hours): stops close together, where
#: trips with several stops pay (and one bag in stock for a demand of two), and three trucks
#: at one bay with hour-long loadings.
_CLUSTERED_AND_BAYS = [(8, 1, 3, 0.08, None), (9, 1, 3, 0.08, None), (11, 3, 2, 0.3, 1.0)]


@pytest.mark.parametrize(
    ("seed", "trucks", "areas", "spread_deg", "loading_h"), _CLUSTERED_AND_BAYS
)
def test_multi_stop_and_bay_cases_are_bounded(
    seed: int, trucks: int, areas: int, spread_deg: float, loading_h: float | None
) -> None:
    """Clustered stops and a busy bay: every iterate and the last pricing stay above the best plan."""
    scenario = tiny(
        seed,
        warehouses=1,
        trucks=trucks,
        areas=areas,
        spread_deg=spread_deg,
        loading_hours=loading_h,
    )
    best = best_weighted_coverage(scenario)
    bound = vehicle_day_bound(scenario, max_iterations=10, time_limit_s=60.0)
    assert min(bound.history) >= best - 1e-9
    assert bound.polished >= best - 1e-9


def test_a_bound_set_by_stock_starts_at_the_lp_bound() -> None:
    """One bag in stock for a demand of two: the LP's column bound is priced on the stock row.

    The LP bound (0.75, the best plan too) rests on the bound ``x <= min(demand,
    stock)`` of one delivery variable. Moved onto the demand row (2 bags) it
    priced twice what it should, and the bound started at 1.0.
    """
    scenario = tiny(8, warehouses=1, trucks=1, areas=3, spread_deg=0.08)
    lp = coverage_upper_bound(scenario).weighted_coverage
    bound = vehicle_day_bound(scenario, max_iterations=2, polish=False)
    assert lp == pytest.approx(0.75)
    assert bound.history[1] == pytest.approx(lp, abs=1e-9)
    assert bound.weighted_coverage == pytest.approx(0.75, abs=1e-9)


def test_lp_fleet_costs_close_its_duality() -> None:
    """Demand, stock and the other rows' duals, plus the column bounds' share, give the LP's value.

    This is what lets the vehicle-day bound price the LP's fleet, last-trip
    and bay rows per delivery (``CoverageBound.fleet_costs``).
    """
    scenario = generate("small-tight-stock", 1)
    lp = coverage_upper_bound(scenario)
    assert lp.fleet_costs is not None
    assert lp.demand_duals is not None
    assert lp.stock_duals is not None
    items = scenario.item_ids
    demand = np.array([[a.demand.get(i, 0) for i in items] for a in scenario.areas], float)
    stock = np.array([[w.stock.get(i, 0) for i in items] for w in scenario.warehouses], float)
    priority = np.array([a.priority for a in scenario.areas], float)
    need = priority @ demand
    value = priority[:, None] / (need[None, :] * int((need > 0).sum()))  # (A, I)
    w, a, v, i = np.nonzero(np.isfinite(lp.fleet_costs))
    reduced = (
        value[a, i] - lp.demand_duals[a, i] - lp.stock_duals[w, i] - lp.fleet_costs[w, a, v, i]
    )
    upper = np.minimum(demand[a, i], stock[w, i])
    total = (
        (lp.demand_duals * demand).sum()
        + (lp.stock_duals * stock).sum()
        + lp.fleet_rows_value
        + (np.clip(reduced, 0.0, None) * upper).sum()
    )
    assert total == pytest.approx(lp.weighted_coverage, abs=1e-6)


def test_prefix_sums_match_the_per_bucket_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trip bounds by prefix sums equal those computed start bucket by start bucket."""
    from supplyopt.network import build_travel_times
    from supplyopt.solve.instance import build_instance
    from supplyopt.solve.reference import _vd_pricing as pricing
    from supplyopt.solve.reference import vehicle_day_bound as module
    from supplyopt.solve.reference._vd_data import build_data, with_lp_rows

    scenario = tiny(9, warehouses=2, trucks=2, areas=3, spread_deg=0.3)
    lp = coverage_upper_bound(scenario)
    inst = build_instance(scenario, build_travel_times(scenario))
    data = with_lp_rows(build_data(inst, bucket_h=0.1), lp.fleet_costs, lp.fleet_rows_value)
    start = module._starts(data, lp)[0]  # half the first multipliers: some units pay, some not
    duals = pricing.Duals(demand=start.demand / 2, stock=start.stock / 2, bay=start.bay)
    # The same grid on both paths (the per-bucket path normally uses the coarse one).
    monkeypatch.setattr(pricing, "_S_QUANTILES", pricing._FINE_S_QUANTILES)
    monkeypatch.setattr(pricing, "_NU_FRACTIONS", pricing._FINE_NU_FRACTIONS)
    fast = [pricing.trip_values(data, duals, w, 0) for w in range(inst.n_warehouses)]
    monkeypatch.setattr(pricing, "_identity", lambda data: False)
    slow = [pricing.trip_values(data, duals, w, 0) for w in range(inst.n_warehouses)]
    for one, other in zip(fast, slow, strict=True):
        assert np.isfinite(one.best).sum() > 100
        np.testing.assert_allclose(one.best, other.best, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(one.last, other.last, rtol=1e-9, atol=1e-12)


def test_one_iteration_is_already_a_bound() -> None:
    """A bound cut short after its first pricing is still at least the best plan."""
    scenario = tiny(2, warehouses=1, trucks=2, areas=2)
    bound = vehicle_day_bound(scenario, max_iterations=1)
    assert bound.iterations == 1
    assert bound.weighted_coverage >= best_weighted_coverage(scenario) - 1e-9


def test_whole_trips_make_it_tighter_than_the_lp() -> None:
    """One truck, 5 h round trips, 12 h: two on-time trips (0.2), where the LP allows 2.8 (0.28).

    Loading 1 h, 2 h out, 2 h back: trips load at 0 and 5 h; a third would
    load at 10 h and arrive at 13 h. The LP charges trips pro rata and gives
    the last one a free return, so it allows 2.8 truckloads of 10 units.
    """
    scenario = one_lane(travel_h=2.0, loading_hours=1.0)
    lp = coverage_upper_bound(scenario).weighted_coverage
    bound = vehicle_day_bound(scenario, max_iterations=5)
    assert lp == pytest.approx(0.28, abs=1e-6)
    assert bound.weighted_coverage == pytest.approx(0.2, abs=1e-6)


def one_lane(*, travel_h: float, loading_hours: float) -> Scenario:
    """One warehouse with one truck of 10 units, one area ``travel_h`` away, demand 100."""
    km = travel_h * 60.0 / 1.3
    return parse_scenario(
        {
            "name": "one-lane",
            "deadline_hours": 12.0,
            "items": [{"id": "box", "weight_kg": 10.0, "volume_m3": 1.0}],
            "vehicle_types": [{"id": "truck", "capacity_kg": 1000.0, "capacity_m3": 10.0}],
            "warehouses": [
                {
                    "id": "w",
                    "lat": 44.0,
                    "lon": 87.0,
                    "stock": {"box": 1000},
                    "fleet": {"truck": 1},
                    "loading_hours": loading_hours,
                }
            ],
            "areas": [
                {
                    "id": "a",
                    "lat": 44.0 + km / 111.19492664455873,
                    "lon": 87.0,
                    "demand": {"box": 100},
                }
            ],
        }
    )


def test_closure_never_exceeds_a_direct_drive_and_keeps_zero_legs() -> None:
    """Shortest drives through sites: at most the direct entry, a zero leg stays zero."""
    hours = np.array([[0.0, 5.0, 1.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    closed = closure_h(hours)
    assert (closed <= hours + 1e-12).all()
    assert closed[0, 1] == pytest.approx(2.0)  # 0 -> 2 -> 1 beats the direct 5 h
    assert closed[1, 2] == 0.0


@pytest.mark.slow
@pytest.mark.parametrize("family", ["small-loose", "small-one-depot", "small-tight-stock"])
def test_planner_never_beats_the_bound_on_small_families(family: str) -> None:
    """On seed 1 of each small relief family the planner scores no more than the bound."""
    scenario = generate(family, 1)
    plan = supplyopt.plan_relief(scenario, time_limit_s=10.0, seed=1)
    bound = vehicle_day_bound(scenario, max_iterations=8, time_limit_s=60.0)
    assert plan.summary.weighted_coverage_on_time <= bound.weighted_coverage + 1e-9


@pytest.mark.slow
def test_never_above_the_lp_and_lower_after_steps_where_the_fleet_binds() -> None:
    """medium-tight-fleet seed 3: the second start is the LP's own point, steps go below the first.

    At the LP's point every day is worth nothing, so the bound is never
    above the LP bound. Since the LP charges empty drives to far warehouses
    and whole unloadings (issue 13) it is the tighter of the two at the
    first multipliers on this family; the steps still improve on the first.
    """
    scenario = generate("medium-tight-fleet", 3)
    lp = coverage_upper_bound(scenario).weighted_coverage
    bound = vehicle_day_bound(scenario, max_iterations=8, polish=False)
    assert bound.history[1] == pytest.approx(lp, abs=1e-9)
    assert bound.weighted_coverage <= lp + 1e-9
    assert min(bound.history[2:]) < bound.history[0]


def test_it_says_whether_it_covers_transfers() -> None:
    """With one warehouse no transfer exists: it covers every plan; with the transfer case, not."""
    lane = vehicle_day_bound(one_lane(travel_h=2.0, loading_hours=1.0), max_iterations=1)
    assert lane.covers_transfers
    moving = supplyopt.parse_scenario(transfer_data(n_areas=3))
    bound = vehicle_day_bound(moving, max_iterations=2, polish=False)
    assert not bound.covers_transfers
    # It still bounds the plans without transfers, and the LP bound those with them.
    budget = WorkBudget(variants=0, restarts=0, lns_iterations=30)
    plan = supplyopt.plan_relief(moving, time_limit_s=60, seed=1, budget=budget, transfers=False)
    assert plan.summary.weighted_coverage_on_time <= bound.weighted_coverage + 1e-7
