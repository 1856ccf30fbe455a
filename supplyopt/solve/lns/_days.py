"""The plan as vehicle-days: each vehicle's trips in order, with what is left to deliver and ship.

Stock transfers (docs/planner.md, "Stock transfers") make stock time-ordered
at the warehouses they go to: a loading there may use only what the
warehouse holds by its start, and never so much that a later loading falls
short. ``stock`` is each warehouse's balance at the end of the day;
:meth:`DayPlan.stock_at` gives what a loading starting at a given time may
take, and :meth:`DayPlan.settle` cuts the loadings left short when a
transfer they relied on is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..dispatch import TimedTransfer, TimedTrip
from ..instance import Instance, IntArray
from ._bays import BayBook

#: A vehicle: (base warehouse, vehicle type, index among the base's vehicles of the type).
Key = tuple[int, int, int]


def vehicle_of(trip: TimedTrip) -> Key:
    """The vehicle that makes ``trip``."""
    base = trip.base_idx if trip.base_idx is not None else trip.warehouse_idx
    return (base, trip.vehicle_type_idx, trip.vehicle_idx)


def fleet_keys(inst: Instance) -> list[Key]:
    """Every vehicle of the scenario, base by base, type by type."""
    n_w, n_k = inst.fleet.shape
    return [(w, k, j) for w in range(n_w) for k in range(n_k) for j in range(int(inst.fleet[w, k]))]


def loaded(trip: TimedTrip, n_items: int) -> IntArray:
    """(I,) units ``trip`` loads at its warehouse: its stops' or its transfer's."""
    if trip.transfer is not None:
        return trip.transfer.units
    total = np.zeros(n_items, dtype=np.int64)
    for stop in trip.stops:
        total += stop.units
    return total


def unloading_start(inst: Instance, transfer: TimedTransfer, return_h: float) -> float:
    """When a transfer's unloading (one bay for the warehouse's loading time) starts."""
    return return_h - float(inst.load_h[transfer.warehouse_idx])


@dataclass
class DayPlan:
    """Vehicle-days, the need not yet met on time, the stock left and the bays booked.

    ``inbound`` counts the transfers into each warehouse (where stock is time-ordered).
    """

    inst: Instance
    days: dict[Key, list[TimedTrip]]
    need: IntArray  # (A, I)
    stock: IntArray  # (W, I) at the end of the day
    bays: BayBook
    inbound: dict[int, int] = field(default_factory=dict)
    #: A warehouse the next repair may send vehicles to even when it is not near them
    #: (set by the pull operator, cleared by that repair).
    focus: int | None = None

    @classmethod
    def from_trips(cls, inst: Instance, trips: list[TimedTrip]) -> DayPlan:
        """The vehicle-days of a plan (every vehicle of the fleet, idle ones with no trip)."""
        days: dict[Key, list[TimedTrip]] = {key: [] for key in fleet_keys(inst)}
        plan = cls(inst, days, inst.demand.copy(), inst.stock.copy(), BayBook(inst))
        for trip in trips:
            days.setdefault(vehicle_of(trip), []).append(trip)
            plan._book(trip, 1)
        for day in days.values():
            day.sort(key=lambda t: t.load_start_h)
        plan.need = np.maximum(plan.need, 0)
        return plan

    def copy(self) -> DayPlan:
        """A copy whose days, need, stock and bays change independently (trips are shared)."""
        days = {key: list(day) for key, day in self.days.items()}
        return DayPlan(
            self.inst,
            days,
            self.need.copy(),
            self.stock.copy(),
            self.bays.copy(),
            dict(self.inbound),
        )

    def _book(self, trip: TimedTrip, sign: int) -> None:
        """Count ``trip`` in (``sign`` 1) or out of (-1) the need, stock and bays."""
        w = trip.warehouse_idx
        if sign > 0:
            self.bays.add(w, trip.load_start_h)
        else:
            self.bays.remove(w, trip.load_start_h)
        for stop in trip.stops:
            self.need[stop.area_idx] -= sign * stop.units
            self.stock[w] -= sign * stop.units
        transfer = trip.transfer
        if transfer is not None:
            b = transfer.warehouse_idx
            self.stock[w] -= sign * transfer.units
            self.stock[b] += sign * transfer.units
            self.inbound[b] = self.inbound.get(b, 0) + sign
            start = unloading_start(self.inst, transfer, trip.return_h)
            if sign > 0:
                self.bays.add(b, start)
            else:
                self.bays.remove(b, start)

    def _ledger(self, w: int) -> list[tuple[float, int, IntArray, Key | None]]:
        """Stock events at ``w`` in time order: (hour, 0 in / 1 out, units, vehicle of an out)."""
        n_items = self.inst.n_items
        events: list[tuple[float, int, IntArray, Key | None]] = []
        for key, day in self.days.items():
            for trip in day:
                if trip.warehouse_idx == w:
                    events.append((trip.load_start_h, 1, loaded(trip, n_items), key))
                if trip.transfer is not None and trip.transfer.warehouse_idx == w:
                    events.append((trip.return_h, 0, trip.transfer.units, None))
        events.sort(key=lambda e: (e[0], e[1]))
        return events

    def stock_at(self, w: int, start_h: float) -> IntArray:
        """(I,) what a new loading at ``w`` starting at ``start_h`` may take.

        Where no transfer arrives it is the stock left at the end of the day;
        where some do, the least the warehouse holds from ``start_h`` on
        (units arriving later are not there yet, and later loadings keep theirs).
        """
        if not self.inbound.get(w):
            here: IntArray = self.stock[w]
            return here
        balance = self.inst.stock[w].copy()
        least: IntArray | None = None
        for hour, kind, units, _ in self._ledger(w):
            if least is not None or hour > start_h:
                least = balance.copy() if least is None else np.minimum(least, balance)
            balance = balance + units if kind == 0 else balance - units
        least = balance.copy() if least is None else np.minimum(least, balance)
        return np.maximum(least, 0)

    def next_arrival(self, w: int, after_h: float) -> float | None:
        """The first end of a transfer's unloading at ``w`` after ``after_h`` (None: no such)."""
        if not self.inbound.get(w):
            return None
        ends = [
            t.return_h
            for day in self.days.values()
            for t in day
            if t.transfer is not None and t.transfer.warehouse_idx == w and t.return_h > after_h
        ]
        return min(ends, default=None)

    def settle(self, group_of: IntArray) -> tuple[set[int], list[Key]]:
        """Cut the days of vehicles whose loadings use stock no longer there by then.

        After a transfer is removed, the loadings that relied on it would take
        more than their warehouse holds: from the first loading short, that
        vehicle's day is cut (and again until none is short). Returns the
        groups freed and the vehicles cut.
        """
        freed: set[int] = set()
        cut: list[Key] = []
        while (short := self._first_short()) is not None:
            key, start_h = short
            freed |= self.remove_from(key, start_h, group_of)
            cut.append(key)
        return freed, cut

    def _first_short(self) -> tuple[Key, float] | None:
        """The vehicle and start of the first loading that takes more than its warehouse holds."""
        for w in range(self.inst.n_warehouses):
            if not self.inbound.get(w) and (self.stock[w] >= 0).all():
                continue
            balance = self.inst.stock[w].copy()
            for hour, kind, units, key in self._ledger(w):
                balance = balance + units if kind == 0 else balance - units
                if kind == 1 and key is not None and (balance < 0).any():
                    return key, hour
        return None

    def trips(self) -> list[TimedTrip]:
        """All trips, vehicle by vehicle, each vehicle's in order."""
        return [trip for day in self.days.values() for trip in day]

    def value(self) -> float:
        """Weighted on-time coverage of the plan (need is never below zero)."""
        inst = self.inst
        return float((inst.value * (inst.demand - self.need)).sum())

    def value_per_hour(self) -> float:
        """The plan's value per hour its vehicles are busy (loading to return)."""
        busy_h = sum(t.return_h - t.load_start_h for day in self.days.values() for t in day)
        return self.value() / busy_h if busy_h > 0 else 0.0

    def position(self, key: Key) -> tuple[int, float]:
        """Where the vehicle is and from when it is free after its last trip (its base if none)."""
        day = self.days[key]
        if day:
            return day[-1].end_idx, day[-1].return_h
        return key[0], float(self.inst.ready_h[key[0]])

    def remove_from(self, key: Key, cut_h: float, group_of: IntArray) -> set[int]:
        """Drop the vehicle's trips that start loading at or after ``cut_h``.

        Returns the groups (``group_of`` of each instance area) they stopped at.
        """
        day = self.days[key]
        keep = [trip for trip in day if trip.load_start_h < cut_h]
        freed: set[int] = set()
        for trip in day[len(keep) :]:
            self._book(trip, -1)
            freed |= {int(group_of[stop.area_idx]) for stop in trip.stops}
        self.days[key] = keep
        return freed

    def add(self, key: Key, trip: TimedTrip) -> None:
        """Append ``trip`` to the vehicle's day."""
        self.days[key].append(trip)
        self._book(trip, 1)
