"""Re-sequence multi-stop trips with the routing engine.

The dispatch stage orders a trip's stops greedily (nearest next). For trips
with three or more stops the routing layer (the same engine ``solve-vrp``
is benchmarked with) searches for a shorter order that still reaches every
stop by the deadline. A new order is kept only if, recomputed with real
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
    """The trip with its stops visited in ``order`` (positions), times and km recomputed."""
    n_w = inst.n_warehouses
    hours, km = inst.hours(trip.vehicle_type_idx), inst.km(trip.vehicle_type_idx)
    here, clock_h, distance = trip.warehouse_idx, trip.depart_h, 0.0
    stops: list[TimedStop] = []
    for pos in order:
        old = trip.stops[pos]
        site = n_w + old.area_idx
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
    start = _SCALING.time_early(trip.depart_h)
    late = _SCALING.time_late(inst.deadline_h)
    problem = RoutingProblem(
        coords=np.zeros((len(sites), 2)),
        distance=_SCALING.distance_costs(km),
        duration=_SCALING.durations(hours),
        depots=[RoutingDepot(location=0, tw_early=start)],
        clients=[
            RoutingClient(
                location=pos + 1,
                service_duration=_SCALING.duration(float(inst.unload_h[stop.area_idx])),
                tw_late=late,
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
    candidate = retime(inst, trip, order)
    on_time = all(stop.arrive_h <= inst.deadline_h for stop in candidate.stops)
    if (
        on_time
        and candidate.return_h <= trip.return_h + 1e-12
        and candidate.distance_km < trip.distance_km - 1e-6
    ):
        return candidate
    return trip
