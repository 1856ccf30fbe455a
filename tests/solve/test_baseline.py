"""Hand-dispatch baseline: urgent areas first, nearest warehouse, full direct truckloads."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.relief.families import Family
from benchmarks.relief.generator import generate
from supplyopt.io import parse_scenario
from supplyopt.model import Plan, Scenario, UnmetReason, summarize
from supplyopt.network import build_travel_times
from supplyopt.solve.reference import plan_baseline
from tests.budget import examples
from tests.conftest import assert_valid
from tests.relief_strategies import small_families


def scenario_of(
    warehouses: list[dict[str, Any]], areas: list[dict[str, Any]], **extra: Any
) -> Scenario:
    """Two items (a heavy tent, a light quilt) and one truck type around 44N 87E."""
    return parse_scenario(
        {
            "name": "hand",
            "deadline_hours": 12.0,
            "items": [
                {"id": "tent", "weight_kg": 80.0, "volume_m3": 0.5},
                {"id": "quilt", "weight_kg": 3.0, "volume_m3": 0.03},
            ],
            "vehicle_types": [{"id": "truck", "capacity_kg": 10000.0, "capacity_m3": 45.0}],
            "warehouses": warehouses,
            "areas": areas,
            **extra,
        }
    )


def invariants(scenario: Scenario, plan: Plan) -> None:
    """Stock, demand, capacity, bays, vehicle reuse, timing, KPIs and unmet all hold."""
    assert_valid(scenario, plan)
    travel = build_travel_times(scenario)
    n_wh = len(scenario.warehouses)
    wh_idx = {wh.id: i for i, wh in enumerate(scenario.warehouses)}
    area_idx = {a.id: i for i, a in enumerate(scenario.areas)}
    taken: defaultdict[tuple[str, str], int] = defaultdict(int)
    got: defaultdict[tuple[str, str], int] = defaultdict(int)
    by_vehicle: defaultdict[str, list[tuple[float, float]]] = defaultdict(list)
    for trip in plan.trips:
        wh = scenario.warehouse(trip.warehouse)
        vt = scenario.vehicle_type(trip.vehicle_type)
        assert len(trip.stops) == 1  # direct trips only
        stop = trip.stops[0]
        kg = sum(q * scenario.item(i).weight_kg for i, q in stop.deliver.items())
        m3 = sum(q * scenario.item(i).volume_m3 for i, q in stop.deliver.items())
        assert kg <= vt.capacity_kg + 1e-6
        assert m3 <= vt.capacity_m3 + 1e-6
        assert all(q > 0 for q in stop.deliver.values())
        assert trip.load_start_hours >= wh.ready_hours - 1e-9
        assert trip.depart_hours >= trip.load_start_hours + wh.loading_hours - 1e-9
        out_h = travel.duration_h[vt.id][wh_idx[wh.id], n_wh + area_idx[stop.area]]
        assert stop.arrive_hours >= trip.depart_hours + out_h - 1e-9
        assert stop.arrive_hours <= scenario.deadline_hours + 1e-9
        for item_id, qty in stop.deliver.items():
            taken[wh.id, item_id] += qty
            got[stop.area, item_id] += qty
        by_vehicle[trip.vehicle].append((trip.load_start_hours, trip.return_hours))
    for (wh_id, item_id), qty in taken.items():
        assert qty <= scenario.warehouse(wh_id).stock.get(item_id, 0)
    for (area_id, item_id), qty in got.items():
        assert qty <= scenario.area(area_id).demand.get(item_id, 0)
    for spans in by_vehicle.values():
        spans.sort()
        assert all(nxt[0] >= prev[1] - 1e-9 for prev, nxt in pairwise(spans))
    for wh in scenario.warehouses:
        if wh.loading_bays is None or wh.loading_hours == 0:
            continue
        starts = [t.load_start_hours for t in plan.trips if t.warehouse == wh.id]
        for s in starts:
            loading = sum(1 for o in starts if o <= s + 1e-9 < o + wh.loading_hours)
            assert loading <= wh.loading_bays
    assert plan.summary == summarize(scenario, plan.trips, solve_seconds=plan.summary.solve_seconds)
    short = {(u.area, u.item): u.quantity for u in plan.unmet}
    for area in scenario.areas:
        for item_id, need in area.demand.items():
            assert short.get((area.id, item_id), 0) == need - got.get((area.id, item_id), 0)


def test_most_urgent_area_is_served_first() -> None:
    """With stock for one area, the priority-3 area gets it although it is listed second."""
    scenario = scenario_of(
        [{"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"quilt": 100}, "fleet": {"truck": 2}}],
        [
            {"id": "calm", "lat": 44.1, "lon": 87.0, "demand": {"quilt": 100}, "priority": 1},
            {"id": "hit", "lat": 44.3, "lon": 87.0, "demand": {"quilt": 100}, "priority": 3},
        ],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    assert [stop.area for trip in plan.trips for stop in trip.stops] == ["hit"]
    assert [(u.area, u.reason) for u in plan.unmet] == [("calm", UnmetReason.STOCK)]


def test_nearest_warehouse_first_then_the_next() -> None:
    """The near warehouse empties its stock before the far one sends anything."""
    scenario = scenario_of(
        [
            {"id": "far", "lat": 45.0, "lon": 87.0, "stock": {"quilt": 500}, "fleet": {"truck": 1}},
            {"id": "near", "lat": 44.0, "lon": 87.0, "stock": {"quilt": 60}, "fleet": {"truck": 1}},
        ],
        [{"id": "a", "lat": 44.1, "lon": 87.0, "demand": {"quilt": 100}}],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    sent = {t.warehouse: sum(s.deliver["quilt"] for s in t.stops) for t in plan.trips}
    assert sent == {"near": 60, "far": 40}
    assert plan.unmet == []


def test_full_truckloads_in_item_order_and_trucks_reused() -> None:
    """One truck fills with tents first (90 fill 45 m3), then returns for the rest."""
    scenario = scenario_of(
        [
            {
                "id": "w",
                "lat": 44.0,
                "lon": 87.0,
                "stock": {"tent": 100, "quilt": 100},
                "fleet": {"truck": 1},
                "ready_hours": 1.0,
                "loading_hours": 0.5,
            }
        ],
        [
            {
                "id": "a",
                "lat": 44.2,
                "lon": 87.0,
                "demand": {"tent": 100, "quilt": 100},
                "unloading_hours": 0.25,
            }
        ],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    first, second = plan.trips
    assert first.stops[0].deliver == {"tent": 90}
    assert second.stops[0].deliver == {"tent": 10, "quilt": 100}
    assert first.vehicle == second.vehicle
    assert first.load_start_hours == 1.0
    assert second.load_start_hours == first.return_hours


def test_vehicles_queue_for_the_loading_bay() -> None:
    """Three trucks, one bay of 1 h: loadings start at 0, 1 and 2 h."""
    scenario = scenario_of(
        [
            {
                "id": "w",
                "lat": 44.0,
                "lon": 87.0,
                "stock": {"tent": 270},
                "fleet": {"truck": 3},
                "loading_hours": 1.0,
                "loading_bays": 1,
            }
        ],
        [{"id": "a", "lat": 45.0, "lon": 87.0, "demand": {"tent": 270}}],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    assert [t.load_start_hours for t in plan.trips] == [0.0, 1.0, 2.0]
    assert len({t.vehicle for t in plan.trips}) == 3


def test_no_truck_is_sent_to_arrive_late() -> None:
    """An area 13 h away gets nothing, and the reason is the deadline."""
    scenario = scenario_of(
        [{"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"quilt": 100}, "fleet": {"truck": 1}}],
        [{"id": "remote", "lat": 49.5, "lon": 87.0, "demand": {"quilt": 10}}],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    assert plan.trips == []
    assert [u.reason for u in plan.unmet] == [UnmetReason.DEADLINE]
    assert plan.status == "empty"


def test_fleet_reason_when_stock_is_left_but_no_truck_is_free() -> None:
    """One truck, two areas 5 h away: the second gets nothing, though stock remains."""
    scenario = scenario_of(
        [{"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"quilt": 200}, "fleet": {"truck": 1}}],
        [
            {"id": "a", "lat": 46.0, "lon": 87.0, "demand": {"quilt": 100}, "priority": 2},
            {"id": "b", "lat": 46.0, "lon": 87.1, "demand": {"quilt": 100}},
        ],
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    assert [(u.area, u.reason) for u in plan.unmet] == [("b", UnmetReason.FLEET)]


def test_unreachable_reason_on_a_disconnected_road_graph() -> None:
    """An area snapped to a road island cannot be reached at all."""
    roads = {
        "model": "graph",
        "nodes": [
            {"id": "n1", "lat": 44.0, "lon": 87.0},
            {"id": "n2", "lat": 44.2, "lon": 87.0},
            {"id": "n3", "lat": 44.4, "lon": 87.5},
        ],
        "edges": [{"from": "n1", "to": "n2", "length_km": 25.0}],
    }
    scenario = scenario_of(
        [{"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"quilt": 100}, "fleet": {"truck": 1}}],
        [
            {"id": "linked", "lat": 44.2, "lon": 87.0, "demand": {"quilt": 10}},
            {"id": "island", "lat": 44.4, "lon": 87.5, "demand": {"quilt": 10}},
        ],
        roads=roads,
    )
    plan = plan_baseline(scenario)
    invariants(scenario, plan)
    assert [(u.area, u.reason) for u in plan.unmet] == [("island", UnmetReason.UNREACHABLE)]


families = small_families(max_areas=10)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=families, seed=st.integers(0, 2**16))
def test_random_plans_keep_every_rule(family: Family, seed: int) -> None:
    """No baseline plan breaks stock, demand, capacity, bays, reuse or the deadline."""
    scenario = generate(family, seed)
    invariants(scenario, plan_baseline(scenario))


def test_is_deterministic() -> None:
    """The same scenario gives the same trips."""
    scenario = generate("medium-bays", 2)
    assert plan_baseline(scenario).trips == plan_baseline(scenario).trips
