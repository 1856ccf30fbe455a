"""Unmet reasons name the resource that binds, and the plan never contradicts them."""

from __future__ import annotations

from typing import Any

import numpy as np

import supplyopt
from supplyopt import Plan, Scenario, UnmetReason
from supplyopt.model import Stop, Trip, Unmet, apply_disruptions
from supplyopt.network import build_travel_times
from supplyopt.solve.instance import build_instance
from supplyopt.solve.planner import WorkBudget
from supplyopt.solve.unmet import explain_unmet, refute_fleet
from tests.conftest import SCENARIOS, assert_valid, tiny_data


def valley_data() -> dict[str, Any]:
    """Six villages along a valley, two depots, three trucks (2 t), deadline 6 h.

    Planned before the reasons had evidence, this left village-3 short of 40
    water for 'fleet' while a lower-depot truck stopped there with a third of
    its capacity unused and water still in the depot.
    """
    return {
        "name": "valley",
        "deadline_hours": 6,
        "items": [
            {"id": "quilt", "weight_kg": 3.0, "volume_m3": 0.03},
            {"id": "tent", "weight_kg": 60.0, "volume_m3": 0.25},
            {"id": "water", "weight_kg": 20.0, "volume_m3": 0.02},
        ],
        "vehicle_types": [{"id": "truck", "capacity_kg": 2000, "capacity_m3": 12, "speed_kmh": 30}],
        "warehouses": [
            {
                "id": "lower-depot",
                "lat": 43.8,
                "lon": 87.0,
                "stock": {"quilt": 337, "tent": 56, "water": 132},
                "fleet": {"truck": 2},
                "ready_hours": 1.0,
                "loading_hours": 1.0,
                "loading_bays": 1,
            },
            {
                "id": "upper-depot",
                "lat": 43.8,
                "lon": 87.6,
                "stock": {"quilt": 160, "tent": 41, "water": 244},
                "fleet": {"truck": 1},
                "ready_hours": 2.0,
                "loading_hours": 0.5,
            },
        ],
        "areas": [
            {"id": "village-1", "lat": 43.792, "lon": 87.038,
             "demand": {"quilt": 103, "tent": 3, "water": 62}, "priority": 1},
            {"id": "village-2", "lat": 43.918, "lon": 87.159,
             "demand": {"quilt": 205, "tent": 0, "water": 89}, "priority": 2},
            {"id": "village-3", "lat": 43.73, "lon": 87.32,
             "demand": {"quilt": 201, "tent": 3, "water": 40}, "priority": 1},
            {"id": "village-4", "lat": 43.657, "lon": 87.425,
             "demand": {"quilt": 52, "tent": 12, "water": 87}, "priority": 1},
            {"id": "village-5", "lat": 43.941, "lon": 87.553,
             "demand": {"quilt": 185, "tent": 7, "water": 97}, "priority": 2},
            {"id": "village-6", "lat": 43.932, "lon": 87.655,
             "demand": {"quilt": 138, "tent": 7, "water": 86}, "priority": 1},
        ],
    }  # fmt: skip


def _trip_with_room(scenario: Scenario, plan: Plan, area: str, item: str) -> str | None:
    """A trip visiting ``area`` from a warehouse with ``item`` left, with room for one unit."""
    weights = {it.id: (it.weight_kg, it.volume_m3) for it in scenario.items}
    left = {w.id: w.stock.get(item, 0) for w in scenario.warehouses}
    for trip in plan.trips:
        left[trip.warehouse] -= sum(s.deliver.get(item, 0) for s in trip.stops)
    cap = {vt.id: (vt.capacity_kg, vt.capacity_m3) for vt in scenario.vehicle_types}
    for trip in plan.trips:
        if left[trip.warehouse] <= 0 or area not in {s.area for s in trip.stops}:
            continue
        kg = sum(q * weights[i][0] for s in trip.stops for i, q in s.deliver.items())
        m3 = sum(q * weights[i][1] for s in trip.stops for i, q in s.deliver.items())
        kg_cap, m3_cap = cap[trip.vehicle_type]
        if kg + weights[item][0] <= kg_cap and m3 + weights[item][1] <= m3_cap:
            return trip.vehicle
    return None


def test_valley_fleet_reason_is_not_contradicted_by_a_half_empty_truck() -> None:
    """No 'fleet' shortfall where a truck from a depot with stock left stopped with room."""
    scenario = supplyopt.parse_scenario(valley_data())
    searched = supplyopt.plan_relief(scenario, time_limit_s=60, seed=0)
    # Without the vehicle-day search a truck stops at village-3 half empty (the search
    # fills it): the case pinned down below.
    plan = supplyopt.plan_relief(
        scenario, time_limit_s=60, seed=0, budget=WorkBudget(lns_iterations=0)
    )
    for each in (searched, plan):
        assert_valid(scenario, each)
        for entry in each.unmet:
            if entry.reason is UnmetReason.FLEET:
                assert _trip_with_room(scenario, each, entry.area, entry.item) is None, entry
    short = [u for u in plan.unmet if u.area == "village-3" and u.item == "water"]
    assert short
    assert short[0].reason is UnmetReason.NOT_SERVED
    assert short[0].detail is not None
    assert "room for" in short[0].detail


def test_checker_refuses_fleet_contradicted_by_a_truck_with_room() -> None:
    """check_plan flags 'fleet' when a visiting truck had room and its depot stock left."""
    scenario = supplyopt.parse_scenario(valley_data())
    # The plan without the vehicle-day search, whose truck stops half empty (see above).
    plan = supplyopt.plan_relief(
        scenario, time_limit_s=60, seed=0, budget=WorkBudget(lns_iterations=0)
    )
    served = [u for u in plan.unmet if u.reason is UnmetReason.NOT_SERVED]
    assert served
    broken = plan.model_copy(deep=True)
    for entry in broken.unmet:
        if entry.reason is UnmetReason.NOT_SERVED:
            entry.reason = UnmetReason.FLEET
    problems = supplyopt.check_plan(scenario, broken)
    assert any("'fleet', but" in p and "room for" in p for p in problems)


def test_snowstorm_fleet_reasons_name_warehouse_and_hours() -> None:
    """Every 'fleet' entry in the snowstorm names a warehouse and the hours that bind."""
    scenario = supplyopt.read_scenario(SCENARIOS / "changji-snowstorm.yaml")
    plan = supplyopt.plan_relief(scenario, time_limit_s=60)
    assert_valid(scenario, plan)
    fleet = [u for u in plan.unmet if u.reason is UnmetReason.FLEET]
    assert fleet
    names = {w.id for w in scenario.warehouses}
    for entry in fleet:
        assert entry.detail is not None
        assert any(name in entry.detail for name in names)
        assert " h" in entry.detail
        assert _trip_with_room(scenario, plan, entry.area, entry.item) is None


def test_empty_plan_blames_no_fleet(tiny: Scenario) -> None:
    """With no trips at all, every shortfall within reach is 'not_served', naming an idle vehicle."""
    scenario = apply_disruptions(tiny)
    inst = build_instance(scenario, build_travel_times(scenario))
    unmet = explain_unmet(inst, [], np.zeros_like(inst.demand), inst.stock.copy())
    reasons = {u.reason for u in unmet}
    assert UnmetReason.FLEET not in reasons
    assert UnmetReason.NOT_SERVED in reasons
    for entry in unmet:
        if entry.reason is UnmetReason.NOT_SERVED:
            assert entry.detail is not None
            assert "idle at" in entry.detail


def test_stock_detail_names_the_stock_left_and_where_it_is_counted() -> None:
    """A 'stock' entry never says all stock is used while a warehouse within reach holds some."""
    data = tiny_data()
    data["areas"][1]["demand"]["tent"] = 200  # 320 tents wanted, 250 stocked
    scenario = apply_disruptions(supplyopt.parse_scenario(data))
    inst = build_instance(scenario, build_travel_times(scenario))
    unmet = explain_unmet(inst, [], np.zeros_like(inst.demand), inst.stock.copy())
    stock = [u for u in unmet if u.reason is UnmetReason.STOCK]
    assert [(u.area, u.item, u.quantity) for u in stock] == [("a2", "tent", 70)]
    assert stock[0].detail == (
        "250 left within reach after this plan (w1 200, w2 50), all counted: 130 as this "
        "area's 'not_served' shortfall, 120 against areas listed earlier"
    )


def test_planned_stock_details_match_the_stock_left() -> None:
    """In a real plan, each 'stock' detail's per-warehouse counts are the stock the plan leaves."""
    data = tiny_data()
    data["areas"][1]["demand"]["tent"] = 200
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, seed=0)
    assert_valid(scenario, plan)
    stock = [u for u in plan.unmet if u.reason is UnmetReason.STOCK]
    assert stock
    for entry in stock:
        left = {w.id: w.stock.get(entry.item, 0) for w in scenario.warehouses}
        for trip in plan.trips:
            left[trip.warehouse] -= sum(s.deliver.get(entry.item, 0) for s in trip.stops)
        assert entry.detail is not None
        if entry.detail == "all stock within reach is used":
            assert sum(left.values()) == 0, entry  # every tiny warehouse is within reach
        else:
            named = entry.detail.split("(", 1)[1].split(")", 1)[0]
            assert named == ", ".join(f"{w} {n}" for w, n in left.items() if n > 0)


def test_stock_missing_where_it_could_arrive_in_time_is_stock_not_deadline() -> None:
    """Short because the warehouses that arrive in time hold none: 'stock'; 'deadline' only when none can.

    Issue 15: the live inventory left the two nearby reserves without
    tent-stoves, only far reserves held them, and the areas were reported
    short for 'deadline'.
    """
    data = tiny_data()
    data["warehouses"][0]["stock"].pop("tent")
    data["warehouses"][1].update(lat=48.0, lon=96.0)  # ~750 km away: never in 12 h
    data["areas"].append({"id": "far", "lat": 30.0, "lon": 60.0, "demand": {"tent": 5, "quilt": 5}})
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5, seed=0)
    assert_valid(scenario, plan)
    reasons = {(u.area, u.item): u.reason for u in plan.unmet}
    assert reasons[("a1", "tent")] is UnmetReason.STOCK
    assert reasons[("a2", "tent")] is UnmetReason.STOCK
    assert reasons[("far", "tent")] is UnmetReason.DEADLINE
    assert reasons[("far", "quilt")] is UnmetReason.DEADLINE
    detail = next(u.detail for u in plan.unmet if (u.area, u.item) == ("a1", "tent"))
    assert detail is not None
    assert "w1" in detail


def test_refute_fleet_names_the_first_visit_with_room_and_stock_left() -> None:
    """The first trip not excluded that stops in time with room and stock left refutes 'fleet'.

    A trip that visits a1 twice counts once; a full truck, or a warehouse with none of the
    item left, does not refute.
    """
    scenario = supplyopt.parse_scenario(tiny_data())

    def trip(vehicle: str, warehouse: str, stops: list[tuple[str, dict[str, int]]]) -> Trip:
        visits = [Stop(area=a, arrive_hours=2.0 + n, deliver=d) for n, (a, d) in enumerate(stops)]
        return Trip(
            vehicle=vehicle,
            warehouse=warehouse,
            vehicle_type="truck",
            load_start_hours=1.0,
            depart_hours=1.5,
            stops=visits,
            return_hours=6.0,
            distance_km=100.0,
        )

    trips = [
        trip("w2/truck/1", "w2", [("a1", {"quilt": 500})]),  # w2 has no quilt left
        trip("w1/truck/1", "w1", [("a1", {"quilt": 1000})]),  # 30 m3: full
        trip("w1/truck/2", "w1", [("a1", {"tent": 10}), ("a2", {"tent": 10}), ("a1", {})]),
        trip("w1/truck/3", "w1", [("a1", {"tent": 10})]),
    ]
    short = Unmet(area="a1", item="quilt", quantity=5, reason=UnmetReason.FLEET)
    (entry,) = refute_fleet(scenario, trips, [short])
    assert entry.reason is UnmetReason.NOT_SERVED
    assert entry.detail is not None
    assert entry.detail.startswith("w1/truck/2 stops there at 2.00 h with room")
    (entry,) = refute_fleet(scenario, trips, [short], exclude={2})
    assert entry.detail is not None
    assert entry.detail.startswith("w1/truck/3 stops there")
    assert refute_fleet(scenario, trips, [short], exclude={2, 3}) == [short]
