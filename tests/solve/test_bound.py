"""The LP upper bound on weighted on-time coverage: exact on hand examples, never below a plan."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import supplyopt
from benchmarks.relief.families import Family
from benchmarks.relief.generator import generate
from supplyopt.io import load_scenario_data, parse_scenario
from supplyopt.model import Scenario, Stop, Trip, apply_disruptions, assemble_plan
from supplyopt.network import build_travel_times, haversine_km
from supplyopt.solve.planner import WorkBudget
from supplyopt.solve.reference import coverage_upper_bound, plan_baseline
from supplyopt.solve.reference._vehicle_time import queue_lines
from tests.budget import examples
from tests.conftest import two_depot_data
from tests.relief_strategies import small_families
from tests.shared_data import shared_file
from tests.transfer_case import transfer_data, transfer_plan, varied_transfer_data

#: A warehouse and an area 0.5 degree of latitude apart.
_KM = float(haversine_km(44.0, 87.0, 44.5, 87.0))


def one_lane(
    *,
    travel_h: float,
    trucks: int,
    loading_hours: float,
    bays: int | None = None,
    demand: int = 100,
    stock: int = 1000,
    area_lat: float = 44.5,
    unloading_hours: float = 0.0,
) -> Scenario:
    """One warehouse, one area, one item of 1 m3, trucks carrying 10 units."""
    warehouse: dict[str, Any] = {
        "id": "w",
        "lat": 44.0,
        "lon": 87.0,
        "stock": {"box": stock},
        "fleet": {"truck": trucks},
        "loading_hours": loading_hours,
    }
    if bays is not None:
        warehouse["loading_bays"] = bays
    return parse_scenario(
        {
            "name": "one-lane",
            "deadline_hours": 12.0,
            "items": [{"id": "box", "weight_kg": 10.0, "volume_m3": 1.0}],
            "vehicle_types": [
                {
                    "id": "truck",
                    "capacity_kg": 1000.0,
                    "capacity_m3": 10.0,
                    "speed_kmh": _KM / travel_h,
                }
            ],
            "warehouses": [warehouse],
            "areas": [
                {
                    "id": "a",
                    "lat": area_lat,
                    "lon": 87.0,
                    "demand": {"box": demand},
                    "unloading_hours": unloading_hours,
                }
            ],
            "roads": {"model": "great_circle", "circuity": 1.0},
        }
    )


def test_fleet_time_with_a_free_last_return() -> None:
    """One truck: 12 h + one 2 h return, 5 h per round trip, so 2.8 loads of 10 out of 100."""
    bound = coverage_upper_bound(one_lane(travel_h=2.0, trucks=1, loading_hours=1.0))
    assert bound.weighted_coverage == pytest.approx(0.28)


def test_unloading_counts_in_the_trip_and_the_free_return() -> None:
    """Unloading 1 h: 6 h per trip, budget 12 + 1 + 2 h, so 2.5 loads."""
    scenario = one_lane(travel_h=2.0, trucks=1, loading_hours=1.0, unloading_hours=1.0)
    assert coverage_upper_bound(scenario).weighted_coverage == pytest.approx(0.25)


def test_free_return_is_counted_on_last_trips_actual_loads() -> None:
    """A far area needing one unit does not lend its 5 h return to every truck: 6.5 loads, not 8.5.

    One truck, no loading or unloading time: near area 1 h away (100 units
    wanted), far area 5 h away (1 unit). Round trips to the near area take
    2 h; the last one need not come back, which is worth 1 h, so 13 h of
    driving carry 6.5 loads of 10. A flat allowance of the longest return
    (5 h) would allow 8.5.
    """
    data = one_lane(travel_h=1.0, trucks=1, loading_hours=0.0).model_dump(by_alias=True)
    data["areas"].append(
        {"id": "far", "lat": 46.5, "lon": 87.0, "demand": {"box": 1}, "unloading_hours": 0.0}
    )
    bound = coverage_upper_bound(parse_scenario(data))
    assert bound.weighted_coverage == pytest.approx(65 / 101)


def test_loading_bays_cap_the_loads() -> None:
    """One bay, 2 h per loading, 1 h drive: loadings start at 0, 2, 4, 6 and 8 h, 5 loads.

    The last loading must start by 9 h to arrive by 12 h: 11 h of bay time
    (5.5 loads, the bound before the bays' cumulative rows), but only five
    whole loadings start by then (trucks allow 6.5).
    """
    scenario = one_lane(travel_h=1.0, trucks=2, loading_hours=2.0, bays=1)
    assert coverage_upper_bound(scenario).weighted_coverage == pytest.approx(0.5)
    unlimited = one_lane(travel_h=1.0, trucks=2, loading_hours=2.0)
    assert coverage_upper_bound(unlimited).weighted_coverage == pytest.approx(0.65)


def test_far_areas_take_only_the_loadings_early_enough() -> None:
    """One bay, 1 h loadings; a far area (6 h away, priority 10) and a near one (1 h away).

    A load for the far area must start by 5 h: six loadings (0, 1, ..., 5 h)
    can serve it, the bay's other five (by 10 h) only the near area. So at
    most 60 boxes far and 110 in all: (10 × 60 + 50) / 11,000. The bay's
    total hours alone (before the cumulative rows) let all 11 loads go far:
    1,100 / 11,000.
    """
    data = one_lane(travel_h=1.0, trucks=20, loading_hours=1.0, bays=1).model_dump(by_alias=True)
    data["areas"][0]["demand"] = {"box": 1000}
    data["areas"].append(
        {"id": "far", "lat": 47.0, "lon": 87.0, "demand": {"box": 1000}, "priority": 10}
    )
    scenario = parse_scenario(data)
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert bound == pytest.approx(650 / 11_000)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert 0 < plan.summary.weighted_coverage_on_time <= bound + 1e-7


def test_stock_caps_the_bound() -> None:
    """With 40 units for a need of 100 and trucks to spare, the bound is 0.4."""
    scenario = one_lane(travel_h=1.0, trucks=20, loading_hours=0.5, stock=40)
    assert coverage_upper_bound(scenario).weighted_coverage == pytest.approx(0.4)


def test_area_beyond_reach_gets_nothing() -> None:
    """An area whose earliest arrival is after the deadline adds nothing to the bound."""
    scenario = one_lane(travel_h=11.8, trucks=5, loading_hours=0.5)
    assert coverage_upper_bound(scenario).weighted_coverage == 0.0


def test_full_coverage_when_nothing_binds() -> None:
    """The small-loose family is fully coverable."""
    assert coverage_upper_bound(generate("small-loose", 1)).weighted_coverage == pytest.approx(1.0)


def test_fleet_constraints_only_lower_the_bound() -> None:
    """Adding fleet and bay rows never raises the transportation bound."""
    scenario = generate("medium-bays", 1)
    loose = coverage_upper_bound(scenario, with_fleet=False)
    tight = coverage_upper_bound(scenario)
    assert tight.weighted_coverage <= loose.weighted_coverage + 1e-9
    assert tight.weighted_coverage < 0.99


families = small_families(max_areas=8)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=families, seed=st.integers(0, 2**16))
def test_bound_is_never_below_the_baseline(family: Family, seed: int) -> None:
    """On random small scenarios, the hand-dispatch plan never beats the bound."""
    scenario = generate(family, seed)
    bound = coverage_upper_bound(scenario)
    plan = plan_baseline(scenario)
    assert plan.summary.weighted_coverage_on_time <= bound.weighted_coverage + 1e-7


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(family=families, seed=st.integers(0, 2**16))
def test_bound_is_never_below_the_planner(family: Family, seed: int) -> None:
    """On random small scenarios, plan_relief (multi-stop, multi-trip) never beats the bound."""
    scenario = generate(family, seed)
    bound = coverage_upper_bound(scenario)
    plan = supplyopt.plan_relief(scenario, time_limit_s=2.0)
    assert plan.summary.weighted_coverage_on_time <= bound.weighted_coverage + 1e-7


@pytest.mark.parametrize(
    "name",
    [
        # Reading the Andorra OSM extract takes most of a minute: CI only.
        pytest.param(name, marks=pytest.mark.slow) if name == "andorra-flood" else name
        for name in sorted(supplyopt.bundled_scenarios())
    ],
)
def test_bound_holds_on_the_bundled_scenarios(name: str) -> None:
    """Neither the planner nor hand dispatch beats the bound on a bundled scenario."""
    path = supplyopt.bundled_scenarios()[name]
    roads = load_scenario_data(path).get("roads", {})
    if roads.get("model") == "osm":
        shared_file("osm/" + Path(roads["file"]).name)  # skips, saying so, without the extract
    scenario = supplyopt.read_scenario(path)
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert plan_baseline(scenario).summary.weighted_coverage_on_time <= bound + 1e-7
    planned = supplyopt.plan_relief(scenario, time_limit_s=3.0)
    assert planned.summary.weighted_coverage_on_time <= bound + 1e-7


def test_bound_counts_vehicles_loading_away_from_their_base() -> None:
    """Trucks based where nothing is stocked can still carry the stock elsewhere."""
    scenario = supplyopt.parse_scenario(two_depot_data())
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0)
    assert plan.summary.weighted_coverage_on_time == pytest.approx(1.0)
    assert coverage_upper_bound(scenario).weighted_coverage == pytest.approx(1.0)


def test_bound_ignores_a_base_ready_only_after_the_deadline() -> None:
    """A base ready after the deadline adds no working time; it must not take any away."""
    data = two_depot_data()
    data["warehouses"][0].update(ready_hours=34, fleet={"truck": 1})
    data["warehouses"][1]["fleet"] = {"truck": 2}
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert plan.summary.weighted_coverage_on_time <= bound + 1e-7
    assert bound == pytest.approx(1.0)


def test_bound_of_a_warehouse_without_deliveries_warns_nothing() -> None:
    """A warehouse with unlimited bays that serves nothing gives no inf x 0 RuntimeWarning."""
    scenario = supplyopt.parse_scenario(two_depot_data())  # the garage stocks nothing
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bound = coverage_upper_bound(scenario)
    assert bound.weighted_coverage == pytest.approx(1.0)


def _far_garage(lon: float) -> Scenario:
    """Two trucks at a garage at ``lon``, 50,000 units of water at the depot beside the areas."""
    data = two_depot_data()
    data["warehouses"][0]["lon"] = lon
    data["warehouses"][1]["stock"] = {"water": 50_000}
    data["areas"][0]["demand"] = {"water": 30_000}
    data["areas"][1]["demand"] = {"water": 20_000}
    return supplyopt.parse_scenario(data)


def test_vehicles_loading_away_from_their_base_pay_the_drive_there() -> None:
    """A garage 5.6 h from the only stock leaves its trucks 5.9 of their 11.5 h to carry it.

    With the empty drive free (the fleet pooled over warehouses, as before
    issue 13) both scenarios had the same bound.
    """
    near = coverage_upper_bound(_far_garage(0.0)).weighted_coverage
    scenario = _far_garage(-2.8)  # 3 degrees from the depot: 333.6 km at 60 km/h
    far = coverage_upper_bound(scenario).weighted_coverage
    assert far < 0.6 * near
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert 0 < plan.summary.weighted_coverage_on_time <= far + 1e-7


def test_a_stop_unloads_in_full_however_little_it_carries() -> None:
    """30 areas wanting one box each, 1 h to unload: one truck can reach at most 13 by 12 h.

    Pro rata (before issue 13) the 30 boxes were 3 truckloads, 0.1 h of
    unloading each, and the bound was 1. Each stop takes its whole hour, and
    the last trip need not finish its last unloading nor drive back: 12 + 1
    hours for 30 hour-long stops.
    """
    data = one_lane(travel_h=0.01, trucks=1, loading_hours=0.0).model_dump(by_alias=True)
    area = data["areas"][0]
    data["areas"] = [
        {
            **area,
            "id": f"a{k}",
            "lon": 87.0 + 0.0001 * k,
            "demand": {"box": 1},
            "unloading_hours": 1.0,
        }
        for k in range(30)
    ]
    scenario = parse_scenario(data)
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert bound <= 13.1 / 30
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert 0 < plan.summary.weighted_coverage_on_time <= bound + 1e-7


def test_a_stop_sent_only_the_light_items_unloads_in_full() -> None:
    """20 areas each wanting 10 quilts and 9 tents (a truckload), 1 h to unload; no tents in stock.

    Only quilts can go: each area's are a tenth of a truckload. Charged that
    tenth of the area's unloading (the pro-rata charge before issue 13's
    tenth session), the 20 stops took 3 h and the bound was 0.5. Each stop
    unloads for its whole hour: 0.05 h of loading and 1 h per area, in 12 h
    plus the last stop's unloading (13 h), is at most 12.4 areas of 20.
    """
    data = one_lane(travel_h=0.01, trucks=1, loading_hours=0.5).model_dump(by_alias=True)
    data["items"] = [
        {"id": "quilt", "weight_kg": 1.0, "volume_m3": 0.1},
        {"id": "tent", "weight_kg": 10.0, "volume_m3": 1.0},
    ]
    data["warehouses"][0]["stock"] = {"quilt": 200}
    area = data["areas"][0]
    data["areas"] = [
        {
            **area,
            "id": f"a{k}",
            "lon": 87.0 + 0.0001 * k,
            "demand": {"quilt": 10, "tent": 9},
            "unloading_hours": 1.0,
        }
        for k in range(20)
    ]
    scenario = parse_scenario(data)
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert bound <= 0.5 * (13.0 / 1.05) / 20 + 1e-6
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert 0.25 <= plan.summary.weighted_coverage_on_time <= bound + 1e-7


def test_first_loadings_queue_at_the_bays() -> None:
    """Four trucks, one bay, 0.5 h loadings: the first loadings start at 0, 0.5, 1 and 1.5 h.

    5.5 h per load (0.5 h loading, 2.5 h each way); 48 h of fleet time and
    a 2.5 h free return per truck, less the 3 h the queue costs: 55 h, 10
    loads of 10 out of 1,000. Without the queue (before issue 13) 10.55.
    """
    scenario = one_lane(travel_h=2.5, trucks=4, loading_hours=0.5, bays=1, demand=1000)
    bound = coverage_upper_bound(scenario).weighted_coverage
    assert bound == pytest.approx(0.1)
    plan = supplyopt.plan_relief(scenario, time_limit_s=5.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert plan.summary.weighted_coverage_on_time <= bound + 1e-7


def test_queue_lines_meet_the_least_total_wait_at_every_count() -> None:
    """The lines under Q(k) = Σ_(j<k) floor(j / bays) × loading meet it at every integer k."""
    for bays, n in ((1, 6), (2, 9), (3, 10)):
        lines = queue_lines(n, bays, 0.5)
        for k in range(n + 1):
            least = 0.5 * sum(j // bays for j in range(k))
            assert max([0.0, *(s * k + c for s, c in lines)]) == pytest.approx(least)
    assert queue_lines(10, None, 0.5) == []
    assert queue_lines(3, 4, 0.5) == []


def test_bound_covers_a_plan_with_a_transfer() -> None:
    """Kits only far away, vans only near: the planner's transfers reach 1.0, and so does the bound.

    Before the bound knew transfers it kept each warehouse's stock where it
    was and said 0.785, below the plan.
    """
    scenario = supplyopt.parse_scenario(transfer_data())
    bound = coverage_upper_bound(scenario, transfers=True)
    assert bound.transfer_columns > 0
    budget = WorkBudget(variants=0, restarts=0, lns_iterations=60)
    plan = supplyopt.plan_relief(scenario, time_limit_s=120, seed=1, budget=budget, transfers=True)
    assert supplyopt.check_plan(scenario, plan) == []
    assert any(t.transfer is not None for t in plan.trips)
    assert plan.summary.weighted_coverage_on_time == pytest.approx(1.0)
    assert bound.weighted_coverage >= plan.summary.weighted_coverage_on_time - 1e-7
    # The default bound is for plans without transfers (plan_relief's default): 0.785.
    assert coverage_upper_bound(scenario).weighted_coverage < 0.8
    one, by_hand = transfer_plan()
    assert supplyopt.check_plan(one, by_hand) == []
    assert (
        by_hand.summary.weighted_coverage_on_time
        <= coverage_upper_bound(one, transfers=True).weighted_coverage + 1e-7
    )


@pytest.mark.parametrize("seed", [101, 103])
def test_bound_covers_varied_plans_with_transfers(seed: int) -> None:
    """Varied transfer cases where the planner keeps a transfer: the bound stays above."""
    scenario = supplyopt.parse_scenario(varied_transfer_data(seed))
    budget = WorkBudget(variants=1, restarts=0, lns_iterations=400)
    plan = supplyopt.plan_relief(
        scenario, time_limit_s=120, seed=seed, budget=budget, transfers=True
    )
    assert any(t.transfer is not None for t in plan.trips)
    bound = coverage_upper_bound(scenario, transfers=True).weighted_coverage
    assert plan.summary.weighted_coverage_on_time <= bound + 1e-7


def _shuttle(drive_h: float) -> Scenario:
    """One truck and 1,000 boxes at ``a``; slow vans at ``b``, ``drive_h`` further on; an area beyond.

    Trucks drive 0.5 degree an hour, vans a quarter of that (so no van
    reaches ``a`` and back in time); an hour's loading at either warehouse;
    the area is half an hour past ``b`` by truck, ``drive_h + 0.5`` from ``a``.
    """
    data = one_lane(travel_h=1.0, trucks=1, loading_hours=1.0).model_dump(by_alias=True)
    lat_b = 44.0 + 0.5 * drive_h
    van = {**data["vehicle_types"][0], "id": "van", "speed_kmh": _KM / 4}
    data["vehicle_types"].append(van)
    data["warehouses"].append(
        {
            "id": "b",
            "lat": lat_b,
            "lon": 87.0,
            "stock": {},
            "fleet": {"van": 20},
            "loading_hours": 1.0,
        }
    )
    data["areas"][0].update(lat=lat_b + 0.25, demand={"box": 1000})
    return parse_scenario(data)


@pytest.mark.parametrize("drive_h", [3.0, 5.0])
def test_a_transfer_pays_loading_unloading_and_drive(drive_h: float) -> None:
    """The truck's day by hand: one last trip straight to the area, transfers in the rest.

    A direct trip from ``a`` takes 1 h loading + ``D + 0.5`` out (its return
    is free as the truck's last trip); each truckload carried to ``b`` for
    the vans costs 1 h loading, 1 h unloading and the drive ``D`` (the
    class's drive to ``b`` for the first, the drive hours ``G`` for every
    one). So ``1 + (12 − 1.5 − D) / (2 + D)`` loads of 10 boxes out of 1,000:
    2.5 at ``D = 3``, 1.79 at ``D = 5``. With stock kept where it was
    (before transfers) the bound counted direct trips only (1.94 and 1.46
    loads); with a transfer's drive paid only once per vehicle class, 4.5
    loads at ``D = 3``. (A real day makes one load: the truck's drive back
    for a second one is not charged.)
    """
    bound = coverage_upper_bound(_shuttle(drive_h), transfers=True)
    assert bound.transfer_columns == 1
    loads = 1 + (12 - 1.5 - drive_h) / (2 + drive_h)
    assert bound.weighted_coverage == pytest.approx(loads * 10 / 1000)


def test_bound_holds_where_a_closed_zone_breaks_the_triangle_inequality() -> None:
    """A closed zone cuts the direct road to a2; a trip round it through a1 is valid and scores 1.

    The bound read the direct (infinite) drive as a lower bound on any
    route and gave 1/6 (found in review); drives from and to warehouses are
    now shortest through any sites.
    """
    data: dict[str, Any] = {
        "name": "detour",
        "deadline_hours": 12.0,
        "items": [{"id": "box", "weight_kg": 10.0, "volume_m3": 0.1}],
        "vehicle_types": [{"id": "t", "capacity_kg": 1000, "capacity_m3": 10}],
        "warehouses": [
            {"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"box": 100}, "fleet": {"t": 1}}
        ],
        "areas": [
            {"id": "a1", "lat": 44.5, "lon": 87.5, "demand": {"box": 1}},
            {"id": "a2", "lat": 44.0, "lon": 88.0, "demand": {"box": 10}},
            {"id": "a3", "lat": 43.5, "lon": 87.5, "demand": {"box": 1}},
        ],
        "disruptions": [
            {"kind": "close_roads", "circle": {"lat": 44.0, "lon": 87.5, "radius_km": 10}}
        ],
    }
    scenario = supplyopt.parse_scenario(data)
    travel = build_travel_times(apply_disruptions(scenario))
    hours, km = travel.duration_h["t"], travel.distance_km["t"]
    assert not np.isfinite(hours[0, 2])  # w -> a2 direct: closed
    arrive, stops, t = [], [], 0.0
    for here, nxt, name, boxes in ((0, 1, "a1", 1), (1, 2, "a2", 10), (2, 3, "a3", 1)):
        t += float(hours[here, nxt]) + 0.001
        stops.append(Stop(area=name, arrive_hours=round(t, 4), deliver={"box": boxes}))
        arrive.append(t)
    trip = Trip(
        vehicle="w/t/1",
        warehouse="w",
        vehicle_type="t",
        load_start_hours=0.0,
        depart_hours=0.0,
        stops=stops,
        return_hours=round(t + float(hours[3, 0]) + 0.01, 4),
        distance_km=round(float(km[0, 1] + km[1, 2] + km[2, 3] + km[3, 0]), 3),
    )
    plan = assemble_plan(scenario, [trip], [], solve_seconds=0.0)
    assert supplyopt.check_plan(scenario, plan) == []
    assert plan.summary.weighted_coverage_on_time == pytest.approx(1.0)
    assert coverage_upper_bound(scenario).weighted_coverage >= 1.0 - 1e-7


def test_bound_counts_lots_due_after_the_deadline() -> None:
    """A lot due at 5 h, 1.7 h away, with the deadline at 1.5 h: the plan covers it, so may the bound.

    Every row read "by the deadline" and gave 0.5 (found in review); they now
    read the latest lot's due time.
    """
    data: dict[str, Any] = {
        "name": "late-lot",
        "deadline_hours": 1.5,
        "items": [{"id": "box", "weight_kg": 10.0, "volume_m3": 0.1}],
        "vehicle_types": [{"id": "t", "capacity_kg": 1000, "capacity_m3": 10}],
        "warehouses": [
            {"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"box": 100}, "fleet": {"t": 2}}
        ],
        "areas": [
            {
                "id": "far",
                "lat": 44.0,
                "lon": 88.0,
                "demand": {"box": 10},
                "lots": [{"item": "box", "quantity": 10, "due_hours": 5.0}],
            },
            {"id": "near", "lat": 44.2, "lon": 87.0, "demand": {"box": 10}},
        ],
    }
    scenario = supplyopt.parse_scenario(data)
    plan = supplyopt.plan_relief(scenario, time_limit_s=10.0, seed=1)
    assert supplyopt.check_plan(scenario, plan) == []
    assert plan.summary.weighted_coverage_on_time == pytest.approx(1.0)
    assert coverage_upper_bound(scenario).weighted_coverage >= 1.0 - 1e-7
