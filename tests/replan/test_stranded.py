"""Stranded trucks: no road back from where they are (contract §6 notes, docs/replan.md)."""

from __future__ import annotations

from typing import Any

import pytest

import supplyopt
from supplyopt.check_revision import check_revision
from supplyopt.model import Plan, Stop
from tests.revision_case import revision_case


def _closure(at_hours: float, now_hours: float) -> dict[str, Any]:
    """A circle on the way between a2 and w2 (the first trip's last stop and its warehouse)."""
    scenario, _, _, _ = revision_case()
    w2, a2 = scenario.warehouse("w2"), scenario.area("a2")
    circle = {"lat": (w2.lat + a2.lat) / 2, "lon": (w2.lon + a2.lon) / 2, "radius_km": 3}
    return {
        "now_hours": now_hours,
        "events": [{"kind": "close_roads", "at_hours": at_hours, "circle": circle}],
    }


def _revise(how: str, events: dict[str, Any]) -> Plan:
    scenario, previous, _, _ = revision_case()
    if how == "replan":
        return supplyopt.replan(scenario, previous, events, time_limit_s=2.0)
    return supplyopt.carry_on(scenario, previous, events)


@pytest.mark.parametrize("how", ["replan", "carry_on"])
@pytest.mark.parametrize(
    ("at_hours", "now_hours"),
    [(4.4087, 4.4187), (3.1072, 3.2)],  # closed as it leaves a2; closed before a3 → a2
)
def test_no_road_back_strands_the_truck_at_its_last_stop(
    how: str, at_hours: float, now_hours: float
) -> None:
    """It delivers what it still reaches, stays there (stranded_hours = return_hours), checker agrees."""
    scenario, previous, _, _ = revision_case()
    events = _closure(at_hours, now_hours)
    new = _revise(how, events)
    assert check_revision(scenario, new, previous, events) == []
    (trip,) = [t for t in new.trips if t.vehicle == "w2/truck/1"]
    extra = trip.model_extra or {}
    assert [s.area for s in trip.stops] == ["a1", "a3", "a2"]
    assert extra["stranded_hours"] == trip.return_hours
    assert trip.return_hours == pytest.approx(trip.stops[-1].arrive_hours, abs=1e-3)
    assert extra["lost"] == {}
    assert new.replan is not None
    (change,) = [c for c in new.replan.changes if c.vehicle == "w2/truck/1"]
    assert change.kind == "stranded"
    assert "no road back to w2" in change.what


def test_checker_refuses_a_stranding_the_roads_do_not_bear_out() -> None:
    """stranded_hours with a road back is a violation; so is a later trip of a stranded truck."""
    scenario, previous, _, _ = revision_case()
    no_events: dict[str, Any] = {"now_hours": 4.4187, "events": []}
    carried = supplyopt.carry_on(scenario, previous, no_events)
    first = carried.trips[0]
    claim = first.model_copy(update={"return_hours": 4.4087})
    claim = type(first).model_validate({**claim.model_dump(), "stranded_hours": 4.4087})
    bad = carried.model_copy(update={"trips": [claim, *carried.trips[1:]]})
    problems = check_revision(scenario, bad, previous, no_events)
    assert any("stranded_hours: 4.4087, but a road leads back from 'a2'" in p for p in problems)

    events = _closure(4.4087, 4.4187)
    stranded = supplyopt.carry_on(scenario, previous, events)
    later = stranded.trips[0].model_copy(
        update={
            "load_start_hours": 6.0,
            "depart_hours": 6.25,
            "stops": [Stop(area="a3", arrive_hours=9.0, deliver={"quilt": 1})],
            "return_hours": 12.0,
        }
    )
    more = stranded.model_copy(update={"trips": [*stranded.trips, later]})
    problems = check_revision(scenario, more, previous, events)
    assert any("is stranded from 4.4087 h (trips[0]) and is not used again" in p for p in problems)


def test_check_plan_refuses_a_stop_that_unloads_nothing() -> None:
    """Decision 1: a stop always unloads something."""
    scenario, previous, _, _ = revision_case()
    trip = previous.trips[0]
    empty = trip.model_copy(
        update={
            "stops": [
                *trip.stops[:1],
                trip.stops[1].model_copy(update={"deliver": {}}),
                *trip.stops[2:],
            ]
        }
    )
    plan = previous.model_copy(update={"trips": [empty, *previous.trips[1:]]})
    problems = supplyopt.check_plan(scenario, plan)
    assert "trips[0].stops[1].deliver: empty; a stop unloads something" in problems
