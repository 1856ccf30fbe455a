"""Where and when the fleet and the loading bays are free for new trips.

Every vehicle still usable is available where it really is: back at the
warehouse of its last trip kept in the revision (from that trip's return),
else at its base (from the base's ready time), never before ``now_hours``.
A vehicle down, withdrawn, based at a warehouse out of action, or standing
at one, is not available. Each loading bay is free after the last loading
the revision keeps on it (loadings are laid on bays in time order; new
trips load after them), so no bay rule can break.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from ..model import Operation, Trip
from ..solve.start import FleetStart, VehicleStart
from .keep import positions

#: Loadings this close together (rounded times) do not overlap.
BAY_TOL_H = 0.001


def fleet_start(op: Operation, trips: Iterable[Trip]) -> FleetStart:
    """The state new trips start from, after ``trips`` (under way and kept)."""
    trips = list(trips)
    now = op.now_hours
    vehicles: list[VehicleStart] = []
    for vehicle, spot in sorted(positions(op.changed, trips).items()):
        free = max(spot.free_hours, now)
        if math.isfinite(free) and op.usable(vehicle, spot.warehouse, free):
            vehicles.append(VehicleStart(vehicle, spot.warehouse, free))
    return FleetStart(tuple(vehicles), now, bays_busy(op, trips))


def bays_busy(op: Operation, trips: Iterable[Trip]) -> dict[str, tuple[float, ...]]:
    """Per warehouse with a bay limit, when each bay busy after ``now_hours`` is free."""
    scenario = op.changed
    loadings: defaultdict[str, list[float]] = defaultdict(list)
    for trip in trips:
        loadings[trip.warehouse].append(trip.load_start_hours)
    busy: dict[str, tuple[float, ...]] = {}
    for warehouse in scenario.warehouses:
        n_bays = warehouse.loading_bays
        starts = sorted(loadings.get(warehouse.id, []))
        if n_bays is None or not starts:
            continue
        free = [-math.inf] * n_bays
        for start in starts:
            # The bay freed latest among those free by then (any bay if none is).
            ready = [pos for pos, t in enumerate(free) if t <= start + BAY_TOL_H]
            pos = (
                max(ready, key=lambda p: free[p])
                if ready
                else min(range(n_bays), key=free.__getitem__)
            )
            free[pos] = max(free[pos], start) + warehouse.loading_hours
        later = sorted(t for t in free if t > op.now_hours)
        if later:
            busy[warehouse.id] = tuple(later)
    return busy
