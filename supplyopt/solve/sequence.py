"""Re-sequence multi-stop trips with the routing engine.

The dispatch stage orders a trip's stops greedily (nearest next). For trips
with three or more stops the routing layer (the same engine ``solve-vrp``
is benchmarked with) searches for a shorter order that still reaches every
stop by its due time. A new order is kept only if, recomputed with real
times, every arrival is on time, the vehicle is back no later (so its next
trips stay valid) and the trip is shorter.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .dispatch import TimedStop, TimedTrip
from .instance import Instance
from .progress import Clock
from .routing import (
    RoutingClient,
    RoutingDepot,
    RoutingProblem,
    RoutingVehicleType,
    Scaling,
    solve_routing,
)

#: Trips with at least this many stops are re-sequenced.
MIN_STOPS = 3
#: Search budget per trip (iterations; the time cap is a safety net).
ITERATIONS = 400
NO_IMPROVEMENT = 150
_SCALING = Scaling.hours_km()


def retime(inst: Instance, trip: TimedTrip, order: list[int]) -> TimedTrip:
    """The trip with its stops visited in ``order`` (positions), times and km recomputed.

    Stops at lots of the same area one after the other are one stop: same
    arrival, unloaded once.
    """
    n_w = inst.n_warehouses
    hours, km = inst.hours(trip.vehicle_type_idx), inst.km(trip.vehicle_type_idx)
    here, clock_h, distance = trip.warehouse_idx, trip.depart_h, 0.0
    stops: list[TimedStop] = []
    for pos in order:
        old = trip.stops[pos]
        site = n_w + old.area_idx
        if stops and inst.area_of[stops[-1].area_idx] == inst.area_of[old.area_idx]:
            stops.append(TimedStop(old.area_idx, stops[-1].arrive_h, old.units))
            here = site
            continue
        clock_h += float(hours[here, site])
        distance += float(km[here, site])
        stops.append(TimedStop(old.area_idx, clock_h, old.units))
        clock_h += float(inst.unload_h[old.area_idx])
        here = site
    return_h = clock_h + float(hours[here, trip.warehouse_idx])
    distance += float(km[here, trip.warehouse_idx])
    return replace(trip, stops=stops, return_h=return_h, distance_km=distance)


def resequence_trips(
    inst: Instance, trips: list[TimedTrip], clock: Clock, *, seed: int
) -> list[TimedTrip]:
    """Shorten multi-stop trips where the engine finds a better order; others unchanged."""
    out: list[TimedTrip] = []
    for trip in trips:
        if len(trip.stops) >= MIN_STOPS and not clock.stopped():
            trip = _resequence(inst, trip, clock, seed)
        out.append(trip)
    return out


def _resequence(inst: Instance, trip: TimedTrip, clock: Clock, seed: int) -> TimedTrip:
    n_w = inst.n_warehouses
    sites = [trip.warehouse_idx, *(n_w + s.area_idx for s in trip.stops)]
    hours = inst.hours(trip.vehicle_type_idx)[np.ix_(sites, sites)]
    km = inst.km(trip.vehicle_type_idx)[np.ix_(sites, sites)]
    if not (np.isfinite(hours).all() and np.isfinite(km).all()):
        return trip  # a closed road between two of its sites: keep the order that drives
    start = _SCALING.time_early(trip.depart_h)
    problem = RoutingProblem(
        coords=np.zeros((len(sites), 2)),
        distance=_SCALING.distance_costs(km),
        duration=_SCALING.durations(hours),
        depots=[RoutingDepot(location=0, tw_early=start)],
        clients=[
            RoutingClient(
                location=pos + 1,
                service_duration=_SCALING.duration(float(inst.unload_h[stop.area_idx])),
                tw_late=_SCALING.time_late(float(inst.due_h[stop.area_idx])),
            )
            for pos, stop in enumerate(trip.stops)
        ],
        vehicle_types=[RoutingVehicleType(count=1, depot=0, tw_early=start)],
    )
    solution = solve_routing(
        problem,
        time_limit_s=max(0.05, min(1.0, clock.remaining_s)),
        seed=seed,
        max_iterations=ITERATIONS,
        max_no_improvement=NO_IMPROVEMENT,
    )
    if not solution.feasible or solution.unvisited or len(solution.routes) != 1:
        return trip
    order = [client for visit in solution.routes[0].trips for client in visit]
    if inst.split:
        order = _grouped(inst, trip, order)
    candidate = retime(inst, trip, order)
    on_time = all(stop.arrive_h <= inst.due_h[stop.area_idx] for stop in candidate.stops)
    if (
        on_time
        and candidate.return_h <= trip.return_h + 1e-12
        and candidate.distance_km < trip.distance_km - 1e-6
    ):
        return candidate
    return trip


def _grouped(inst: Instance, trip: TimedTrip, order: list[int]) -> list[int]:
    """``order`` with the lots of one area visited together, where the area first comes.

    A trip stops at an area once (contract §2); its lots are unloaded there
    earliest due first.
    """
    first: dict[int, int] = {}
    for rank, pos in enumerate(order):
        first.setdefault(int(inst.area_of[trip.stops[pos].area_idx]), rank)

    def key(pos: int) -> tuple[int, float]:
        area_idx = trip.stops[pos].area_idx
        return first[int(inst.area_of[area_idx])], float(inst.due_h[area_idx])

    return sorted(order, key=key)
