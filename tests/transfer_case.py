"""A scenario where only a stock transfer can cover the areas in time, and a plan using one.

Warehouse ``近仓`` ("near") sits among the areas with four vans and two bays
but no kits; ``far`` holds the kits and one big truck, about 6.3 h away.
Vans driving to ``far`` and back come too late, and the big truck's own trip
reaches only a few areas (an hour's unloading at each) before the deadline.
Carried to ``近仓`` instead, its load reaches every area on the vans.
"""

from __future__ import annotations

import random
from typing import Any

import supplyopt
from supplyopt.model import Plan, Scenario, Stop, Transfer, Trip, assemble_plan
from supplyopt.network import build_travel_times

NEAR = "近仓"


def transfer_data(n_areas: int = 10) -> dict[str, Any]:
    """The scenario as plain data: ``n_areas`` areas near ``近仓``, 50 kits each."""
    areas = [
        {
            "id": f"a{j + 1}",
            "lat": 0.04 * (1 + j % 3),
            "lon": 0.04 * (j // 3) - 0.06,
            "demand": {"kit": 50},
            "unloading_hours": 1.0,
        }
        for j in range(n_areas)
    ]
    return {
        "name": "transfer-case",
        "deadline_hours": 12,
        "items": [{"id": "kit", "weight_kg": 10.0, "volume_m3": 0.1}],
        "vehicle_types": [
            {"id": "big", "capacity_kg": 5000, "capacity_m3": 50},
            {"id": "van", "capacity_kg": 500, "capacity_m3": 5},
        ],
        "warehouses": [
            {
                "id": "far",
                "lat": 2.6,
                "lon": 0.0,
                "stock": {"kit": 50 * max(n_areas, 2)},
                "fleet": {"big": 1},
                "loading_hours": 0.5,
            },
            {
                "id": NEAR,
                "lat": 0.0,
                "lon": 0.0,
                "stock": {},
                "fleet": {"van": 4},
                "loading_hours": 0.5,
                "loading_bays": 2,
            },
        ],
        "areas": areas,
    }


def transfer_plan() -> tuple[Scenario, Plan]:
    """One area, and a valid plan: 100 kits to ``近仓``, 50 of them on to ``a1`` by van."""
    scenario = supplyopt.parse_scenario(transfer_data(n_areas=1))
    travel = build_travel_times(scenario)
    to_near_h = float(travel.duration_h["big"][0, 1])
    arrive = 0.5 + to_near_h
    moved = Trip(
        vehicle="far/big/1",
        warehouse="far",
        vehicle_type="big",
        load_start_hours=0.0,
        depart_hours=0.5,
        stops=[],
        return_hours=round(arrive + 0.5, 4),
        distance_km=round(float(travel.distance_km["big"][0, 1]), 3),
        transfer=Transfer(warehouse=NEAR, arrive_hours=round(arrive, 4), deliver={"kit": 100}),
    )
    start = moved.return_hours
    out_h, back_h = (float(travel.duration_h["van"][1, 2]), float(travel.duration_h["van"][2, 1]))
    van = Trip(
        vehicle=f"{NEAR}/van/1",
        warehouse=NEAR,
        vehicle_type="van",
        load_start_hours=start,
        depart_hours=start + 0.5,
        stops=[Stop(area="a1", arrive_hours=round(start + 0.5 + out_h, 4), deliver={"kit": 50})],
        return_hours=round(start + 0.5 + out_h + 1.0 + back_h, 4),
        distance_km=round(
            float(travel.distance_km["van"][1, 2] + travel.distance_km["van"][2, 1]), 3
        ),
    )
    plan = assemble_plan(scenario, [moved, van], [], solve_seconds=0.0)
    return scenario, plan


def varied_transfer_data(seed: int) -> dict[str, Any]:
    """The transfer case varied at random: areas, coats, bays, ready times, a third warehouse."""
    r = random.Random(seed)
    data = transfer_data(n_areas=r.randint(3, 14))
    data["items"].append({"id": "coat", "weight_kg": 2.0, "volume_m3": 0.02})
    for area in data["areas"]:
        area["demand"]["coat"] = r.randint(0, 80)
        area["unloading_hours"] = r.choice([0.25, 0.5, 1.0])
        area["priority"] = r.randint(1, 3)
        area["lat"] += r.uniform(-0.05, 0.05)
    far, near = data["warehouses"]
    far["lat"] = r.uniform(2.2, 3.0)
    far["fleet"] = {"big": r.randint(1, 3), "van": r.randint(0, 1)}
    far["stock"]["coat"] = r.randint(0, 800)
    bays = r.choice([1, 2, None])
    if bays is not None:
        far["loading_bays"] = bays
    near["stock"] = {"coat": r.randint(0, 200), "kit": r.choice([0, 0, 50, 150])}
    near["fleet"] = {"van": r.randint(1, 5)}
    near["loading_bays"] = r.randint(1, 3)
    near["ready_hours"] = r.choice([0, 0, 1.0, 3.0])
    if r.random() < 0.5:
        data["warehouses"].append(
            {
                "id": "mid",
                "lat": far["lat"] / 2,
                "lon": 0.3,
                "stock": {"kit": r.randint(0, 300)},
                "fleet": {"van": r.randint(0, 3), "big": r.randint(0, 1)},
                "loading_hours": 0.5,
                "loading_bays": 1,
            }
        )
    return data
