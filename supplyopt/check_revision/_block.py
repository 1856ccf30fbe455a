"""The ``replan`` block of a revised plan, recounted: now, lots, kept/changed/cancelled/new.

Counting (docs/contract.md §6 notes): per vehicle, the previous plan's trips
against the revision's in loading order. A trip under way is *kept* when
the revision has it unchanged, else *changed* (*cancelled* if dropped).
The previous trips that had not started are matched first with identical
revised trips of the vehicle (kept, wherever they now sit); the rest pair in
loading order with its other revised trips (changed); previous trips left
over are cancelled, revised ones left over are new. Identical means the same warehouse, stops, deliveries and
times (within the 0.01 h rounding).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .._check_kpis import DueLot
from ..check import TIME_TOL_H
from ..model import Change, LotEntry, Operation, Plan, Trip
from ._underway import UnderWay, same_stop


@dataclass
class Counts:
    """Trips kept, changed, cancelled and new, and the vehicles with any change."""

    kept: int = 0
    changed: int = 0
    cancelled: int = 0
    new: int = 0
    vehicles: set[str] = field(default_factory=set)


def same_trip(one: Trip, other: Trip) -> bool:
    """Whether two trips are the same order: warehouse, stops, deliveries, times."""
    times = ("load_start_hours", "depart_hours", "return_hours")
    return (
        one.vehicle == other.vehicle
        and one.warehouse == other.warehouse
        and all(abs(getattr(one, t) - getattr(other, t)) <= TIME_TOL_H for t in times)
        and len(one.stops) == len(other.stops)
        and all(same_stop(a, b) for a, b in zip(one.stops, other.stops, strict=True))
    )


def recount_changes(
    operation: Operation, previous: Plan, new: Plan, trips: list[UnderWay]
) -> Counts:
    """Count kept, changed, cancelled and new trips as the module docstring says."""
    now = operation.now_hours
    counts = Counts()
    matched = {entry.new_idx for entry in trips if entry.new_idx is not None}
    underway = {entry.prev_idx for entry in trips}
    for entry in trips:
        if entry.new_idx is None:
            counts.cancelled += 1
            counts.vehicles.add(entry.trip.vehicle)
        elif same_trip(entry.trip, new.trips[entry.new_idx]):
            counts.kept += 1
        else:
            counts.changed += 1
            counts.vehicles.add(entry.trip.vehicle)
    waiting: defaultdict[str, list[Trip]] = defaultdict(list)
    for p_idx, trip in enumerate(previous.trips):
        if p_idx in underway:
            continue
        if trip.load_start_hours < now:  # loading after its vehicle went down: never started
            counts.cancelled += 1
            counts.vehicles.add(trip.vehicle)
        else:
            waiting[trip.vehicle].append(trip)
    revised: defaultdict[str, list[Trip]] = defaultdict(list)
    for n_idx, trip in enumerate(new.trips):
        if n_idx not in matched:
            revised[trip.vehicle].append(trip)
    for vehicle in sorted(set(waiting) | set(revised)):
        before = sorted(waiting[vehicle], key=lambda t: t.load_start_hours)
        after = sorted(revised[vehicle], key=lambda t: t.load_start_hours)
        # An order the revision keeps verbatim is kept wherever it now sits among the
        # vehicle's trips (its first order cancelled, its second kept: 1 kept, 1 cancelled).
        for one in list(before):
            same = next((other for other in after if same_trip(one, other)), None)
            if same is not None:
                before.remove(one)
                after.remove(same)
                counts.kept += 1
        for _one, _other in zip(before, after, strict=False):
            counts.changed += 1
            counts.vehicles.add(vehicle)
        counts.cancelled += max(0, len(before) - len(after))
        counts.new += max(0, len(after) - len(before))
        if len(before) != len(after):
            counts.vehicles.add(vehicle)
    return counts


def block_problems(
    operation: Operation, previous: Plan, new: Plan, lots: list[DueLot], trips: list[UnderWay]
) -> list[str]:
    """Every way the ``replan`` block disagrees with the events, the lots and a recount."""
    block = new.replan
    if block is None:
        return ["replan: missing (a revised plan says what it revised: now_hours, lots, counts)"]
    problems: list[str] = []
    if abs(block.now_hours - operation.now_hours) > 1e-9:
        problems.append(
            f"replan.now_hours: {block.now_hours}, but the events say {operation.now_hours}"
        )
    problems += _lot_problems(block.lots, lots)
    counts = recount_changes(operation, previous, new, trips)
    for name in ("kept", "changed", "cancelled", "new"):
        said, counted = getattr(block, name), getattr(counts, name)
        if said != counted:
            problems.append(f"replan.{name}: {said}, recounted {counted}")
    problems += _change_problems(block.changes, counts.vehicles)
    return problems


def _lot_problems(listed: list[LotEntry], lots: list[DueLot]) -> list[str]:
    """``replan.lots`` lists every lot in force and nothing else (due times within 0.01 h)."""
    dues: defaultdict[tuple[str, str, int], list[float]] = defaultdict(list)
    for lot in lots:
        dues[lot.area, lot.item, lot.quantity].append(lot.due_hours)
    problems: list[str] = []
    for idx, entry in enumerate(listed):
        left = dues[entry.area, entry.item, entry.quantity]
        near = [d for d in left if abs(d - entry.due_hours) <= TIME_TOL_H]
        if near:
            left.remove(min(near, key=lambda d: abs(d - entry.due_hours)))
        else:
            problems.append(
                f"replan.lots[{idx}]: {entry.quantity} {entry.item} for {entry.area!r} due "
                f"{entry.due_hours} h is not a demand lot in force"
            )
    for (area, item, quantity), left in dues.items():
        problems += [
            f"replan.lots: misses {quantity} {item} for {area!r} due {due:g} h" for due in left
        ]
    return problems


def _change_problems(changes: list[Change], vehicles: set[str]) -> list[str]:
    """One readable change per vehicle with a changed, cancelled or new trip; none for others."""
    problems: list[str] = []
    seen: set[str] = set()
    for idx, change in enumerate(changes):
        if change.vehicle in seen:
            problems.append(f"replan.changes[{idx}]: a second entry for {change.vehicle}")
        seen.add(change.vehicle)
        if not change.what.strip():
            problems.append(f"replan.changes[{idx}].what: empty; say what changed")
        if change.vehicle not in vehicles:
            problems.append(
                f"replan.changes[{idx}]: {change.vehicle} has no changed, cancelled or new trip"
            )
    for vehicle in sorted(vehicles - seen):
        problems.append(f"replan.changes: nothing said about {vehicle}, whose trips changed")
    return problems
