"""Translation between the routing layer and PyVRP (the engine behind it)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement

from .problem import UNLIMITED, RoutingProblem
from .solution import RoutedVehicle, RoutingSolution


def to_pyvrp(problem: RoutingProblem) -> pyvrp.ProblemData:
    """Build the PyVRP problem data for ``problem`` (same integers, same indices)."""
    locations = [pyvrp.Location(x=float(x), y=float(y)) for x, y in problem.coords]
    depots = [
        pyvrp.Depot(
            location=d.location,
            tw_early=d.tw_early,
            tw_late=d.tw_late,
            service_duration=d.service_duration,
        )
        for d in problem.depots
    ]
    clients = [
        pyvrp.Client(
            location=c.location,
            delivery=list(c.delivery),
            service_duration=c.service_duration,
            tw_early=c.tw_early,
            tw_late=c.tw_late,
            prize=c.prize,
            required=c.required,
            name=c.name,
        )
        for c in problem.clients
    ]
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=v.count,
            capacity=list(v.capacity),
            start_depot=v.depot,
            end_depot=v.depot,
            fixed_cost=v.fixed_cost,
            tw_early=v.tw_early,
            tw_late=v.tw_late,
            shift_duration=v.max_duration,
            max_distance=v.max_distance,
            unit_distance_cost=v.unit_distance_cost,
            unit_duration_cost=v.unit_duration_cost,
            reload_depots=[v.depot] if v.max_reloads > 0 else [],
            max_reloads=v.max_reloads if v.max_reloads > 0 else UNLIMITED,
            name=v.name,
        )
        for v in problem.vehicle_types
    ]
    return pyvrp.ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[problem.distance],
        duration_matrices=[problem.duration],
    )


class _ShouldStop:
    """PyVRP stopping criterion polling a caller's ``should_stop``."""

    def __init__(self, should_stop: Callable[[], bool]) -> None:
        self._should_stop = should_stop

    def __call__(self, best_cost: float) -> bool:
        return bool(self._should_stop())


def from_pyvrp(problem: RoutingProblem, result: pyvrp.Result, *, seed: int) -> RoutingSolution:
    """Convert a PyVRP result into a routing-layer solution."""
    best = result.best
    routes: list[RoutedVehicle] = []
    visited: set[int] = set()
    for route in best.routes():
        trips: list[list[int]] = [[] for _ in range(route.num_trips())]
        for activity in route.schedule():
            if activity.is_client():
                trips[activity.trip].append(activity.idx)
                visited.add(activity.idx)
        routes.append(
            RoutedVehicle(
                vehicle_type=route.vehicle_type(),
                trips=[t for t in trips if t],
                start_time=route.start_time(),
                end_time=route.end_time(),
                distance=route.distance(),
                duration=route.duration(),
            )
        )
    cost = (
        best.distance_cost()
        + best.duration_cost()
        + best.fixed_vehicle_cost()
        + best.uncollected_prizes()
    )
    unvisited = [i for i in range(len(problem.clients)) if i not in visited]
    return RoutingSolution(
        routes=routes,
        cost=int(cost),
        feasible=bool(best.is_feasible()),
        unvisited=unvisited,
        solve_seconds=float(result.runtime),
        iterations=int(result.num_iterations),
        seed=seed,
    )


def solve_with_pyvrp(
    problem: RoutingProblem,
    *,
    time_limit_s: float,
    seed: int,
    max_no_improvement: int | None,
    max_iterations: int | None,
    should_stop: Callable[[], bool] | None,
) -> RoutingSolution:
    """Run PyVRP's iterated local search on ``problem``."""
    criteria: list[Any] = [MaxRuntime(time_limit_s)]
    if max_no_improvement is not None:
        criteria.append(NoImprovement(max_no_improvement))
    if max_iterations is not None:
        criteria.append(MaxIterations(max_iterations))
    if should_stop is not None:
        criteria.append(_ShouldStop(should_stop))
    data = to_pyvrp(problem)
    with warnings.catch_warnings():
        # PyVRP warns when tiny problems make its penalty bounds degenerate; harmless here.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(
            data, stop=MultipleCriteria(criteria), seed=seed, collect_stats=False, display=False
        )
    return from_pyvrp(problem, result, seed=seed)
