"""An operation under way: the scenario as the events of contract §6 leave it.

:func:`apply_events` turns the scenario a plan was made for and the events
since into an :class:`Operation`: the changed scenario of the whole
operation from T0 (demand with its lots, added areas, stock, roads at
``now_hours``) and the timed facts a revised plan must respect (vehicles
down, warehouses out of action, vehicles withdrawn). The re-planner and the
plan checker both read it; neither keeps its own copy of these rules.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from .disruption_effects import apply_disruptions
from .disruptions import CloseRoads, Disruption, SlowRoads
from .events import (
    AddArea,
    CloseRoadsEvent,
    Event,
    Events,
    ReduceFleetEvent,
    ScaleDemandEvent,
    SetDemand,
    SlowRoadsEvent,
    StockChange,
    VehicleDown,
    WarehouseOutEvent,
)
from .lots import Lot, demand_lots, set_total
from .scenario import Area, DemandLot, Scenario


@dataclass(frozen=True)
class Operation:
    """The scenario of an operation under way, after its events.

    Attributes
    ----------
    original
        The scenario the plan being carried out was made for.
    events
        The events, validated.
    changed
        The whole operation from T0 as the events leave it: the original's
        non-road disruptions applied; demand totals as set, with units added
        after T0 as lots due ``deadline_hours`` after their event; added
        areas; stock with every ``stock_change``; every road disruption,
        the events' included (the roads at ``now_hours``).
    down
        Vehicle id → when it went down (``vehicle_down``).
    out
        Warehouse id → from when it is out of action (``warehouse_out``).
    retired
        Vehicle id → from when it starts no trip (``reduce_fleet``: a fleet's
        highest-numbered vehicles beyond ``floor(count × factor)``).
    road_events
        ``(at_hours, disruption)`` of each road event, in time order.
    """

    original: Scenario
    events: Events
    changed: Scenario
    down: Mapping[str, float] = field(default_factory=dict)
    out: Mapping[str, float] = field(default_factory=dict)
    retired: Mapping[str, float] = field(default_factory=dict)
    road_events: tuple[tuple[float, Disruption], ...] = ()

    @property
    def now_hours(self) -> float:
        """The moment of re-planning."""
        return self.events.now_hours

    def roads_at(self, hours: float) -> Scenario:
        """The changed scenario with the road events known at ``hours`` only.

        A leg that starts at ``hours`` is driven on these roads (contract §6:
        road events apply to legs that start at or after their ``at_hours``).
        """
        later = [d for at, d in self.road_events if at > hours]
        if not later:
            return self.changed
        kept = [d for d in self.changed.disruptions if not any(d is x for x in later)]
        return self.changed.model_copy(update={"disruptions": kept})

    def lots(self) -> list[Lot]:
        """Every demand lot in force (contract §6's ``replan.lots``)."""
        return demand_lots(self.changed)

    def usable(self, vehicle: str, warehouse: str, load_start_hours: float) -> bool:
        """Whether ``vehicle`` may start loading at ``warehouse`` at ``load_start_hours``."""
        base = vehicle.split("/", 1)[0]
        limits = (
            self.down.get(vehicle),
            self.retired.get(vehicle),
            self.out.get(warehouse),
            self.out.get(base),
        )
        return all(limit is None or load_start_hours < limit for limit in limits)


def apply_events(scenario: Scenario, events: Events) -> Operation:
    """The operation as ``events`` leave ``scenario`` (both validated).

    Events apply in ``at_hours`` order. See :class:`Operation` for what each
    kind changes; ``events`` should come from
    :func:`~supplyopt.model.events.parse_events`, which refuses ids that do
    not exist and stock that would go negative.
    """
    base = apply_disruptions(scenario)
    state = _State(base)
    for event in events.in_order():
        state.apply(event)
    changed = base.model_copy(
        update={
            "areas": state.areas,
            "warehouses": [
                w.model_copy(update={"stock": state.stock[w.id]}) for w in base.warehouses
            ],
            "disruptions": [*base.disruptions, *(d for _, d in state.road_events)],
        }
    )
    return Operation(
        original=scenario,
        events=events,
        changed=changed,
        down=state.down,
        out=state.out,
        retired=state.retired,
        road_events=tuple(state.road_events),
    )


class _State:
    """The changed scenario's parts while events apply."""

    def __init__(self, base: Scenario) -> None:
        self.base = base
        self.areas: list[Area] = [a.model_copy(deep=True) for a in base.areas]
        self.stock = {w.id: dict(w.stock) for w in base.warehouses}
        self.down: dict[str, float] = {}
        self.out: dict[str, float] = {}
        self.retired: dict[str, float] = {}
        self.road_events: list[tuple[float, Disruption]] = []

    def apply(self, event: Event) -> None:
        """Apply one event (they come in time order)."""
        at = event.at_hours
        if isinstance(event, SetDemand):
            self._set_demand(event.area, event.demand, at)
        elif isinstance(event, ScaleDemandEvent):
            for area in list(self.areas):
                if event.areas is not None and area.id not in event.areas:
                    continue
                totals = {
                    item: math.floor(qty * event.factor + 0.5)
                    for item, qty in area.demand.items()
                    if event.items is None or item in event.items
                }
                self._set_demand(area.id, totals, at)
        elif isinstance(event, AddArea):
            due = at + self.base.deadline_hours
            lots = [
                DemandLot(item=item, quantity=qty, due_hours=due)
                for item, qty in event.area.demand.items()
                if qty > 0 and due != self.base.deadline_hours
            ]
            self.areas.append(event.area.model_copy(update={"lots": lots}, deep=True))
        elif isinstance(event, StockChange):
            left = self.stock[event.warehouse].get(event.item, 0) + event.quantity
            self.stock[event.warehouse][event.item] = max(left, 0)
        elif isinstance(event, VehicleDown):
            self.down.setdefault(event.vehicle, at)
        elif isinstance(event, WarehouseOutEvent):
            self.out.setdefault(event.warehouse, at)
        elif isinstance(event, ReduceFleetEvent):
            self._reduce_fleet(event)
        elif isinstance(event, CloseRoadsEvent | SlowRoadsEvent):
            self.road_events.append((at, _plain_road_disruption(event)))

    def _set_demand(self, area_id: str, totals: Mapping[str, int], at: float) -> None:
        pos = next(idx for idx, area in enumerate(self.areas) if area.id == area_id)
        area = self.areas[pos]
        for item, total in totals.items():
            area = set_total(
                area,
                item,
                total,
                deadline_hours=self.base.deadline_hours,
                due_hours=at + self.base.deadline_hours,
            )
        self.areas[pos] = area

    def _reduce_fleet(self, event: ReduceFleetEvent) -> None:
        for warehouse in self.base.warehouses:
            if event.warehouse not in (None, warehouse.id):
                continue
            for type_id, count in warehouse.fleet.items():
                if event.vehicle_type not in (None, type_id):
                    continue
                keep = math.floor(count * event.factor + 1e-9)
                for number in range(keep + 1, count + 1):
                    self.retired.setdefault(f"{warehouse.id}/{type_id}/{number}", event.at_hours)


def _plain_road_disruption(event: CloseRoadsEvent | SlowRoadsEvent) -> Disruption:
    """The scenario disruption an event describes, without its ``at_hours``."""
    data = event.model_dump(exclude={"at_hours"}, exclude_none=True, by_alias=True)
    if isinstance(event, CloseRoadsEvent):
        return CloseRoads.model_validate(data)
    return SlowRoads.model_validate(data)
