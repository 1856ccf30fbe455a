"""The bundled events file (the README's replan example) fits its scenario and re-plans cleanly."""

from __future__ import annotations

from pathlib import Path

import supplyopt
from supplyopt.check_revision import check_revision
from supplyopt.io import read_events

ROOT = Path(__file__).resolve().parents[2]


def test_snowstorm_events_replan_and_check() -> None:
    scenario = supplyopt.read_scenario(ROOT / "scenarios" / "changji-snowstorm.yaml")
    plan = supplyopt.plan_relief(scenario, time_limit_s=3, seed=1)
    events = read_events(ROOT / "scenarios/events/changji-snowstorm-events.yaml", scenario, plan)
    assert {event.kind for event in events.events} == {
        "set_demand",
        "add_area",
        "vehicle_down",
        "stock_change",
        "close_roads",
    }
    new = supplyopt.replan(scenario, plan, events, time_limit_s=3, seed=1)
    assert new.replan is not None
    assert new.replan.now_hours == events.now_hours
    assert check_revision(scenario, new, plan, events) == []
    # The settlement nobody had listed is served by the revision.
    assert any(stop.area == "xidi-winter-pasture" for trip in new.trips for stop in trip.stops)
