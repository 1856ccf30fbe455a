"""The plan as vehicle-days: each vehicle's trips in order, with what is left to deliver and ship."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dispatch import TimedTrip
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


@dataclass
class DayPlan:
    """Vehicle-days, the need not yet met on time, the stock left and the bays booked."""

    inst: Instance
    days: dict[Key, list[TimedTrip]]
    need: IntArray  # (A, I)
    stock: IntArray  # (W, I)
    bays: BayBook

    @classmethod
    def from_trips(cls, inst: Instance, trips: list[TimedTrip]) -> DayPlan:
        """The vehicle-days of a plan (every vehicle of the fleet, idle ones with no trip)."""
        days: dict[Key, list[TimedTrip]] = {key: [] for key in fleet_keys(inst)}
        need, stock = inst.demand.copy(), inst.stock.copy()
        bays = BayBook(inst)
        for trip in trips:
            days.setdefault(vehicle_of(trip), []).append(trip)
            bays.add(trip.warehouse_idx, trip.load_start_h)
            for stop in trip.stops:
                need[stop.area_idx] -= stop.units
                stock[trip.warehouse_idx] -= stop.units
        for day in days.values():
            day.sort(key=lambda t: t.load_start_h)
        return cls(inst, days, np.maximum(need, 0), stock, bays)

    def copy(self) -> DayPlan:
        """A copy whose days, need, stock and bays change independently (trips are shared)."""
        days = {key: list(day) for key, day in self.days.items()}
        return DayPlan(self.inst, days, self.need.copy(), self.stock.copy(), self.bays.copy())

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
            return day[-1].warehouse_idx, day[-1].return_h
        return key[0], float(self.inst.ready_h[key[0]])

    def remove_from(self, key: Key, cut_h: float, group_of: IntArray) -> set[int]:
        """Drop the vehicle's trips that start loading at or after ``cut_h``.

        Returns the groups (``group_of`` of each instance area) they stopped at.
        """
        day = self.days[key]
        keep = [trip for trip in day if trip.load_start_h < cut_h]
        freed: set[int] = set()
        for trip in day[len(keep) :]:
            self.bays.remove(trip.warehouse_idx, trip.load_start_h)
            for stop in trip.stops:
                self.need[stop.area_idx] += stop.units
                self.stock[trip.warehouse_idx] += stop.units
                freed.add(int(group_of[stop.area_idx]))
        self.days[key] = keep
        return freed

    def add(self, key: Key, trip: TimedTrip) -> None:
        """Append ``trip`` to the vehicle's day."""
        self.days[key].append(trip)
        self.bays.add(trip.warehouse_idx, trip.load_start_h)
        for stop in trip.stops:
            self.need[stop.area_idx] -= stop.units
            self.stock[trip.warehouse_idx] -= stop.units
