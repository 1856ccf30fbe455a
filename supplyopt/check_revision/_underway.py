"""What a revision may not undo: the trips of the previous plan under way at ``now_hours``.

A trip of the previous plan is under way when it started loading before
``now_hours``, unless its vehicle went down at or before that moment (it then
loaded nothing). Its load is fixed; its stops reached by ``now_hours`` (and
not after its vehicle went down) happened. The revision must keep the trip
with the same vehicle, warehouse and times, those stops exactly, and deliver
from the rest of the load no more than the truck still carries.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from ..check import TIME_TOL_H
from ..model import Operation, Plan, Stop, Trip


@dataclass(frozen=True)
class UnderWay:
    """One trip of the previous plan under way, and where the revision has it.

    Attributes
    ----------
    prev_idx
        Its index in the previous plan.
    trip
        The previous trip.
    fixed
        How many of its first stops had happened by ``now_hours``.
    new_idx
        Index of the revised plan's trip for it (same vehicle and loading
        start), or ``None`` when the revision dropped it.
    """

    prev_idx: int
    trip: Trip
    fixed: int
    new_idx: int | None


def load_of(trip: Trip) -> Counter[str]:
    """Units per item a trip carries: the sum of its stops' deliveries."""
    load: Counter[str] = Counter()
    for stop in trip.stops:
        load.update(stop.deliver)
    return load


def fixed_stop_count(trip: Trip, now_hours: float, down_hours: float) -> int:
    """How many first stops of the trip happened: reached by now, and not after a breakdown."""
    until = min(now_hours, down_hours)
    count = 0
    for stop in trip.stops:
        if stop.arrive_hours > until:
            break
        count += 1
    return count


def under_way(
    operation: Operation,
    previous: Plan,
    new: Plan,
    stranded: Mapping[str, float] | None = None,
) -> list[UnderWay]:
    """The previous plan's trips under way at ``now_hours``, each with its revised trip.

    A trip its vehicle would start after it went down, or after it was
    stranded (``stranded``: vehicle → ``stranded_hours`` the roads bear out),
    never started.
    """
    stranded = stranded or {}
    now = operation.now_hours
    found: list[UnderWay] = []
    by_vehicle: defaultdict[str, list[int]] = defaultdict(list)
    for n_idx, other in enumerate(new.trips):
        by_vehicle[other.vehicle].append(n_idx)
    for p_idx, trip in enumerate(previous.trips):
        down = operation.down.get(trip.vehicle, math.inf)
        stuck = stranded.get(trip.vehicle, math.inf)
        if trip.load_start_hours >= now or trip.load_start_hours >= min(down, stuck):
            continue
        candidates = by_vehicle[trip.vehicle]
        match = next(
            (
                n_idx
                for n_idx in candidates
                if abs(new.trips[n_idx].load_start_hours - trip.load_start_hours) <= TIME_TOL_H
            ),
            None,
        )
        if match is not None:
            candidates.remove(match)
        found.append(UnderWay(p_idx, trip, fixed_stop_count(trip, now, down), match))
    return found


def under_way_problems(operation: Operation, new: Plan, trips: list[UnderWay]) -> list[str]:
    """Every way the revision undoes or overloads a trip that was under way."""
    problems: list[str] = []
    now = operation.now_hours
    for entry in trips:
        prev, where_prev = entry.trip, f"previous trips[{entry.prev_idx}]"
        if entry.new_idx is None:
            problems.append(
                f"{where_prev}: {prev.vehicle} started loading at {prev.warehouse!r} at "
                f"{prev.load_start_hours} h, before now ({now} h), and is missing from the "
                "new plan (a trip under way cannot be dropped)"
            )
            continue
        trip = new.trips[entry.new_idx]
        where = f"trips[{entry.new_idx}]"
        for name in ("warehouse", "vehicle_type"):
            if getattr(trip, name) != getattr(prev, name):
                problems.append(
                    f"{where}.{name}: {getattr(trip, name)!r}, but the trip under way "
                    f"({where_prev}) has {getattr(prev, name)!r}"
                )
        if abs(trip.depart_hours - prev.depart_hours) > TIME_TOL_H:
            problems.append(
                f"{where}.depart_hours: {trip.depart_hours}, but the trip under way "
                f"({where_prev}) departs at {prev.depart_hours}"
            )
        problems += _fixed_stop_problems(where, where_prev, prev, trip, entry.fixed)
        problems += _remainder_problems(where, prev, trip, entry.fixed, now)
    return problems


def same_stop(one: Stop, other: Stop) -> bool:
    """The same area, arrival (within the 0.01 h rounding) and deliveries."""
    return (
        one.area == other.area
        and abs(one.arrive_hours - other.arrive_hours) <= TIME_TOL_H
        and _units_of(one) == _units_of(other)
    )


def _units_of(stop: Stop) -> dict[str, int]:
    return {item_id: qty for item_id, qty in stop.deliver.items() if qty}


def _fixed_stop_problems(
    where: str, where_prev: str, prev: Trip, trip: Trip, fixed: int
) -> list[str]:
    """The stops that happened are in the revised trip first, exactly as they were."""
    problems: list[str] = []
    for s_idx in range(fixed):
        was = prev.stops[s_idx]
        said = (
            f"{was.area!r} at {was.arrive_hours} h delivering "
            f"{_units(was.deliver)} ({where_prev}.stops[{s_idx}])"
        )
        if s_idx >= len(trip.stops):
            problems.append(f"{where}.stops[{s_idx}]: missing; the stop that happened was {said}")
        elif not same_stop(trip.stops[s_idx], was):
            got = trip.stops[s_idx]
            problems.append(
                f"{where}.stops[{s_idx}]: {got.area!r} at {got.arrive_hours} h delivering "
                f"{_units(got.deliver)}, but the stop that happened was {said}"
            )
    return problems


def _remainder_problems(where: str, prev: Trip, trip: Trip, fixed: int, now: float) -> list[str]:
    """The rest of the trip: after now, and no more of an item than the truck still carries."""
    problems: list[str] = []
    carried = load_of(prev)
    for stop in prev.stops[:fixed]:
        carried.subtract(stop.deliver)
    delivered: Counter[str] = Counter()
    for s_idx, stop in enumerate(trip.stops[fixed:], start=fixed):
        delivered.update(stop.deliver)
        if stop.arrive_hours <= now:
            problems.append(
                f"{where}.stops[{s_idx}].arrive_hours: {stop.arrive_hours} is not after now "
                f"({now} h), but the previous plan has no such stop by now"
            )
    for item_id, qty in sorted(delivered.items()):
        if qty > carried[item_id]:
            problems.append(
                f"{where}: the stops after now deliver {qty} {item_id}, but the truck "
                f"carries {carried[item_id]} after its stops before now"
            )
    return problems


def _units(deliver: dict[str, int]) -> str:
    return ", ".join(f"{qty} {item}" for item, qty in deliver.items()) or "nothing"


def frozen_extra(new: Plan, trips: list[UnderWay]) -> dict[tuple[str, str], int]:
    """Units the under-way trips loaded and the revision does not deliver (still out of stock).

    Stock left is the scenario's stock less what the under-way trips loaded
    (contract §6); units the revised plan does not deliver from those loads
    count as taken too (carried back, or lost with a vehicle that went down).
    """
    extra: Counter[tuple[str, str]] = Counter()
    for entry in trips:
        load = load_of(entry.trip)
        if entry.new_idx is not None:
            load.subtract(load_of(new.trips[entry.new_idx]))
        for item_id, qty in load.items():
            if qty > 0:
                extra[entry.trip.warehouse, item_id] += qty
    return dict(extra)
