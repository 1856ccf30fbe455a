"""Which warehouses may serve each area in an allocation round, and how soon.

Only warehouses from which some vehicle still free can arrive by the
area's due time are candidates, and of those only the fastest few per item, so
that the allocation LP stays small at province scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .instance import FloatArray, Instance, IntArray

if TYPE_CHECKING:
    from .allocation import FleetState

#: At least this many of the fastest warehouses holding an item are considered for each
#: area and item; more while the LP stays under ``LP_PAIR_BUDGET`` (area, item, warehouse)
#: triples. At province scale (1,000 areas, 4 items) that is 4, which halves the LP of 8
#: with no measured loss; on small scenarios every warehouse is a candidate (see
#: docs/planner.md).
CANDIDATES_PER_AREA = 4
LP_PAIR_BUDGET = 16_000

#: For each (w, k), the warehouses u that could send a type-k vehicle, and when it could load.
MoveSources = dict[tuple[int, int], list[tuple[int, float]]]


@dataclass(frozen=True)
class Candidates:
    """The (warehouse, area) pairs an allocation round may use.

    Attributes
    ----------
    arrival_h
        ``arrival_h[w, a, k]``: earliest arrival at ``a`` of a type-k
        vehicle loading at ``w`` (``inf`` when none is free).
    warehouses
        ``warehouses[a]``: the candidate warehouses of area ``a``, fastest first.
    move_from
        Vehicles that could drive empty to another warehouse and load there
        (empty unless the round may move vehicles).
    """

    arrival_h: FloatArray
    warehouses: list[list[int]]
    move_from: MoveSources


def find_candidates(
    inst: Instance, stock: IntArray, need: IntArray, fleet: FleetState, *, moves: bool
) -> Candidates:
    """For each area, the fastest warehouses holding each item it still needs.

    Parameters
    ----------
    inst
        The instance.
    stock
        (W, I) units still in each warehouse.
    need
        (A, I) units each area still needs on time.
    fleet
        When vehicles and bays are next free.
    moves
        Also count vehicles driven empty from another warehouse.
    """
    move_from = move_sources(inst, fleet) if moves else {}
    arrival = _arrival_h(inst, fleet, move_from)
    best_arrival = arrival.min(axis=2)
    reachable = best_arrival <= inst.due_h[None, :]
    per_item = max(CANDIDATES_PER_AREA, LP_PAIR_BUDGET // max(1, inst.n_areas * inst.n_items))
    warehouses: list[list[int]] = []
    for a in range(inst.n_areas):
        # For each item the area needs, the fastest warehouses that hold it.
        order = np.argsort(best_arrival[:, a], kind="stable")
        chosen: set[int] = set()
        for i in np.flatnonzero(need[a] > 0).tolist():
            holders = [int(w) for w in order if reachable[w, a] and stock[w, i] > 0]
            chosen.update(holders[:per_item])
        warehouses.append(sorted(chosen, key=lambda w: (best_arrival[w, a], w)))
    return Candidates(arrival, warehouses, move_from)


def _arrival_h(inst: Instance, fleet: FleetState, move_from: MoveSources) -> FloatArray:
    """(W, A, K) earliest arrival with the vehicles still available (based or moved)."""
    arrival = np.full((inst.n_warehouses, inst.n_areas, len(inst.types)), np.inf)
    for w in range(inst.n_warehouses):
        for k in range(len(inst.types)):
            start = _start_h(inst, fleet, w, k)
            if np.isfinite(start):
                arrival[w, :, k] = start + inst.load_h[w] + inst.out_h(k)[w]
    for (w, k), sources in move_from.items():
        start = min(s for _, s in sources)
        arrival[w, :, k] = np.minimum(arrival[w, :, k], start + inst.load_h[w] + inst.out_h(k)[w])
    return arrival


def _start_h(inst: Instance, fleet: FleetState, w: int, k: int) -> float:
    """When a type-k vehicle based at ``w`` can first start loading there (``inf`` if none)."""
    free = fleet.vehicle_free_h[w][k]
    if not free:
        return np.inf
    start = max(min(free), float(inst.ready_h[w]))
    bays = fleet.bay_free_h[w]
    if bays:
        start = max(start, min(bays))
    return start


def move_sources(inst: Instance, fleet: FleetState) -> MoveSources:
    """For each (w, k), the warehouses u that could send a type-k vehicle, and when it could load.

    A vehicle leaves its base u when it is free (and u is ready) and drives
    empty to w; it can start loading there on arrival, once w is ready and a
    bay is free. Only moves that leave time for a trip are listed.
    """
    out: MoveSources = {}
    n_w = inst.n_warehouses
    for k in range(len(inst.types)):
        hours = inst.hours(k)
        for u in range(n_w):
            free = fleet.vehicle_free_h[u][k]
            if not free:
                continue
            leave = max(min(free), float(inst.ready_h[u]))
            for w in range(n_w):
                if w == u or not np.isfinite(hours[u, w]) or not np.isfinite(hours[w, u]):
                    continue
                start = max(leave + float(hours[u, w]), float(inst.ready_h[w]))
                bays = fleet.bay_free_h[w]
                if bays:
                    start = max(start, min(bays))
                if start + float(inst.load_h[w]) < inst.horizon_h:
                    out.setdefault((w, k), []).append((u, start))
    return out
