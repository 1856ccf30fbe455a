"""The re-planning benchmark's event streams: deterministic, valid, and aimed at the plan."""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
import pytest

from benchmarks.relief.generator import generate
from benchmarks.replan.events import (
    FIRST_EVENT_H,
    LAST_EVENT_H,
    _delivery_legs,
    event_times,
    events_file,
    generate_events,
)
from supplyopt.model import Plan, Scenario, apply_events, parse_events
from supplyopt.network.road_disruptions import leg_time_factors
from supplyopt.solve.reference import plan_baseline

FAMILIES = ("small-loose", "small-tight-stock", "small-one-depot", "medium-bays")
CASES = [(family, seed) for family in FAMILIES for seed in (1, 2, 3, 4, 5)]


@functools.cache
def _operation(family: str) -> tuple[Scenario, Plan]:
    """A family's seed-1 scenario and its hand-dispatch plan (fast and deterministic)."""
    scenario = generate(family, 1)
    return scenario, plan_baseline(scenario)


def _stream(family: str, seed: int) -> tuple[Scenario, Plan, list[dict[str, Any]]]:
    scenario, plan = _operation(family)
    return scenario, plan, generate_events(scenario, plan, seed)


def test_same_operation_and_seed_give_the_same_stream() -> None:
    """generate_events is a pure function of scenario, plan and seed; the seed matters."""
    scenario, plan = _operation("small-tight-stock")
    assert generate_events(scenario, plan, 3) == generate_events(scenario, plan, 3)
    assert generate_events(scenario, plan, 3) != generate_events(scenario, plan, 4)


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_stream_has_two_to_five_distinct_times_in_hours_one_to_eight(
    family: str, seed: int
) -> None:
    """2-5 events, in time order, at distinct times between hour 1 and hour 8."""
    _, _, events = _stream(family, seed)
    times = [e["at_hours"] for e in events]
    assert 2 <= len(events) <= 5
    assert times == sorted(times) == event_times(events)
    assert times[0] >= FIRST_EVENT_H
    assert times[-1] <= LAST_EVENT_H


def test_streams_mix_every_kind() -> None:
    """Over the cases every core kind and a stock change occur; no stream repeats a closure."""
    kinds = [[e["kind"] for e in _stream(f, s)[2]] for f, s in CASES]
    seen = {kind for stream in kinds for kind in stream}
    assert seen == {"set_demand", "add_area", "close_roads", "vehicle_down", "stock_change"}
    assert all(stream.count("close_roads") <= 1 for stream in kinds)
    assert all(stream.count("vehicle_down") <= 1 for stream in kinds)
    assert all(len(set(stream)) >= 2 for stream in kinds)


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_every_prefix_is_a_valid_events_file(family: str, seed: int) -> None:
    """At each event time the events known so far parse against the scenario and the plan."""
    scenario, plan, events = _stream(family, seed)
    for now_hours in event_times(events):
        data = events_file(events, now_hours)
        assert all(e["at_hours"] <= now_hours for e in data["events"])
        parse_events(data, scenario, plan)


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_demand_events_add_units(family: str, seed: int) -> None:
    """set_demand raises totals; an added area is new, near an existing one, with demand."""
    scenario, plan, events = _stream(family, seed)
    for idx, event in enumerate(events):
        before = events_file(events[:idx], event["at_hours"])
        areas = {
            a.id: a
            for a in apply_events(scenario, parse_events(before, scenario, plan)).changed.areas
        }
        if event["kind"] == "set_demand":
            for item, total in event["demand"].items():
                assert total > areas[event["area"]].demand[item]
        elif event["kind"] == "add_area":
            new = event["area"]
            assert new["id"] not in areas
            assert sum(new["demand"].values()) > 0
            assert min(_km(new, a.lat, a.lon) for a in scenario.areas) <= 31.0


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_closure_cuts_a_leg_the_plan_drives_later_and_no_site(family: str, seed: int) -> None:
    """The closure circle holds no site and closes a loaded leg that starts after it."""
    scenario, plan, events = _stream(family, seed)
    for event in events:
        if event["kind"] != "close_roads":
            continue
        circle = event["circle"]
        sites = [*scenario.warehouses, *scenario.areas]
        assert all(_km(circle, s.lat, s.lon) > circle["radius_km"] for s in sites)
        closure = parse_events(events_file([event], event["at_hours"]), scenario).events[0]
        legs = [
            leg
            for trip in plan.trips
            for leg in _delivery_legs(scenario, trip)
            if leg[0] >= event["at_hours"]
        ]
        lat = np.array([p[0] for _, a, b in legs for p in (a, b)])
        lon = np.array([p[1] for _, a, b in legs for p in (a, b)])
        factors = leg_time_factors(lat, lon, [closure])
        assert any(math.isinf(factors[2 * k, 2 * k + 1]) for k in range(len(legs)))


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_breakdown_hits_a_truck_with_work(family: str, seed: int) -> None:
    """The vehicle that breaks down is on the road at that time or has a trip still to come."""
    _, plan, events = _stream(family, seed)
    for event in events:
        if event["kind"] == "vehicle_down":
            at = event["at_hours"]
            trips = [t for t in plan.trips if t.vehicle == event["vehicle"]]
            assert any(t.return_hours > at for t in trips)


@pytest.mark.parametrize(("family", "seed"), CASES)
def test_lost_stock_is_at_most_half_of_what_the_plan_leaves(family: str, seed: int) -> None:
    """A loss takes at most half of what the plan never loads at that warehouse."""
    scenario, plan, events = _stream(family, seed)
    for event in events:
        if event["kind"] != "stock_change" or event["quantity"] > 0:
            continue
        warehouse = next(w for w in scenario.warehouses if w.id == event["warehouse"])
        loaded = sum(
            stop.deliver.get(event["item"], 0)
            for trip in plan.trips
            if trip.warehouse == warehouse.id
            for stop in trip.stops
        )
        assert -event["quantity"] <= (warehouse.stock[event["item"]] - loaded) / 2


def _km(point: dict[str, Any], lat: float, lon: float) -> float:
    dy = (point["lat"] - lat) * 111.2
    dx = (point["lon"] - lon) * 111.2 * math.cos(math.radians(44.0))
    return math.hypot(dx, dy)


def test_a_loss_larger_than_the_stock_left_is_capped_to_it() -> None:
    """When the plan in force left less than a stream's loss, the loss is what is there.

    A rolling re-plan's revisions may load stock the first plan left, before the
    loss is heard of; the library refuses a loss beyond what is left, the
    benchmark caps it (and counts it).
    """
    from benchmarks.replan.events import cap_losses
    from supplyopt.model import EventsError

    for family, seed in CASES:
        scenario, plan, events = _stream(family, seed)
        losses = [e for e in events if e["kind"] == "stock_change" and e["quantity"] < 0]
        if losses:
            break
    else:
        pytest.fail("no stream with a stock loss")
    loss = losses[0]
    data = events_file(events, loss["at_hours"])
    data["now_hours"] = max(e["at_hours"] for e in data["events"])
    assert cap_losses(data, scenario, plan) == (data, 0)
    # the same stock, but only 5 units of it left after what the plan loaded before now
    loaded = sum(
        stop.deliver.get(loss["item"], 0)
        for trip in plan.trips
        if trip.warehouse == loss["warehouse"] and trip.load_start_hours < data["now_hours"]
        for stop in trip.stops
    )
    scarce = scenario.model_copy(deep=True)
    (warehouse,) = [w for w in scarce.warehouses if w.id == loss["warehouse"]]
    warehouse.stock[loss["item"]] = loaded + 5
    with pytest.raises(EventsError, match="quantity"):
        parse_events(data, scarce, plan)
    capped, count = cap_losses(data, scarce, plan)
    assert count == 1
    (changed,) = [e for e in capped["events"] if e["kind"] == "stock_change"]
    assert changed["quantity"] == -5
    parse_events(capped, scarce, plan)
