"""Feedback from dispatch to allocation: the budget scales the dispatch really achieves.

The allocation LP charges a truckload ``t[w, a, k]`` one direct round trip
(loading, out, unloading, back) against the hours the vehicles of type k at
w have left, and a loading against the bay hours left. Real trips also wait
for bays, leave partly full, stop at several areas and strand the end of a
vehicle's day, so the LP's hours buy a different amount of cargo in reality,
warehouse by warehouse.

After a first round is dispatched, :func:`measured_scales` measures, per
warehouse and vehicle type, the cargo the dispatch carried in the LP's own
currency (its LP-hours: for each stop, the direct round trip to that area
times the share of the vehicle the stop's units fill) against the real
vehicle hours it took, and the same for bay loadings. That rate is the
budget scale under which the LP would allocate what the dispatch carries:

- where the dispatch fell short of the allocation and the vehicles (or the
  bays) were busy, the whole day went into what was carried: the rate is
  carried / all the hours there were (a cut: what the warehouse failed to
  carry cannot be planned from there again at the same rate);
- otherwise the rate is carried / the hours the trips (or loadings) took,
  so an allocation the warehouse carried easily grows to what its fleet
  carries in a day at that rate.

The planner (:mod:`supplyopt.solve.planner`) re-solves the first round's LP
with the measured scales, dispatches again, and repeats while it improves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dispatch import TimedTrip
from .instance import FloatArray, Instance
from .rounds import FirstRound

#: Measured scales are kept within these bounds (a type or warehouse that carried
#: nothing is not shut out of the LP; the LP is never planned above its budgets).
MIN_SCALE = 0.2
MAX_SCALE = 1.0
#: A warehouse fell short when it left more than this share of its allocation's
#: LP-hours uncarried.
SHORT_SHARE = 0.01
#: A resource (a warehouse's vehicles of a type, or its bays) was busy when its trips or
#: loadings filled at least this share of the hours it spent.
BUSY = 0.8


@dataclass(frozen=True)
class Scales:
    """Budget scales of the first round's LP, per warehouse and type and per warehouse.

    Attributes
    ----------
    fleet
        (W, K) multipliers of the vehicle-hour budgets.
    bays
        (W,) multipliers of the loading-bay budgets.
    """

    fleet: FloatArray
    bays: FloatArray

    @classmethod
    def uniform(cls, inst: Instance, fleet: float, bays: float) -> Scales:
        """The same scales everywhere (a fixed variant)."""
        n_w, n_k = inst.n_warehouses, len(inst.types)
        return cls(np.full((n_w, n_k), float(fleet)), np.full(n_w, float(bays)))

    def same_as(self, other: Scales, tol: float = 1e-3) -> bool:
        """True when no scale differs from ``other``'s by more than ``tol``."""
        return bool(
            np.allclose(self.fleet, other.fleet, atol=tol, rtol=0.0)
            and np.allclose(self.bays, other.bays, atol=tol, rtol=0.0)
        )


def measured_scales(inst: Instance, first: FirstRound, current: Scales) -> Scales:
    """The scales the first round's dispatch achieved; ``current`` where nothing was measured.

    Parameters
    ----------
    inst
        The instance.
    first
        The first round's allocation, what its dispatch left and its trips.
    current
        The scales that round was planned with (kept for a warehouse and
        type whose vehicles made no trip).

    Returns
    -------
    Scales
        Per (w, k): LP-hours carried per hour the type's vehicles spent;
        per w with limited bays: truckloads carried per loading the bay
        hours spent allow. Within [MIN_SCALE, MAX_SCALE].
    """
    carried_h, loads = lp_hours_carried(inst, first.trips)
    trip_h, n_trips = _trip_hours(inst, first.trips)
    short = fell_short(inst, first)
    fleet = current.fleet.copy()
    spent_h = first.vehicle_h_before - first.vehicle_h_after
    # Short and busy: the whole day went into what was carried (the cut). A type that made no
    # trip there was not busy (0 >= 0 would cut it to MIN_SCALE): it keeps its scale.
    cut = short[:, None] & (trip_h > 0) & (trip_h >= BUSY * spent_h)
    fleet_h = np.where(cut, first.vehicle_h_before, trip_h)
    measured = fleet_h > 1e-9
    fleet[measured] = carried_h[measured] / fleet_h[measured]
    bays = current.bays.copy()
    for w in range(inst.n_warehouses):
        load_h = float(inst.load_h[w])
        if inst.bays[w] is None or load_h <= 0 or n_trips[w] == 0:
            continue
        spent = first.bay_h_before[w] - first.bay_h_after[w]
        if short[w] and n_trips[w] * load_h >= BUSY * spent:
            bays[w] = loads[w] / (first.bay_h_before[w] / load_h)
        else:  # the bays did not bind: what a loading carries on average
            bays[w] = loads[w] / n_trips[w]
    return Scales(np.clip(fleet, MIN_SCALE, MAX_SCALE), np.clip(bays, MIN_SCALE, MAX_SCALE))


def _trip_hours(inst: Instance, trips: list[TimedTrip]) -> tuple[FloatArray, FloatArray]:
    """(W, K) hours from loading start to return of the trips, and (W,) how many trips."""
    hours = np.zeros((inst.n_warehouses, len(inst.types)))
    count = np.zeros(inst.n_warehouses)
    for trip in trips:
        hours[trip.warehouse_idx, trip.vehicle_type_idx] += trip.return_h - trip.load_start_h
        count[trip.warehouse_idx] += 1
    return hours, count


def lp_hours_carried(inst: Instance, trips: list[TimedTrip]) -> tuple[FloatArray, FloatArray]:
    """(W, K) LP-hours of the cargo the trips carry, and (W,) their truckloads.

    A stop's cargo fills a share of its vehicle (the larger of its weight and
    volume shares); the LP charges that share of a direct round trip from the
    loading warehouse to the stop's area, and counts it as that share of a
    loading.
    """
    hours = np.zeros((inst.n_warehouses, len(inst.types)))
    loads = np.zeros(inst.n_warehouses)
    for trip in trips:
        w, k = trip.warehouse_idx, trip.vehicle_type_idx
        cycle = _cycle_h(inst, w, k)
        for stop in trip.stops:
            fill = max(
                float(stop.units @ inst.weight_kg) / float(inst.capacity_kg[k]),
                float(stop.units @ inst.volume_m3) / float(inst.capacity_m3[k]),
            )
            hours[w, k] += fill * float(cycle[stop.area_idx])
            loads[w] += fill
    return hours, loads


def fell_short(inst: Instance, first: FirstRound) -> np.ndarray[tuple[int], np.dtype[np.bool_]]:
    """(W,) True where the dispatch left over SHORT_SHARE of the allocation's LP-hours."""
    out = np.zeros(inst.n_warehouses, dtype=bool)
    for w in range(inst.n_warehouses):
        if not first.left[w].any():
            continue
        per_unit = _unit_hours(inst, w)
        allocated = float((first.allocated[w] * per_unit).sum())
        left = float((first.left[w] * per_unit).sum())
        out[w] = left > SHORT_SHARE * allocated
    return out


def _cycle_h(inst: Instance, w: int, k: int) -> FloatArray:
    """(A,) hours of a direct round trip of type k from w to each area, as the LP counts it."""
    cycle: FloatArray = float(inst.load_h[w]) + inst.out_h(k)[w] + inst.unload_h + inst.back_h(k)[w]
    return cycle


def _unit_hours(inst: Instance, w: int) -> FloatArray:
    """(A, I) LP-hours of one unit from w: its share of the cheapest type's direct round trip."""
    best = np.full((inst.n_areas, inst.n_items), np.inf)
    for k in range(len(inst.types)):
        share = np.maximum(
            inst.weight_kg / float(inst.capacity_kg[k]), inst.volume_m3 / float(inst.capacity_m3[k])
        )
        best = np.minimum(best, _cycle_h(inst, w, k)[:, None] * share[None, :])
    return np.where(np.isfinite(best), best, 0.0)
