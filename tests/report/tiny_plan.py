"""A tiny scenario with Chinese names and a hand-made plan (one late stop, one unmet)."""

from __future__ import annotations

from supplyopt.io import parse_scenario
from supplyopt.model import (
    Plan,
    Scenario,
    Stop,
    Trip,
    Unmet,
    UnmetReason,
    assemble_plan,
)

SCENARIO = {
    "name": "tiny-quake",
    "deadline_hours": 12,
    "items": [
        {"id": "tent", "name": "救灾帐篷", "weight_kg": 80.0, "volume_m3": 0.5},
        {"id": "quilt", "name": "棉被", "weight_kg": 3.0, "volume_m3": 0.03},
    ],
    "vehicle_types": [
        {"id": "truck-5t", "name": "5吨货车", "capacity_kg": 5000.0, "capacity_m3": 28.0}
    ],
    "warehouses": [
        {
            "id": "north",
            "name": "北库",
            "lat": 44.0,
            "lon": 87.0,
            "stock": {"tent": 50, "quilt": 500},
            "fleet": {"truck-5t": 2},
            "ready_hours": 1.0,
            "loading_hours": 0.5,
            "loading_bays": 1,
        },
        {
            "id": "south",
            "name": "南库",
            "lat": 43.5,
            "lon": 86.5,
            "stock": {"tent": 10, "quilt": 100},
            "fleet": {"truck-5t": 1},
        },
    ],
    "areas": [
        {
            "id": "a1",
            "name": "甲乡",
            "lat": 43.8,
            "lon": 86.8,
            "demand": {"tent": 20, "quilt": 200},
            "priority": 3,
            "unloading_hours": 0.5,
        },
        {
            "id": "a2",
            "name": "乙镇",
            "lat": 43.9,
            "lon": 86.6,
            "demand": {"tent": 10, "quilt": 100},
            "unloading_hours": 0.25,
        },
        {"id": "a3", "name": "丙村", "lat": 43.6, "lon": 86.9, "demand": {"tent": 40}},
    ],
}


def make_scenario() -> Scenario:
    """Build the tiny scenario as a validated object."""
    return parse_scenario(SCENARIO)


def make_plan(scenario: Scenario) -> Plan:
    """Three trips: two on time, one late stop; 30 tents unmet at a3."""
    trips = [
        Trip(
            vehicle="north/truck-5t/1",
            warehouse="north",
            vehicle_type="truck-5t",
            load_start_hours=1.0,
            depart_hours=1.5,
            stops=[
                Stop(area="a1", arrive_hours=2.5, deliver={"tent": 20, "quilt": 200}),
                Stop(area="a2", arrive_hours=3.5, deliver={"tent": 10, "quilt": 100}),
            ],
            return_hours=5.0,
            distance_km=120.0,
        ),
        Trip(
            vehicle="north/truck-5t/1",
            warehouse="north",
            vehicle_type="truck-5t",
            load_start_hours=5.0,
            depart_hours=5.5,
            stops=[Stop(area="a3", arrive_hours=13.0, deliver={"tent": 20})],
            return_hours=20.0,
            distance_km=90.0,
        ),
        Trip(
            vehicle="south/truck-5t/1",
            warehouse="south",
            vehicle_type="truck-5t",
            load_start_hours=0.0,
            depart_hours=0.0,
            stops=[Stop(area="a3", arrive_hours=1.0, deliver={"tent": 10})],
            return_hours=2.0,
            distance_km=60.0,
        ),
    ]
    return assemble_plan(
        scenario,
        trips,
        [Unmet(area="a3", item="tent", quantity=30, reason=UnmetReason.DEADLINE)],
    )
