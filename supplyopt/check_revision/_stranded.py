"""Trucks stranded on the road: no road back from where they are (contract §6 notes).

A trip may say ``stranded_hours`` (an extension field): the leave time of its
last site (its last stop's arrival plus unloading, or its departure without
stops), from which no road leads back to its warehouse. The checker believes
it only when the roads of that moment (:meth:`Operation.roads_at`) give the
return leg no finite travel time; the trip then ends there (``return_hours``
equal to it, no return leg checked) and its vehicle starts no later trip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..check import TIME_TOL_H
from ..model import Operation, Plan, Trip
from ._roads import TimedRoads


@dataclass(frozen=True)
class Stranding:
    """A trip's claim to be stranded, against the roads."""

    trip_idx: int
    hours: float
    problem: str | None


def stranded_mark(trip: Trip) -> float | None:
    """The trip's ``stranded_hours`` (an extension field), if any."""
    value = (trip.model_extra or {}).get("stranded_hours")
    return float(value) if isinstance(value, int | float) else None


def strandings(operation: Operation, new: Plan, roads: TimedRoads) -> dict[str, Stranding]:
    """Per vehicle, its first trip that says ``stranded_hours``, with what is wrong with it."""
    changed = operation.changed
    n_w = len(changed.warehouses)
    w_site = {w.id: idx for idx, w in enumerate(changed.warehouses)}
    a_site = {a.id: n_w + idx for idx, a in enumerate(changed.areas)}
    found: dict[str, Stranding] = {}
    for t_idx, trip in enumerate(new.trips):
        mark = stranded_mark(trip)
        if mark is None or trip.vehicle in found:
            continue
        where = f"trips[{t_idx}]"
        if trip.stops:
            last = trip.stops[-1]
            leave = last.arrive_hours + changed.area(last.area).unloading_hours
            site, place = a_site[last.area], repr(last.area)
        else:
            leave, site, place = trip.depart_hours, w_site[trip.warehouse], "its warehouse"
        problem: str | None = None
        back_h = float(roads.at(mark).duration_h[trip.vehicle_type][site, w_site[trip.warehouse]])
        if not math.isclose(mark, leave, abs_tol=TIME_TOL_H):
            problem = (
                f"{where}.stranded_hours: {mark}, but the truck leaves {place} at {leave:.4f} h"
            )
        elif math.isfinite(back_h):
            problem = (
                f"{where}.stranded_hours: {mark}, but a road leads back from {place} to "
                f"{trip.warehouse!r} then ({back_h:.4f} h)"
            )
        elif not math.isclose(trip.return_hours, mark, abs_tol=TIME_TOL_H):
            problem = (
                f"{where}.return_hours: {trip.return_hours}, but the truck is stranded at "
                f"{place} from {mark} h (return_hours equals stranded_hours)"
            )
        found[trip.vehicle] = Stranding(t_idx, mark, problem)
    return found


def stranded_problems(new: Plan, found: dict[str, Stranding]) -> list[str]:
    """Every stranding the roads do not bear out, and every trip after a stranding."""
    problems: list[str] = []
    for t_idx, trip in enumerate(new.trips):
        mark = stranded_mark(trip)
        if mark is not None and found[trip.vehicle].trip_idx != t_idx:
            problems.append(f"trips[{t_idx}].stranded_hours: {trip.vehicle} is stranded earlier")
    for vehicle, claim in found.items():
        if claim.problem is not None:
            problems.append(claim.problem)
            continue
        for t_idx, trip in enumerate(new.trips):
            if (
                trip.vehicle == vehicle
                and t_idx != claim.trip_idx
                and trip.load_start_hours >= new.trips[claim.trip_idx].load_start_hours
            ):
                problems.append(
                    f"trips[{t_idx}].load_start_hours: {trip.load_start_hours}, but {vehicle} "
                    f"is stranded from {claim.hours} h (trips[{claim.trip_idx}]) and is not "
                    "used again"
                )
    return problems
