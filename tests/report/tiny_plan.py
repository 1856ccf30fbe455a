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
from tests.conftest import scenario_data

SCENARIO = scenario_data("tiny-quake")


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
