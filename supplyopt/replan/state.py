"""The state of an operation at ``now_hours``: which trips run, which are void, what is left.

:func:`classify` sorts the trips of the plan being carried out (contract §6,
docs/replan.md): *cancelled* when their vehicle went down or was withdrawn,
or their warehouse went out of action, before their loading began; *under
way* when their loading began before ``now_hours`` (their fixed stops are
those arrived by then, or by the breakdown); the others *not started*.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Operation, Plan, Scenario, Stop, Trip


@dataclass(frozen=True)
class Cancelled:
    """A trip of the plan that can no longer start.

    ``cause`` is ``down``, ``stranded``, ``retired`` or ``out``; ``why`` says it in English.
    """

    index: int
    trip: Trip
    cause: str
    why: str


@dataclass(frozen=True)
class UnderWay:
    """A trip whose loading began before ``now_hours``.

    Attributes
    ----------
    index
        Its position in the plan being carried out.
    trip
        The trip as that plan wrote it.
    fixed
        Its stops that happened (arrived by ``now_hours`` and, for a vehicle
        that broke down during the trip, by the breakdown): never changed.
    remainder
        Its other stops as planned (empty after a breakdown: they are dropped).
    carried
        Units per item still on board after the fixed stops.
    down_hours
        When the vehicle broke down during this trip, else ``None``.
    """

    index: int
    trip: Trip
    fixed: tuple[Stop, ...]
    remainder: tuple[Stop, ...]
    carried: Mapping[str, int]
    down_hours: float | None

    @property
    def origin(self) -> str | None:
        """The area of the last fixed stop (``None``: the remainder starts at the warehouse)."""
        return self.fixed[-1].area if self.fixed else None


@dataclass(frozen=True)
class State:
    """The plan being carried out, its trips sorted by what ``now_hours`` leaves of them."""

    op: Operation
    previous: Plan
    cancelled: tuple[Cancelled, ...]
    under_way: tuple[UnderWay, ...]
    not_started: tuple[tuple[int, Trip], ...]

    @property
    def now_hours(self) -> float:
        """The moment of re-planning."""
        return self.op.now_hours

    def loaded(self) -> dict[tuple[str, str], int]:
        """Units per (warehouse, item) the under-way trips loaded (lost loads included)."""
        return trip_loads(u.trip for u in self.under_way)


def trip_load(trip: Trip) -> dict[str, int]:
    """Units per item a trip loads: everything its stops deliver."""
    load: defaultdict[str, int] = defaultdict(int)
    for stop in trip.stops:
        for item, qty in stop.deliver.items():
            load[item] += qty
    return dict(load)


def trip_loads(trips: Iterable[Trip]) -> dict[tuple[str, str], int]:
    """Units per (warehouse, item) these trips load."""
    loads: defaultdict[tuple[str, str], int] = defaultdict(int)
    for trip in trips:
        for item, qty in trip_load(trip).items():
            loads[trip.warehouse, item] += qty
    return dict(loads)


def classify(op: Operation, plan: Plan, stranded: Mapping[str, float] | None = None) -> State:
    """Sort the plan's trips into cancelled, under way and not started at ``op.now_hours``.

    ``stranded``: vehicle → from when it is stranded (no road back); it
    starts no trip from then.
    """
    cancelled: list[Cancelled] = []
    under_way: list[UnderWay] = []
    not_started: list[tuple[int, Trip]] = []
    for idx, trip in enumerate(plan.trips):
        why = _void(op, trip, stranded or {})
        if why is not None:
            cancelled.append(Cancelled(idx, trip, *why))
        elif trip.load_start_hours < op.now_hours:
            under_way.append(_under_way(op, idx, trip))
        else:
            not_started.append((idx, trip))
    return State(op, plan, tuple(cancelled), tuple(under_way), tuple(not_started))


def _void(op: Operation, trip: Trip, stranded: Mapping[str, float]) -> tuple[str, str] | None:
    """(cause, why) when the trip can no longer start, else ``None``."""
    start = trip.load_start_hours
    stuck = stranded.get(trip.vehicle)
    if stuck is not None and start >= stuck:
        return "stranded", f"the vehicle is stranded from {stuck:.1f} h (no road back)"
    down = op.down.get(trip.vehicle)
    if down is not None and start >= down:
        return "down", f"the vehicle broke down at {down:.1f} h"
    retired = op.retired.get(trip.vehicle)
    if retired is not None and start >= retired:
        return "retired", f"the vehicle was withdrawn at {retired:.1f} h"
    for warehouse in (trip.warehouse, trip.base):
        out = op.out.get(warehouse)
        if out is not None and start >= out:
            return "out", f"warehouse {warehouse} is out of action from {out:.1f} h"
    return None


def _under_way(op: Operation, idx: int, trip: Trip) -> UnderWay:
    down = op.down.get(trip.vehicle)
    if down is not None and down < trip.return_hours:
        # Broke down during this trip: no stop after the breakdown, no way back.
        fixed = tuple(s for s in trip.stops if s.arrive_hours <= down)
        return UnderWay(idx, trip, fixed, (), _carried(trip, fixed), down)
    fixed = tuple(s for s in trip.stops if s.arrive_hours <= op.now_hours)
    return UnderWay(idx, trip, fixed, tuple(trip.stops[len(fixed) :]), _carried(trip, fixed), None)


def _carried(trip: Trip, fixed: Iterable[Stop]) -> dict[str, int]:
    """Units per item still on board after the fixed stops."""
    carried = trip_load(trip)
    for stop in fixed:
        for item, qty in stop.deliver.items():
            carried[item] -= qty
    return {item: qty for item, qty in carried.items() if qty > 0}


def fleet_ids(scenario: Scenario) -> list[str]:
    """Every vehicle of the scenario's fleets, ``base/type/n``."""
    return [
        f"{w.id}/{type_id}/{n}"
        for w in scenario.warehouses
        for type_id, count in w.fleet.items()
        for n in range(1, count + 1)
    ]
