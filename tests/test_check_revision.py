"""The revision checker accepts a valid revision and catches each rule broken alone.

The valid revision is built by hand (tests/revision_case.py); each breaker
changes one thing in it (or in its events) and the checker must name it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import supplyopt
from supplyopt.check_revision import check_revision, recount_changes, under_way
from supplyopt.model import EventsError, Plan, Scenario, Stop, parse_events
from tests.conftest import tiny_data
from tests.revision_case import carry_on, operation_of, revision_case

Case = tuple[Scenario, Plan, Plan, dict[str, Any]]


def test_the_hand_made_revision_is_valid() -> None:
    """The revision of tests/revision_case.py breaks nothing, with events as data or parsed."""
    scenario, previous, new, events = revision_case()
    assert check_revision(scenario, new, previous, events) == []
    assert check_revision(scenario, new, previous, parse_events(events, scenario, previous)) == []


def test_invalid_events_are_refused_with_located_problems() -> None:
    """Events naming a vehicle the plan does not have raise EventsError, located."""
    scenario, previous, new, events = revision_case()
    events["events"][3]["vehicle"] = "x"
    with pytest.raises(EventsError, match=r"events\[3\]\.vehicle: unknown vehicle 'x' in the plan"):
        check_revision(scenario, new, previous, events)


def test_trips_under_way_are_found() -> None:
    """Under way at 2 h: the three trips that began loading before, with a1 reached by w2's truck."""
    scenario, previous, new, events = revision_case()
    found = under_way(operation_of(scenario, previous, events), previous, new)
    assert [(e.prev_idx, e.fixed, e.new_idx) for e in found] == [(0, 1, 0), (1, 0, 1), (2, 0, 2)]


def test_counts_are_recounted() -> None:
    """Kept 3 (two under way, one not started), changed 1 (the breakdown), new 1."""
    scenario, previous, new, events = revision_case()
    operation = operation_of(scenario, previous, events)
    counts = recount_changes(operation, previous, new, under_way(operation, previous, new))
    assert (counts.kept, counts.changed, counts.cancelled, counts.new) == (3, 1, 0, 1)
    assert counts.vehicles == {"w1/truck/1", "w1/truck/2"}


# Each breaker alters the valid case; the checker must give the message after it.


def _alter_fixed_stop(case: Case) -> None:
    case[2].trips[0].stops[0].deliver = {"tent": 9}


def _drop_under_way_trip(case: Case) -> None:
    del case[2].trips[1]


def _move_under_way_loading(case: Case) -> None:
    case[2].trips[0].depart_hours += 0.5


def _deliver_more_than_carried(case: Case) -> None:
    case[2].trips[0].stops[2].deliver["tent"] = 45


def _remainder_stop_by_now(case: Case) -> None:
    case[2].trips[0].stops[1].arrive_hours = 1.95


def _stop_after_down(case: Case) -> None:
    down = case[2].trips[2]
    down.stops = [Stop(area="a1", arrive_hours=4.0988, deliver={"tent": 71})]


def _forget_down_hours(case: Case) -> None:
    trip = case[2].trips[2]
    trip.__pydantic_extra__ = {}
    trip.return_hours = 6.4476


def _use_down_vehicle_again(case: Case) -> None:
    case[2].trips[4].vehicle = "w1/truck/2"


def _load_before_now(case: Case) -> None:
    trip = case[2].trips[3]
    shift = -0.3
    trip.load_start_hours += shift
    trip.depart_hours += shift
    trip.stops[0].arrive_hours += shift
    trip.return_hours += shift


def _warehouse_out(case: Case) -> None:
    case[3]["events"].append({"kind": "warehouse_out", "at_hours": 1.8, "warehouse": "w1"})


def _fleet_withdrawn(case: Case) -> None:
    case[3]["events"].append(
        {"kind": "reduce_fleet", "at_hours": 1.0, "warehouse": "w1", "factor": 0.34}
    )


def _lost_load_counts_against_stock(case: Case) -> None:
    # 119 tents left at w1 after the trips under way loaded; 110 after this event.
    # The revision takes 10 + 71 (lost) + 29 + 60 = 170.
    case[3]["events"].append(
        {
            "kind": "stock_change",
            "at_hours": 1.0,
            "warehouse": "w1",
            "item": "tent",
            "quantity": -90,
        }
    )


def _exceed_lot_kpis(case: Case) -> None:
    case[2].summary.on_time_units += 1


def _count_new_demand_at_the_deadline(case: Case) -> None:
    # As if a4's quilts were due at 12 h: the trip reaching a4 at 10.08 h is on time either
    # way, so move it past 12 h but before a4's due time (13 h).
    trip = case[2].trips[4]
    trip.stops[2].arrive_hours = 12.5
    trip.return_hours = 14.2
    case[2].summary.makespan_hours = 12.5


def _wrong_lots(case: Case) -> None:
    assert case[2].replan is not None
    case[2].replan.lots = [lot for lot in case[2].replan.lots if lot.due_hours != 13.5]


def _wrong_lot_due(case: Case) -> None:
    assert case[2].replan is not None
    lot = next(lot for lot in case[2].replan.lots if lot.area == "a4")
    lot.due_hours = 12.0


def _wrong_kept(case: Case) -> None:
    assert case[2].replan is not None
    case[2].replan.kept += 1


def _wrong_now(case: Case) -> None:
    assert case[2].replan is not None
    case[2].replan.now_hours = 3.0


def _no_block(case: Case) -> None:
    case[2].replan = None


def _unsaid_change(case: Case) -> None:
    assert case[2].replan is not None
    case[2].replan.changes = case[2].replan.changes[:1]


def _close_road_before_the_leg(case: Case) -> None:
    # w2's truck leaves a1 for a3 at 2.08 h; a3 is cut off from 1.0 h.
    case[3]["events"].append(
        {
            "kind": "close_roads",
            "at_hours": 1.0,
            "circle": {"lat": 44.3, "lon": 86.2, "radius_km": 5},
        }
    )


def _retime_not_started(case: Case) -> None:
    trip = case[2].trips[3]
    trip.load_start_hours += 0.5
    trip.depart_hours += 0.5
    trip.stops[0].arrive_hours += 0.5
    trip.return_hours += 0.5


def _cancel_not_started(case: Case) -> None:
    del case[2].trips[3]


def _exceed_added_demand(case: Case) -> None:
    case[2].trips[4].stops[2].deliver = {"quilt": 120}


BREAKERS: dict[str, tuple[Callable[[Case], None], str]] = {
    "retimed": (_retime_not_started, "replan.changed: 1, recounted 2"),
    "retimed said": (_retime_not_started, "replan.changes: nothing said about w1/truck/3"),
    "cancelled": (_cancel_not_started, "replan.cancelled: 0, recounted 1"),
    "added demand": (_exceed_added_demand, "area 'a4': receives 120 quilt but needs 100"),
    "fixed stop": (
        _alter_fixed_stop,
        "trips[0].stops[0]: 'a1' at 1.8333 h delivering 9 tent, "
        "but the stop that happened was 'a1' at 1.8333 h delivering 10 tent",
    ),
    "dropped": (
        _drop_under_way_trip,
        "previous trips[1]: w1/truck/1 started loading at 'w1' "
        "at 1.0 h, before now (2.0 h), and is missing from the new plan",
    ),
    "depart": (_move_under_way_loading, "trips[0].depart_hours: 0.75, but the trip under way"),
    "carried": (
        _deliver_more_than_carried,
        "trips[0]: the stops after now deliver 45 tent, "
        "but the truck carries 40 after its stops before now",
    ),
    "by now": (_remainder_stop_by_now, "trips[0].stops[1].arrive_hours: 1.95 is not after now"),
    "after down": (
        _stop_after_down,
        "trips[2].stops[0].arrive_hours: 4.0988 is after w1/truck/2 went down (1.9 h)",
    ),
    "down mark": (_forget_down_hours, "trips[2].down_hours: missing, but w1/truck/2 went down"),
    "down reuse": (
        _use_down_vehicle_again,
        "but w1/truck/2 went down at 1.9 h and is not used again",
    ),
    "before now": (_load_before_now, "trips[3].load_start_hours: 1.7 is before now (2.0 h)"),
    "warehouse out": (
        _warehouse_out,
        "trips[3].load_start_hours: 2.0, but 'w1' is out of action from 1.8 h",
    ),
    "withdrawn": (
        _fleet_withdrawn,
        "trips[3].load_start_hours: 2.0, but w1/truck/3 is withdrawn from 1.0 h",
    ),
    "stock": (_lost_load_counts_against_stock, "warehouse 'w1': ships 170 tent but holds 110"),
    "kpi": (_exceed_lot_kpis, "summary.on_time_units: 1650, recounted 1649"),
    "lots": (_wrong_lots, "replan.lots: misses 20 tent for 'a2' due 13.5 h"),
    "lot due": (
        _wrong_lot_due,
        "replan.lots[6]: 100 quilt for 'a4' due 12.0 h is not a demand lot in force",
    ),
    "kept": (_wrong_kept, "replan.kept: 4, recounted 3"),
    "now": (_wrong_now, "replan.now_hours: 3.0, but the events say 2.0"),
    "block": (_no_block, "replan: missing"),
    "changes": (_unsaid_change, "replan.changes: nothing said about w1/truck/1"),
    "closed road": (
        _close_road_before_the_leg,
        "trips[0].stops[1]: no road from the previous stop to 'a3'",
    ),
}


@pytest.mark.parametrize("kind", sorted(BREAKERS))
def test_checker_catches(kind: str) -> None:
    """Each rule broken alone is reported with a located message saying what broke."""
    breaker, message = BREAKERS[kind]
    case = revision_case()
    breaker(case)
    scenario, previous, new, events = case
    problems = check_revision(scenario, new, previous, events)
    assert any(message in p for p in problems), problems


def test_a_unit_late_for_the_deadline_fills_a_later_lot() -> None:
    """a4's quilts are due at 13 h: arriving at 12.5 h they are on time, no KPI disagrees."""
    case = revision_case()
    _count_new_demand_at_the_deadline(case)
    scenario, previous, new, events = case
    problems = check_revision(scenario, new, previous, events)
    assert not [p for p in problems if p.startswith(("summary.", "unmet"))], problems


def test_a_fixed_stop_is_not_checked_against_a_later_road_event() -> None:
    """a1 closed from 0.1 h: w2's truck reached it on a leg begun before; w1's leg is not fixed."""
    case = revision_case()
    case[3]["events"].append(
        {
            "kind": "close_roads",
            "at_hours": 0.1,
            "circle": {"lat": 43.9, "lon": 86.4, "radius_km": 5},
        }
    )
    scenario, previous, new, events = case
    problems = check_revision(scenario, new, previous, events)
    assert not [p for p in problems if p.startswith("trips[0].stops[0]")], problems
    assert "trips[1].stops[0]: no road from the previous stop to 'a1'" in problems


def test_a_road_event_applies_to_legs_starting_from_its_time() -> None:
    """a1 closed from 2.5 h: w1/truck/1 left for it at 1.5 h (fine), w1/truck/3 at 2.5 h (not)."""
    case = revision_case()
    case[3]["now_hours"] = 2.5
    case[3]["events"].append(
        {
            "kind": "close_roads",
            "at_hours": 2.5,
            "circle": {"lat": 43.9, "lon": 86.4, "radius_km": 5},
        }
    )
    assert case[2].replan is not None
    case[2].replan.now_hours = 2.5
    scenario, previous, new, events = case
    problems = check_revision(scenario, new, previous, events)
    # Its way back from a1 starts after 2.5 h: that leg is cut off too.
    assert not [p for p in problems if p.startswith(("trips[0].stops", "trips[1].stops"))]
    assert "trips[3].stops[0]: no road from the previous stop to 'a1'" in problems
    assert any(p.startswith("trips[1].return_hours") for p in problems)


def test_another_scenarios_plan_gets_the_mismatch_alone() -> None:
    """A revision naming an area nobody added is one message; nothing after it."""
    scenario, previous, new, events = revision_case()
    new.trips[4].stops[2].area = "a9"
    assert check_revision(scenario, new, previous, events) == [
        "area ids: 'a9' not in scenario 'tiny' (known: a1, a2, a3, a4)"
    ]


def test_carrying_on_with_a_planned_plan_is_a_valid_revision() -> None:
    """A plan_relief plan carried on after demand added and a truck down passes the checker."""
    scenario = supplyopt.parse_scenario(tiny_data())
    previous = supplyopt.plan_relief(scenario, time_limit_s=5)
    vehicle = max(previous.trips, key=lambda t: t.return_hours).vehicle
    events = {
        "now_hours": 2.2,
        "events": [
            {"kind": "set_demand", "at_hours": 1.0, "area": "a3", "demand": {"quilt": 260}},
            {"kind": "vehicle_down", "at_hours": 2.1, "vehicle": vehicle},
        ],
    }
    new = carry_on(scenario, previous, events)
    assert new.replan is not None
    assert new.replan.changed + new.replan.cancelled >= 1
    assert check_revision(scenario, new, previous, events) == []


def test_an_order_kept_verbatim_counts_as_kept_after_an_earlier_one_is_dropped() -> None:
    """Previous orders [X, K] of one vehicle, revision [K]: 1 kept, 1 cancelled, not 1 changed."""
    scenario, previous, new, events = revision_case()
    operation = operation_of(scenario, previous, events)
    now = operation.now_hours
    found = under_way(operation, previous, new)
    started = {entry.prev_idx for entry in found}
    kept = next(t for i, t in enumerate(previous.trips) if i not in started)
    dropped = kept.model_copy(
        update={"load_start_hours": now, "depart_hours": now + 0.01, "return_hours": now + 0.02}
    )
    previous = previous.model_copy(update={"trips": [*previous.trips, dropped]})
    counts = recount_changes(operation, previous, new, under_way(operation, previous, new))
    assert (counts.kept, counts.changed, counts.cancelled, counts.new) == (3, 1, 1, 1)
