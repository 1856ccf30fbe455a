"""The timed facts of an operation: vehicles down, warehouses out, vehicles withdrawn, now.

- ``vehicle_down`` at t: the vehicle makes no stop after t and starts no trip
  at or after t; a trip on the road at t ends there (``down_hours: t``, not
  expected back).
- ``warehouse_out`` at t: no trip loads there at or after t, and no vehicle
  based there starts a trip at or after t.
- ``reduce_fleet`` at t: the withdrawn vehicles start no trip at or after t.
- No trip loads before ``now_hours`` unless it was under way in the previous plan.

Trips that were under way keep their loading (they had started); the
vehicle-down rules apply to them too.
"""

from __future__ import annotations

import math

from ..check import TIME_TOL_H
from ..model import Operation, Plan, Trip


def down_mark(trip: Trip) -> float | None:
    """The trip's ``down_hours`` (an extension field), if any."""
    value = (trip.model_extra or {}).get("down_hours")
    return float(value) if isinstance(value, int | float) else None


def timed_problems(operation: Operation, new: Plan, frozen: frozenset[int]) -> list[str]:
    """Every trip of the revision that breaks a timed fact, located."""
    problems: list[str] = []
    now = operation.now_hours
    for t_idx, trip in enumerate(new.trips):
        where = f"trips[{t_idx}]"
        problems += _down_problems(operation, where, trip)
        if t_idx in frozen:
            continue
        start = trip.load_start_hours
        if start < now - TIME_TOL_H:
            problems.append(
                f"{where}.load_start_hours: {start} is before now ({now} h); only trips under "
                "way in the previous plan load before now"
            )
        out_at = operation.out.get(trip.warehouse)
        if out_at is not None and start >= out_at:
            problems.append(
                f"{where}.load_start_hours: {start}, but {trip.warehouse!r} is out of action "
                f"from {out_at} h (warehouse_out)"
            )
        base_out = operation.out.get(trip.base)
        if base_out is not None and trip.base != trip.warehouse and start >= base_out:
            problems.append(
                f"{where}.load_start_hours: {start}, but {trip.vehicle}'s base {trip.base!r} "
                f"is out of action from {base_out} h and its vehicles start no trip"
            )
        retired = operation.retired.get(trip.vehicle)
        if retired is not None and start >= retired:
            problems.append(
                f"{where}.load_start_hours: {start}, but {trip.vehicle} is withdrawn from "
                f"{retired} h (reduce_fleet)"
            )
    return problems


def _down_problems(operation: Operation, where: str, trip: Trip) -> list[str]:
    """A vehicle that went down: nothing after it, and the trip it was on ends there."""
    problems: list[str] = []
    down = operation.down.get(trip.vehicle)
    mark = down_mark(trip)
    if down is None:
        if mark is not None:
            problems.append(
                f"{where}.down_hours: {mark}, but no vehicle_down event names {trip.vehicle}"
            )
        return problems
    if trip.load_start_hours >= down:
        return [
            f"{where}.load_start_hours: {trip.load_start_hours}, but {trip.vehicle} went down "
            f"at {down} h and is not used again"
        ]
    for s_idx, stop in enumerate(trip.stops):
        if stop.arrive_hours > down:
            problems.append(
                f"{where}.stops[{s_idx}].arrive_hours: {stop.arrive_hours} is after "
                f"{trip.vehicle} went down ({down} h)"
            )
    if mark is None and trip.return_hours > down + TIME_TOL_H:
        problems.append(
            f"{where}.down_hours: missing, but {trip.vehicle} went down at {down} h on this "
            f"trip (it would return at {trip.return_hours} h): a trip ends where its vehicle "
            "went down, with down_hours and return_hours equal to that time"
        )
    elif mark is not None and not math.isclose(mark, down, abs_tol=TIME_TOL_H):
        problems.append(f"{where}.down_hours: {mark}, but {trip.vehicle} went down at {down} h")
    elif mark is not None and not math.isclose(trip.return_hours, down, abs_tol=TIME_TOL_H):
        problems.append(
            f"{where}.return_hours: {trip.return_hours}, but the trip ends where "
            f"{trip.vehicle} went down ({down} h)"
        )
    return problems
