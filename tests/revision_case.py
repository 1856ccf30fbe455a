"""A valid revision built by hand, for the revision checker and the CLI tests.

The tiny scenario (tests/data/tiny.yaml) and a previous plan of four trips
with the earliest times its roads allow:

- ``w2/truck/1`` loads at 0 h: a1 (10 tents), a3 (200 quilts), a2 (40 tents, 300 quilts).
- ``w1/truck/1`` loads at 1.0 h: a1 (10 tents, 900 quilts).
- ``w1/truck/2`` loads at 1.5 h: a1 (71 tents).
- ``w1/truck/3`` loads at 2.0 h: a1 (29 tents).

Events, now 2.0 h: a2's tents raised from 40 to 60 at 1.5 h (20 due at 13.5 h);
area a4 added at 1.0 h with 100 quilts (due 13 h); 100 quilts lost at w1 at
1.0 h; ``w1/truck/2`` down at 1.9 h with its 71 tents.

The revision: ``w2/truck/1`` (reached a1 by now), ``w1/truck/1`` and
``w1/truck/3`` unchanged; ``w1/truck/2``'s trip ends at 1.9 h with nothing
delivered; ``w1/truck/1`` makes a new trip on its return: 40 tents to a1,
20 to a2, 100 quilts to a4. Counts: kept 3, changed 1, cancelled 0, new 1.
"""

from __future__ import annotations

import functools
from typing import Any

import supplyopt
from supplyopt.model import (
    Change,
    LotEntry,
    Operation,
    Plan,
    Replan,
    Scenario,
    Stop,
    Trip,
    Unmet,
    UnmetReason,
    apply_events,
    assemble_plan,
    demand_lots,
    fill_lots,
    parse_events,
)
from supplyopt.network import TravelTimes, build_travel_times
from tests.conftest import tiny_data

NOW_H = 2.0


def events_data() -> dict[str, Any]:
    """The events of the module docstring, as an events file's data (a fresh copy)."""
    return {
        "now_hours": NOW_H,
        "events": [
            {"kind": "set_demand", "at_hours": 1.5, "area": "a2", "demand": {"tent": 60}},
            {
                "kind": "add_area",
                "at_hours": 1.0,
                "area": {
                    "id": "a4",
                    "name": "新村",
                    "lat": 44.2,
                    "lon": 86.8,
                    "demand": {"quilt": 100},
                },
            },
            {
                "kind": "stock_change",
                "at_hours": 1.0,
                "warehouse": "w1",
                "item": "quilt",
                "quantity": -100,
            },
            {"kind": "vehicle_down", "at_hours": 1.9, "vehicle": "w1/truck/2"},
        ],
    }


def timed_trip(
    scenario: Scenario,
    travel: TravelTimes,
    vehicle: str,
    warehouse: str,
    load_start_hours: float,
    stops: list[tuple[str, dict[str, int]]],
) -> Trip:
    """A trip with the earliest times and the distance the roads give."""
    w_idx = [w.id for w in scenario.warehouses].index(warehouse)
    site = {a.id: travel.area_site(idx) for idx, a in enumerate(scenario.areas)}
    hours, km = travel.duration_h["truck"], travel.distance_km["truck"]
    depart = load_start_hours + scenario.warehouses[w_idx].loading_hours
    here, leave, distance = w_idx, depart, 0.0
    timed: list[Stop] = []
    for area_id, deliver in stops:
        arrive = leave + float(hours[here, site[area_id]])
        distance += float(km[here, site[area_id]])
        timed.append(Stop(area=area_id, arrive_hours=round(arrive, 4), deliver=deliver))
        leave = arrive + scenario.area(area_id).unloading_hours
        here = site[area_id]
    return Trip(
        vehicle=vehicle,
        warehouse=warehouse,
        vehicle_type="truck",
        load_start_hours=load_start_hours,
        depart_hours=depart,
        stops=timed,
        return_hours=round(leave + float(hours[here, w_idx]), 4) + 0.0001,
        distance_km=round(distance + float(km[here, w_idx]), 3),
    )


def with_unmet(scenario: Scenario, trips: list[Trip], **extra: Any) -> Plan:
    """A plan of these trips, every shortfall of the lots listed (reason 'stock')."""
    on_time = fill_lots(scenario, trips).on_time
    unmet = [
        Unmet(
            area=area.id,
            item=item,
            quantity=need - on_time.get((area.id, item), 0),
            reason=UnmetReason.STOCK,
        )
        for area in scenario.areas
        for item, need in area.demand.items()
        if need > on_time.get((area.id, item), 0)
    ]
    return assemble_plan(scenario, trips, unmet, **extra)


@functools.cache
def _case() -> tuple[Scenario, Plan, Plan]:
    scenario = supplyopt.parse_scenario(tiny_data())
    travel = build_travel_times(scenario)
    previous = with_unmet(
        scenario,
        [
            timed_trip(
                scenario,
                travel,
                "w2/truck/1",
                "w2",
                0.0,
                [("a1", {"tent": 10}), ("a3", {"quilt": 200}), ("a2", {"tent": 40, "quilt": 300})],
            ),
            timed_trip(
                scenario, travel, "w1/truck/1", "w1", 1.0, [("a1", {"tent": 10, "quilt": 900})]
            ),
            timed_trip(scenario, travel, "w1/truck/2", "w1", 1.5, [("a1", {"tent": 71})]),
            timed_trip(scenario, travel, "w1/truck/3", "w1", 2.0, [("a1", {"tent": 29})]),
        ],
    )
    operation = apply_events(scenario, parse_events(events_data(), scenario, previous))
    changed = operation.changed
    down = previous.trips[2].model_copy(
        update={"stops": [], "return_hours": 1.9, "distance_km": 0.0}
    )
    down.down_hours = 1.9  # type: ignore[attr-defined]  # the extension field
    extra = timed_trip(
        changed,
        build_travel_times(changed),
        "w1/truck/1",
        "w1",
        previous.trips[1].return_hours,
        [("a1", {"tent": 40}), ("a2", {"tent": 20}), ("a4", {"quilt": 100})],
    )
    trips = [previous.trips[0], previous.trips[1], down, previous.trips[3], extra]
    block = Replan(
        now_hours=NOW_H,
        lots=[LotEntry(**vars(lot)) for lot in demand_lots(changed)],
        kept=3,
        changed=1,
        cancelled=0,
        new=1,
        changes=[
            Change(vehicle="w1/truck/2", what="Broke down at 1.9 h; 71 tents lost.", kind="down"),
            Change(vehicle="w1/truck/1", what="A new trip at 5.95 h: a1, a2, a4.", kind="new"),
        ],
    )
    new = with_unmet(changed, [t.model_copy(deep=True) for t in trips], replan=block)
    return scenario, previous, new


def revision_case() -> tuple[Scenario, Plan, Plan, dict[str, Any]]:
    """The scenario, the previous plan, the revision and the events (fresh copies to break)."""
    scenario, previous, new = _case()
    return scenario, previous.model_copy(deep=True), new.model_copy(deep=True), events_data()


def operation_of(scenario: Scenario, previous: Plan, events: dict[str, Any]) -> Operation:
    """The operation the events describe."""
    return apply_events(scenario, parse_events(events, scenario, previous))


def carry_on(scenario: Scenario, previous: Plan, events: dict[str, Any]) -> Plan:
    """Carry on with the previous plan after the events: a valid revision that re-plans nothing.

    Trips under way stay (a vehicle that went down ends its trip there); trips
    not started stay unless their vehicle or warehouse can no longer start
    them. Good for events that do not close roads, lose stock or lower demand.
    """
    operation = operation_of(scenario, previous, events)
    now = operation.now_hours
    trips: list[Trip] = []
    counts = {"kept": 0, "changed": 0, "cancelled": 0}
    changes: list[Change] = []
    for trip in sorted(previous.trips, key=lambda t: (t.vehicle, t.load_start_hours)):
        down = operation.down.get(trip.vehicle, float("inf"))
        started = trip.load_start_hours < now
        if trip.load_start_hours >= down or not (
            started or operation.usable(trip.vehicle, trip.warehouse, trip.load_start_hours)
        ):
            counts["cancelled"] += 1
            changes.append(Change(vehicle=trip.vehicle, what="Trip cancelled.", kind="cancelled"))
            continue
        if trip.return_hours > down:
            cut = trip.model_copy(
                update={
                    "stops": [s for s in trip.stops if s.arrive_hours <= down],
                    "return_hours": down,
                }
            )
            cut.down_hours = down  # type: ignore[attr-defined]  # the extension field
            trips.append(cut)
            counts["changed"] += 1
            changes.append(Change(vehicle=trip.vehicle, what="Broke down.", kind="down"))
            continue
        trips.append(trip.model_copy(deep=True))
        counts["kept"] += 1
    merged: dict[str, Change] = {}
    for change in changes:
        merged.setdefault(change.vehicle, change)
    block = Replan(
        now_hours=now,
        lots=[LotEntry(**vars(lot)) for lot in demand_lots(operation.changed)],
        new=0,
        changes=list(merged.values()),
        **counts,
    )
    return with_unmet(operation.changed, trips, replan=block)
