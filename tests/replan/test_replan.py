"""Re-planning (contract §6): what is under way stays, what happened is respected."""

from __future__ import annotations

import functools
import math
from typing import Any

import pytest

import supplyopt
from supplyopt import Plan, Scenario
from supplyopt.check_revision import check_revision
from supplyopt.model import EventsError, apply_events, fill_lots, parse_events
from supplyopt.network import build_travel_times
from supplyopt.replan.state import trip_load
from tests.conftest import scenario_data

TIME_LIMIT_S = 2.0


@functools.cache
def _planned(name: str, seed: int = 0) -> tuple[Scenario, Plan]:
    scenario = supplyopt.parse_scenario(scenario_data(name))
    return scenario, supplyopt.plan_relief(scenario, time_limit_s=TIME_LIMIT_S, seed=seed)


def _revise(scenario: Scenario, plan: Plan, events: dict[str, Any], **options: Any) -> Plan:
    """``supplyopt.replan``, its result checked by the independent revision checker."""
    new = supplyopt.replan(scenario, plan, events, **options)
    assert check_revision(scenario, new, plan, events) == []
    return new


def _carry(scenario: Scenario, plan: Plan, events: dict[str, Any]) -> Plan:
    """``supplyopt.carry_on``, its result checked by the independent revision checker."""
    new = supplyopt.carry_on(scenario, plan, events)
    assert check_revision(scenario, new, plan, events) == []
    return new


def _replan(name: str, events: dict[str, Any], seed: int = 0) -> tuple[Scenario, Plan, Plan]:
    scenario, plan = _planned(name, seed)
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S, seed=seed)
    return scenario, plan, new


def _changed(scenario: Scenario, plan: Plan, events: dict[str, Any]) -> Scenario:
    return apply_events(scenario, parse_events(events, scenario, plan)).changed


@pytest.mark.parametrize("now", [0.0, 2.0, 4.0, 20.0])
def test_no_event_keeps_every_trip(now: float) -> None:
    """With no event, a complete plan is kept trip for trip, with the same KPIs."""
    scenario, plan, new = _replan("tiny", {"now_hours": now, "events": []})
    assert plan.status == "complete"
    assert new.replan is not None
    assert (new.replan.kept, new.replan.changed, new.replan.cancelled, new.replan.new) == (
        len(plan.trips),
        0,
        0,
        0,
    )
    assert new.replan.changes == []
    assert {t.model_dump_json() for t in new.trips} == {t.model_dump_json() for t in plan.trips}
    assert new.summary.weighted_coverage_on_time == plan.summary.weighted_coverage_on_time
    assert new.summary.on_time_units == plan.summary.on_time_units
    assert supplyopt.check_plan(scenario, new) == []


def _events(plan: Plan, now: float, seed: int) -> dict[str, Any]:
    """A breakdown of a vehicle under way and an added area, both before ``now``."""
    under = [t for t in plan.trips if t.load_start_hours < now]
    events: list[dict[str, Any]] = [
        {
            "kind": "add_area",
            "at_hours": now / 2,
            "area": {"id": "dongwan", "lat": 44.0, "lon": 86.7, "demand": {"quilt": 150}},
        }
    ]
    if under:
        trip = under[seed % len(under)]
        events.append(
            {
                "kind": "vehicle_down",
                "at_hours": min(now, (trip.depart_hours + trip.return_hours) / 2),
                "vehicle": trip.vehicle,
            }
        )
    return {"now_hours": now, "events": events}


@pytest.mark.parametrize("name", ["tiny", "tiny-quake"])
@pytest.mark.parametrize("now", [0.5, 2.0, 3.5, 5.0])
@pytest.mark.parametrize("seed", [0, 1])
def test_under_way_fixed_part_never_changes(name: str, now: float, seed: int) -> None:
    """Every trip loading before now keeps its vehicle, loading, fixed stops; it loads nothing more."""
    scenario, plan = _planned(name, seed)
    events = _events(plan, now, seed)
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S, seed=seed)
    down = {e["vehicle"]: e["at_hours"] for e in events["events"] if e["kind"] == "vehicle_down"}
    for trip in plan.trips:
        if trip.load_start_hours >= now or trip.load_start_hours >= down.get(
            trip.vehicle, math.inf
        ):
            continue
        (same,) = [
            t
            for t in new.trips
            if t.vehicle == trip.vehicle and t.load_start_hours == trip.load_start_hours
        ]
        assert (same.warehouse, same.depart_hours) == (trip.warehouse, trip.depart_hours)
        cut = down.get(trip.vehicle, now)
        fixed = [s for s in trip.stops if s.arrive_hours <= min(now, cut)]
        assert same.stops[: len(fixed)] == fixed
        load, carried = trip_load(same), trip_load(trip)
        assert all(qty <= carried.get(item, 0) for item, qty in load.items())
        if trip.vehicle in down and down[trip.vehicle] < trip.return_hours:
            assert all(s.arrive_hours <= down[trip.vehicle] for s in same.stops)
    for trip in new.trips:
        known = any(
            t.vehicle == trip.vehicle and t.load_start_hours == trip.load_start_hours
            for t in plan.trips
        )
        assert known or trip.load_start_hours >= now - 1e-9


def test_vehicle_down_drops_later_stops_and_trips() -> None:
    """A breakdown ends the trip there (down_hours, load lost) and cancels the vehicle's later trips."""
    scenario, plan = _planned("tiny")
    first = min(plan.trips, key=lambda t: t.load_start_hours)
    down_h = first.stops[0].arrive_hours + 0.01
    events = {
        "now_hours": down_h,
        "events": [{"kind": "vehicle_down", "at_hours": down_h, "vehicle": first.vehicle}],
    }
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S)
    mine = [t for t in new.trips if t.vehicle == first.vehicle]
    assert len(mine) == 1
    (trip,) = mine
    extra = trip.model_extra or {}
    assert extra["down_hours"] == down_h
    assert trip.return_hours == down_h
    assert trip.stops == first.stops[:1]
    lost = trip_load(first)
    for item, qty in first.stops[0].deliver.items():
        lost[item] -= qty
    assert extra["lost"] == {i: q for i, q in lost.items() if q > 0}
    assert new.replan is not None
    later = [t for t in plan.trips if t.vehicle == first.vehicle and t is not first]
    assert new.replan.cancelled >= len(later)
    (change,) = [c for c in new.replan.changes if c.vehicle == first.vehicle]
    assert change.kind == "down"
    assert "broke down" in change.what


def test_added_area_gets_served_with_its_own_due_time() -> None:
    """An area added at 3 h is served from what is left; its lot is due 15 h, counted on time."""
    events = {
        "now_hours": 3.0,
        "events": [
            {
                "kind": "add_area",
                "at_hours": 3.0,
                "area": {
                    "id": "dongwan",
                    "name": "东湾",
                    "lat": 44.2,
                    "lon": 86.6,
                    "demand": {"quilt": 300},
                },
            }
        ],
    }
    scenario, plan, new = _replan("tiny", events)
    changed = _changed(scenario, plan, events)
    assert new.replan is not None
    assert [(lot.area, lot.due_hours) for lot in new.replan.lots if lot.area == "dongwan"] == [
        ("dongwan", 15.0)
    ]
    fill = fill_lots(changed, new.trips)
    assert fill.on_time[("dongwan", "quilt")] == 300
    assert new.replan.new + new.replan.changed >= 1
    assert any("dongwan (new area)" in c.what for c in new.replan.changes)
    assert supplyopt.check_plan(changed, new) == []


def _closed_legs(op: Any, trips: list[Any], after_h: float) -> list[tuple[str, float]]:
    """(vehicle, leg start) of every leg starting at or after ``after_h`` that its roads forbid."""
    changed = op.changed
    sites = {w.id: i for i, w in enumerate(changed.warehouses)}
    areas = {a.id: len(sites) + i for i, a in enumerate(changed.areas)}
    unload = {a.id: a.unloading_hours for a in changed.areas}
    travel: dict[float, Any] = {}
    closed: list[tuple[str, float]] = []
    for trip in trips:
        site, leave = sites[trip.warehouse], trip.depart_hours
        for stop in [*trip.stops, None]:
            target = sites[trip.warehouse] if stop is None else areas[stop.area]
            known = max((at for at, _ in op.road_events if at <= leave), default=-1.0)
            if known not in travel:
                travel[known] = build_travel_times(op.roads_at(leave))
            hours = travel[known].duration_h[trip.vehicle_type][site, target]
            if leave >= after_h and not math.isfinite(hours):
                closed.append((trip.vehicle, leave))
            if stop is not None:
                site, leave = target, stop.arrive_hours + unload[stop.area]
    return closed


def test_closed_road_new_legs_avoid_it() -> None:
    """After a closure, every leg starting after it is drivable on the roads of its start."""
    scenario, plan = _planned("tiny")
    w1, a1 = scenario.warehouse("w1"), scenario.area("a1")
    events = {
        "now_hours": 1.5,
        "events": [
            {
                "kind": "close_roads",
                "at_hours": 1.2,
                # Halfway between w1 and a1, clear of both: the legs w1 → a1 cross it.
                "circle": {
                    "lat": (w1.lat + a1.lat) / 2,
                    "lon": (w1.lon + a1.lon) / 2,
                    "radius_km": 4,
                },
            }
        ],
    }
    op = apply_events(scenario, parse_events(events, scenario, plan))
    assert _closed_legs(op, plan.trips, 1.2)  # the plan being carried out drives through it
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S)
    assert _closed_legs(op, new.trips, 1.2) == []
    assert new.replan is not None
    assert new.replan.changed + new.replan.cancelled >= 1


def test_lost_stock_lowers_what_is_loaded() -> None:
    """Tents found missing before loading are not loaded: the plan takes at most what is left."""
    scenario, plan = _planned("tiny")
    events = {
        "now_hours": 0.5,
        "events": [
            {
                "kind": "stock_change",
                "at_hours": 0.2,
                "warehouse": "w1",
                "item": "tent",
                "quantity": -150,
            }
        ],
    }
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S)
    taken = sum(trip_load(t).get("tent", 0) for t in new.trips if t.warehouse == "w1")
    before = sum(trip_load(t).get("tent", 0) for t in plan.trips if t.warehouse == "w1")
    assert taken <= 50 < before
    changed = _changed(scenario, plan, events)
    assert supplyopt.check_plan(changed, new) == []
    assert any(u.reason.value == "stock" for u in new.unmet if u.item == "tent")


def test_invalid_events_are_refused_with_locations() -> None:
    """Bad events raise EventsError naming each problem's place; nothing is planned."""
    scenario, plan = _planned("tiny")
    events = {
        "now_hours": 2.0,
        "events": [
            {"kind": "vehicle_down", "at_hours": 1.0, "vehicle": "nowhere/truck/9"},
            {"kind": "set_demand", "at_hours": 3.0, "area": "a1", "demand": {"tent": 5}},
        ],
    }
    with pytest.raises(EventsError) as err:
        _revise(scenario, plan, events)
    where = [str(p) for p in err.value.problems]
    assert where[0].startswith("events[0].vehicle: unknown vehicle 'nowhere/truck/9'")
    assert where[1].startswith("events[1].at_hours: 3 is after now_hours 2")


def test_carry_on_without_events_is_the_plan() -> None:
    """Carrying on with nothing happened keeps every trip and changes nothing."""
    scenario, plan = _planned("tiny-quake")
    new = _carry(scenario, plan, {"now_hours": 3.0, "events": []})
    assert new.replan is not None
    assert (new.replan.kept, new.replan.changed, new.replan.cancelled, new.replan.new) == (
        len(plan.trips),
        0,
        0,
        0,
    )
    assert {t.model_dump_json() for t in new.trips} == {t.model_dump_json() for t in plan.trips}
    # Carrying on searches nothing, so no clock cuts it short, whatever cut the plan short
    # (a 2-core machine under load can stop the original plan's search early).
    assert new.summary.time_limited is None
    assert new.summary == plan.summary.model_copy(
        update={"solve_seconds": new.summary.solve_seconds, "time_limited": None}
    )


def test_carry_on_drops_what_a_breakdown_makes_impossible() -> None:
    """Carrying on: the broken vehicle's later trips are cancelled, nothing new is planned."""
    scenario, plan = _planned("tiny")
    first = min(plan.trips, key=lambda t: t.load_start_hours)
    events = {
        "now_hours": 3.0,
        "events": [
            {"kind": "vehicle_down", "at_hours": first.depart_hours, "vehicle": first.vehicle}
        ],
    }
    new = _carry(scenario, plan, events)
    assert new.replan is not None
    assert new.replan.new == 0
    assert len(new.trips) <= len(plan.trips)
    assert all(
        (t.model_extra or {}).get("down_hours") is None or t.vehicle == first.vehicle
        for t in new.trips
    )
    assert new.summary.weighted_coverage_on_time < plan.summary.weighted_coverage_on_time
    shorts = {(u.area, u.item) for u in new.unmet}
    assert shorts


def test_replan_serves_more_than_carrying_on() -> None:
    """After a breakdown and new demand, re-planning covers at least as much as carrying on."""
    scenario, plan = _planned("tiny")
    events = _events(plan, 3.0, 0)
    new = _revise(scenario, plan, events, time_limit_s=TIME_LIMIT_S)
    carried = _carry(scenario, plan, events)
    assert new.summary.weighted_coverage_on_time >= carried.summary.weighted_coverage_on_time
    assert new.replan is not None
    assert new.replan.now_hours == 3.0
    assert new.to_json()  # serialisable, names unescaped
