"""Events of an operation under way: the input of re-planning (contract §6).

An events file says what happened since the plan was given, each event
known from its ``at_hours``, and the moment of re-planning, ``now_hours``::

    now_hours: 4.0
    events:
      - {kind: set_demand, at_hours: 3.5, area: xiongkou, demand: {tent: 900}}
      - {kind: add_area, at_hours: 3.0, area: {id: dongwan, lat: 44.2, lon: 86.1,
                                               demand: {quilt: 800}, priority: 2}}
      - {kind: vehicle_down, at_hours: 3.8, vehicle: "urumqi-reserve/truck-10t/3"}
      - {kind: stock_change, at_hours: 2.0, warehouse: changji, item: tent, quantity: -200}
      - {kind: close_roads, at_hours: 3.0, circle: {lat: 43.9, lon: 86.4, radius_km: 10}}

Every scenario disruption kind may be an event (with ``at_hours``).
:func:`parse_events` validates the data against the scenario and the plan
being carried out, with one located problem per defect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, StrictInt, StrictStr, ValidationError

from .disruption_effects import apply_disruptions
from .disruptions import CloseRoads, ReduceFleet, ScaleDemand, SlowRoads, WarehouseOut, _Strict
from .errors import ScenarioError
from .plan import Plan
from .problems import Location, Problem
from .scenario import (
    MAX_QUANTITY,
    Area,
    Id,
    NonNegativeFloat,
    Quantity,
    Scenario,
    known_ids,
    road_selector_problems,
)
from .validation import validation_problems

#: Every event kind, in the order the docs list them.
EVENT_KINDS = (
    "set_demand",
    "add_area",
    "vehicle_down",
    "stock_change",
    "close_roads",
    "slow_roads",
    "warehouse_out",
    "reduce_fleet",
    "scale_demand",
)


class EventsError(ScenarioError):
    """An events file is invalid, or does not fit the scenario and plan it revises.

    A :class:`ScenarioError` (so a ``ValueError``) whose heading names the
    events; ``problems`` holds every located problem.
    """

    def _heading(self) -> str:
        count = len(self.problems)
        return f"invalid events ({count} problem{'s' if count != 1 else ''})"


class _Timed(_Strict):
    at_hours: NonNegativeFloat
    label: StrictStr | None = None


class SetDemand(_Timed):
    """New demand totals of an area for the items listed (others unchanged)."""

    kind: Literal["set_demand"]
    area: Id
    demand: dict[StrictStr, Quantity]


class AddArea(_Timed):
    """An area nobody had listed; all its demand is due ``deadline_hours`` after ``at_hours``."""

    kind: Literal["add_area"]
    area: Area


class VehicleDown(_Timed):
    """A vehicle out of use from ``at_hours``: no stop after it; its load is lost."""

    kind: Literal["vehicle_down"]
    vehicle: Id


class StockChange(_Timed):
    """Units of an item found lost (negative) or received (positive) at a warehouse."""

    kind: Literal["stock_change"]
    warehouse: Id
    item: Id
    quantity: Annotated[StrictInt, Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)]


class CloseRoadsEvent(CloseRoads):
    """``close_roads`` from ``at_hours`` on."""

    at_hours: NonNegativeFloat


class SlowRoadsEvent(SlowRoads):
    """``slow_roads`` from ``at_hours`` on."""

    at_hours: NonNegativeFloat


class WarehouseOutEvent(WarehouseOut):
    """``warehouse_out`` from ``at_hours``: no loading there, its vehicles start no trip."""

    at_hours: NonNegativeFloat


class ReduceFleetEvent(ReduceFleet):
    """``reduce_fleet`` from ``at_hours``: the highest-numbered vehicles start no trip."""

    at_hours: NonNegativeFloat


class ScaleDemandEvent(ScaleDemand):
    """``scale_demand`` at ``at_hours``: added units are due from then, as ``set_demand``."""

    at_hours: NonNegativeFloat


Event = Annotated[
    SetDemand
    | AddArea
    | VehicleDown
    | StockChange
    | CloseRoadsEvent
    | SlowRoadsEvent
    | WarehouseOutEvent
    | ReduceFleetEvent
    | ScaleDemandEvent,
    Field(discriminator="kind"),
]


class Events(_Strict):
    """The events file: the moment of re-planning and what happened before it."""

    now_hours: NonNegativeFloat
    events: list[Event] = Field(default_factory=list)

    def in_order(self) -> list[Event]:
        """The events by ``at_hours`` (file order among equal times): the order they apply in."""
        return sorted(self.events, key=lambda event: event.at_hours)


def plan_vehicles(scenario: Scenario, plan: Plan | None) -> set[str]:
    """Every vehicle id the plan uses or the scenario's fleets hold (``base/type/n``)."""
    ids = {trip.vehicle for trip in plan.trips} if plan is not None else set()
    for warehouse in scenario.warehouses:
        for type_id, count in warehouse.fleet.items():
            ids.update(f"{warehouse.id}/{type_id}/{n}" for n in range(1, count + 1))
    return ids


def parse_events(
    data: Any, scenario: Scenario, plan: Plan | None = None, *, source: str | None = None
) -> Events:
    """Validate an events file's data against the scenario and the plan it revises.

    Parameters
    ----------
    data
        The events file as plain data (parsed YAML/JSON).
    scenario
        The scenario the plan was made for.
    plan
        The plan being carried out (its vehicles may break down, its loads
        count against stock); ``None`` checks against the scenario alone.
    source
        Where the data came from, used in the error message.

    Returns
    -------
    Events
        The validated events.

    Raises
    ------
    EventsError
        With every problem found, each located (``events[2].vehicle: …``).
    """
    if not isinstance(data, Mapping):
        raise EventsError(
            [
                Problem(
                    (), f"must be a mapping with now_hours and events (got {type(data).__name__})"
                )
            ],
            source=source,
        )
    try:
        events = Events.model_validate(data)
    except ValidationError as err:
        raise EventsError(validation_problems(err), source=source) from None
    problems = event_problems(events, scenario, plan)
    if problems:
        raise EventsError(problems, source=source)
    return events


def event_problems(events: Events, scenario: Scenario, plan: Plan | None) -> list[Problem]:
    """Cross-reference problems of well-formed events: ids, times and stock.

    Events apply in ``at_hours`` order, so an area added at 3.0 h may have its
    demand set at 3.5 h but not at 2.0 h.
    """
    problems: list[Problem] = []
    order = sorted(range(len(events.events)), key=lambda idx: events.events[idx].at_hours)
    areas = {area.id for area in scenario.areas}
    vehicles = plan_vehicles(scenario, plan)
    down = down_times(events)
    stock = _stock_left(apply_disruptions(scenario), plan, events.now_hours, down)
    for idx in order:
        event = events.events[idx]
        where: Location = ("events", idx)
        if event.at_hours > events.now_hours:
            problems.append(
                Problem(
                    (*where, "at_hours"),
                    f"{event.at_hours:g} is after now_hours {events.now_hours:g} "
                    "(re-planning knows only events up to now)",
                )
            )
        problems += _one_event_problems(event, where, scenario, areas, vehicles, stock)
    # Found in time order (areas and stock evolve), reported in file order.
    return sorted(problems, key=lambda problem: problem.location[1])


def _one_event_problems(
    event: Event,
    where: Location,
    scenario: Scenario,
    areas: set[str],
    vehicles: set[str],
    stock: dict[tuple[str, str], int],
) -> list[Problem]:
    """The problems of one event; ``areas`` and ``stock`` are updated as it applies."""
    items = scenario.item_ids
    warehouses = [w.id for w in scenario.warehouses]
    problems: list[Problem] = []
    if isinstance(event, SetDemand):
        if event.area not in areas:
            problems.append(
                Problem((*where, "area"), f"unknown area {event.area!r} {known_ids(sorted(areas))}")
            )
        problems += _item_problems(event.demand, (*where, "demand"), items)
    elif isinstance(event, AddArea):
        if event.area.id in areas:
            problems.append(
                Problem((*where, "area", "id"), f"area {event.area.id!r} already exists")
            )
        if event.area.lots:
            problems.append(
                Problem(
                    (*where, "area", "lots"),
                    "not allowed: an added area's demand is due deadline_hours after at_hours",
                )
            )
        problems += _item_problems(event.area.demand, (*where, "area", "demand"), items)
        areas.add(event.area.id)
    elif isinstance(event, VehicleDown):
        if event.vehicle not in vehicles:
            problems.append(
                Problem(
                    (*where, "vehicle"),
                    f"unknown vehicle {event.vehicle!r} in the plan "
                    "(vehicles are named warehouse/vehicle-type/number)",
                )
            )
    elif isinstance(event, StockChange):
        problems += _stock_change_problems(event, where, items, warehouses, stock)
    else:
        problems += _disruption_event_problems(event, where, scenario, areas)
    return problems


def _item_problems(demand: Mapping[str, int], where: Location, items: list[str]) -> list[Problem]:
    return [
        Problem((*where, item), f"unknown item {item!r} {known_ids(items)}")
        for item in demand
        if item not in items
    ]


def _stock_change_problems(
    event: StockChange,
    where: Location,
    items: list[str],
    warehouses: list[str],
    stock: dict[tuple[str, str], int],
) -> list[Problem]:
    problems: list[Problem] = []
    if event.warehouse not in warehouses:
        problems.append(
            Problem(
                (*where, "warehouse"),
                f"unknown warehouse {event.warehouse!r} {known_ids(warehouses)}",
            )
        )
    if event.item not in items:
        problems.append(
            Problem((*where, "item"), f"unknown item {event.item!r} {known_ids(items)}")
        )
    if problems:
        return problems
    key = (event.warehouse, event.item)
    left = stock.get(key, 0)
    if left + event.quantity < 0:
        problems.append(
            Problem(
                (*where, "quantity"),
                f"takes {-event.quantity} {event.item} from {event.warehouse!r}, which has "
                f"{left} left after the trips loaded before now_hours and earlier events",
            )
        )
    stock[key] = left + event.quantity
    return problems


def _disruption_event_problems(
    event: Event, where: Location, scenario: Scenario, areas: set[str]
) -> list[Problem]:
    """Ids a disruption event names, and road selectors the road model cannot honour."""
    known = {
        "warehouse": ("warehouse", [w.id for w in scenario.warehouses]),
        "vehicle_type": ("vehicle type", [t.id for t in scenario.vehicle_types]),
        "areas": ("area", sorted(areas)),
        "items": ("item", scenario.item_ids),
    }
    entry = event.model_dump(by_alias=True, exclude_none=True)
    problems: list[Problem] = []
    for field, (kind, ids) in known.items():
        value = entry.get(field)
        located = (
            [((*where, field, pos), one) for pos, one in enumerate(value)]
            if isinstance(value, list)
            else [((*where, field), value)]
        )
        problems += [
            Problem(loc, f"unknown {kind} {one!r} {known_ids(ids)}")
            for loc, one in located
            if isinstance(one, str) and one not in ids
        ]
    node_ids = {n.id for n in getattr(scenario.roads, "nodes", [])}
    return problems + road_selector_problems(entry, where, scenario.roads.model, node_ids)


def down_times(events: Events) -> dict[str, float]:
    """When each vehicle named by a ``vehicle_down`` event went down (the earliest such event)."""
    down: dict[str, float] = {}
    for event in events.events:
        if isinstance(event, VehicleDown):
            down[event.vehicle] = min(event.at_hours, down.get(event.vehicle, event.at_hours))
    return down


def _stock_left(
    scenario: Scenario, plan: Plan | None, now_hours: float, down: Mapping[str, float]
) -> dict[tuple[str, str], int]:
    """Stock per (warehouse, item) less what the plan's trips loaded before ``now_hours``.

    A trip of a vehicle that went down before its loading began loaded nothing.
    """
    stock = {(w.id, item): qty for w in scenario.warehouses for item, qty in w.stock.items()}
    for trip in plan.trips if plan is not None else []:
        cancelled = trip.load_start_hours >= down.get(trip.vehicle, float("inf"))
        if trip.load_start_hours < now_hours and not cancelled:
            for stop in trip.stops:
                for item, qty in stop.deliver.items():
                    key = (trip.warehouse, item)
                    stock[key] = stock.get(key, 0) - qty
    return stock
