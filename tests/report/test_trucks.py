"""The per-vehicle view: each trip's load, stops with arrival times, and return."""

from __future__ import annotations

from supplyopt.model import Plan, Scenario
from supplyopt.report import trucks_text


def test_every_vehicle_with_trips_stops_and_return(scenario: Scenario, plan: Plan) -> None:
    """Each vehicle lists its trips in order: load, departure, stops with arrivals, return."""
    text = trucks_text(scenario, plan)
    lines = text.splitlines()
    north = lines.index("north/truck-5t/1 (truck-5t, based at 北库 (north))")
    assert lines[north + 1 : north + 6] == [
        "  trip 1: load at its base from T+01:00, depart T+01:30",
        "    carrying 救灾帐篷 × 30, 棉被 × 300",
        "    T+02:30  甲乡 (a1): 救灾帐篷 × 20, 棉被 × 200",
        "    T+03:30  乙镇 (a2): 救灾帐篷 × 10, 棉被 × 100",
        "    T+05:00  back at north (120.0 km)",
    ]
    assert "  trip 2: load at its base from T+05:00, depart T+05:30" in lines
    assert "    T+13:00  丙村 (a3): 救灾帐篷 × 20  LATE" in lines
    assert "    T+20:00  back at north (90.0 km)" in lines
    assert "south/truck-5t/1 (truck-5t, based at 南库 (south))" in lines
    assert text.startswith("Trucks: 2 vehicles, 3 trips;")


def test_vehicle_loading_away_from_its_base_says_so(scenario: Scenario, plan: Plan) -> None:
    """A truck loading at another warehouse names it and the empty drive there."""
    away = plan.trips[2].model_copy(update={"based_at": "north", "empty_km": 55.5})
    text = trucks_text(scenario, plan.model_copy(update={"trips": [*plan.trips[:2], away]}))
    assert "  trip 1: load at south from T+00:00, depart T+00:00" in text.splitlines()
    assert "    first drives empty 55.5 km from north" in text.splitlines()


def test_plan_without_trips(scenario: Scenario, plan: Plan) -> None:
    """A plan with no trips says so in one line."""
    assert trucks_text(scenario, plan.model_copy(update={"trips": []})) == "no trips in this plan"
