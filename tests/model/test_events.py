"""Events files (contract §6): validation with located messages, and what they change."""

from __future__ import annotations

from typing import Any

import pytest

from supplyopt.model import (
    EventsError,
    Plan,
    Scenario,
    Stop,
    Summary,
    Trip,
    apply_events,
    demand_lots,
    fill_lots,
    parse_events,
    parse_scenario,
)
from supplyopt.model.lots import Lot
from tests.conftest import tiny_data


def _tiny() -> Scenario:
    return parse_scenario(tiny_data())


def _plan(*trips: Trip) -> Plan:
    return Plan(
        scenario="tiny", deadline_hours=12, status="partial", summary=Summary(), trips=list(trips)
    )


def _trip(load_start: float, stops: list[tuple[str, float, dict[str, int]]]) -> Trip:
    return Trip(
        vehicle="w1/truck/1",
        warehouse="w1",
        vehicle_type="truck",
        load_start_hours=load_start,
        depart_hours=load_start + 0.5,
        stops=[Stop(area=a, arrive_hours=t, deliver=d) for a, t, d in stops],
        return_hours=load_start + 6,
        distance_km=100.0,
    )


def _messages(data: dict[str, Any], plan: Plan | None = None) -> list[str]:
    with pytest.raises(EventsError) as err:
        parse_events(data, _tiny(), plan)
    return [str(p) for p in err.value.problems]


def test_every_problem_is_located() -> None:
    data = {
        "now_hours": 4.0,
        "events": [
            {"kind": "set_demand", "at_hours": 3.5, "area": "a1", "demand": {"tnt": 5}},
            {"kind": "vehicle_down", "at_hours": 5.0, "vehicle": "w1/truck/1"},
            {"kind": "vehicle_down", "at_hours": 1.0, "vehicle": "x"},
            {
                "kind": "stock_change",
                "at_hours": 1.0,
                "warehouse": "w9",
                "item": "tent",
                "quantity": 1,
            },
            {"kind": "set_demand", "at_hours": 1.0, "area": "dongwan", "demand": {"tent": 5}},
            {
                "kind": "add_area",
                "at_hours": 2.0,
                "area": {"id": "dongwan", "lat": 44.0, "lon": 86.0},
            },
            {"kind": "add_area", "at_hours": 2.0, "area": {"id": "a1", "lat": 44.0, "lon": 86.0}},
            {"kind": "close_roads", "at_hours": 2.0, "between": ["n1", "n2"]},
        ],
    }
    assert _messages(data) == [
        "events[0].demand.tnt: unknown item 'tnt' (known: tent, quilt)",
        "events[1].at_hours: 5 is after now_hours 4 (re-planning knows only events up to now)",
        "events[2].vehicle: unknown vehicle 'x' in the plan "
        "(vehicles are named warehouse/vehicle-type/number)",
        "events[3].warehouse: unknown warehouse 'w9' (known: w1, w2)",
        "events[4].area: unknown area 'dongwan' (known: a1, a2, a3)",
        "events[6].area.id: area 'a1' already exists",
        "events[7].between: needs a road network (model 'graph' or 'osm'); "
        "great_circle roads have no nodes — use circle or polygon",
    ]


def test_field_errors_name_the_event() -> None:
    data = {"now_hours": -1, "events": [{"kind": "flood", "at_hours": 1}, {"kind": "vehicle_down"}]}
    assert _messages(data) == [
        "now_hours: must be >= 0 (got -1)",
        "events[0]: unknown event kind 'flood' (known: set_demand, add_area, vehicle_down, "
        "stock_change, close_roads, slow_roads, warehouse_out, reduce_fleet, scale_demand)",
        "events[1].at_hours: required field is missing",
        "events[1].vehicle: required field is missing",
    ]


def test_stock_cannot_go_below_what_trips_loaded() -> None:
    plan = _plan(_trip(1.0, [("a1", 3.0, {"tent": 150})]))
    data = {
        "now_hours": 4.0,
        "events": [
            {
                "kind": "stock_change",
                "at_hours": 2,
                "warehouse": "w1",
                "item": "tent",
                "quantity": -60,
            }
        ],
    }
    assert _messages(data, plan) == [
        "events[0].quantity: takes 60 tent from 'w1', which has 50 left after the trips "
        "loaded before now_hours and earlier events"
    ]


def test_added_demand_is_due_a_deadline_after_it_is_known() -> None:
    events = parse_events(
        {
            "now_hours": 4.0,
            "events": [
                {"kind": "set_demand", "at_hours": 3.5, "area": "a1", "demand": {"tent": 150}},
                {
                    "kind": "add_area",
                    "at_hours": 3.0,
                    "area": {
                        "id": "dongwan",
                        "name": "东湾",
                        "lat": 44.2,
                        "lon": 86.1,
                        "demand": {"quilt": 80},
                    },
                },
                {"kind": "set_demand", "at_hours": 3.9, "area": "a2", "demand": {"tent": 10}},
                {
                    "kind": "stock_change",
                    "at_hours": 1,
                    "warehouse": "w2",
                    "item": "tent",
                    "quantity": 7,
                },
                {"kind": "vehicle_down", "at_hours": 3.8, "vehicle": "w1/truck/2"},
                {"kind": "reduce_fleet", "at_hours": 2.0, "factor": 0.5, "warehouse": "w1"},
                {
                    "kind": "close_roads",
                    "at_hours": 3.0,
                    "circle": {"lat": 43.9, "lon": 86.4, "radius_km": 5},
                },
            ],
        },
        _tiny(),
    )
    op = apply_events(_tiny(), events)
    lots = op.lots()
    assert Lot("a1", "tent", 120, 12.0) in lots
    assert Lot("a1", "tent", 30, 15.5) in lots
    assert Lot("dongwan", "quilt", 80, 15.0) in lots
    assert Lot("a2", "tent", 10, 12.0) in lots  # lowered: keeps its due time
    assert op.changed.area("dongwan").name == "东湾"
    assert op.changed.warehouse("w2").stock["tent"] == 57
    assert op.down == {"w1/truck/2": 3.8}
    assert op.retired == {"w1/truck/2": 2.0, "w1/truck/3": 2.0}
    assert len(op.roads_at(2.9).disruptions) == 0
    assert len(op.roads_at(3.0).disruptions) == 1
    assert not op.usable("w1/truck/2", "w1", 2.0)
    assert op.usable("w1/truck/1", "w1", 9.0)
    # A lowered total after a raise takes the latest units first.
    lowered = apply_events(
        _tiny(),
        parse_events(
            {
                "now_hours": 5,
                "events": [
                    {"kind": "set_demand", "at_hours": 1, "area": "a1", "demand": {"tent": 200}},
                    {"kind": "set_demand", "at_hours": 2, "area": "a1", "demand": {"tent": 130}},
                ],
            },
            _tiny(),
        ),
    )
    assert [lot for lot in lowered.lots() if lot.area == "a1" and lot.item == "tent"] == [
        Lot("a1", "tent", 120, 12.0),
        Lot("a1", "tent", 10, 13.0),
    ]


def test_units_fill_the_lot_they_arrive_in_time_for() -> None:
    data = tiny_data()
    data["areas"][0]["lots"] = [{"item": "tent", "quantity": 20, "due_hours": 15.0}]
    scenario = parse_scenario(data)
    assert demand_lots(scenario)[:2] == [Lot("a1", "tent", 100, 12.0), Lot("a1", "tent", 20, 15.0)]
    # 90 by the deadline, 30 at 14 h: 90 fill the first lot, 20 the second, 10 fill nothing.
    trips = [_trip(1.0, [("a1", 11.0, {"tent": 90})]), _trip(8.0, [("a1", 14.0, {"tent": 30})])]
    filled = fill_lots(scenario, trips)
    assert filled.on_time["a1", "tent"] == 110
    assert filled.on_time_units == 110
