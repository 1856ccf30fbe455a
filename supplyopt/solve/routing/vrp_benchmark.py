"""Standard benchmark instances on supplyopt's routing layer (the ``solve-vrp`` command).

Maps a real-valued :class:`~supplyopt.io.vrp_instances.VrpInstance` onto a
:class:`RoutingProblem` (conservative rounding through :class:`Scaling`),
solves it with :func:`solve_routing`, and maps the routes back. The reported
cost is recomputed from the instance's real values, independently of the
engine's integers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from supplyopt.io.vrp_instances import VrpInstance
from supplyopt.io.vrp_solution import VrpRoute, route_cost

from .engine import solve_routing
from .problem import UNLIMITED, RoutingClient, RoutingDepot, RoutingProblem, RoutingVehicleType
from .scaling import Scaling
from .solution import RoutingSolution

#: Engine units per real unit for real-valued (Euclidean) instances: distances
#: and times to 1/1000, so that rounding costs at most 0.001 per edge.
EXACT_FACTOR = 1000.0


@dataclass(frozen=True)
class VrpResult:
    """A benchmark instance solved by supplyopt.

    Parameters
    ----------
    routes
        Routes in the instance's location indices.
    cost
        Total distance in the instance's convention (real values).
    solve_seconds
        Search time.
    engine
        The routing layer's solution (engine integers).
    """

    routes: list[VrpRoute]
    cost: float
    solve_seconds: float
    engine: RoutingSolution


def instance_scaling(instance: VrpInstance) -> Scaling:
    """Scaling for ``instance``: exact for integer data, 1/1000 resolution otherwise."""
    values = [
        instance.distance_matrix(),
        instance.service_duration,
        instance.tw_early[np.isfinite(instance.tw_early)],
        instance.tw_late[np.isfinite(instance.tw_late)],
        instance.max_duration[np.isfinite(instance.max_duration)],
    ]
    integral = all(bool(np.all(np.asarray(v) == np.round(v))) for v in values)
    factor = 1.0 if integral else EXACT_FACTOR
    return Scaling(time_factor=factor, distance_factor=factor, amount_factor=1.0)


def _late(scaling: Scaling, time: float) -> int:
    return UNLIMITED if math.isinf(time) else scaling.time_late(time)


def instance_to_problem(instance: VrpInstance, scaling: Scaling) -> RoutingProblem:
    """Build the routing problem for ``instance``; client ``k`` is location ``num_depots + k``."""
    n_dep = instance.num_depots
    depots = [
        RoutingDepot(
            location=d,
            tw_early=scaling.time_early(float(instance.tw_early[d])),
            tw_late=_late(scaling, float(instance.tw_late[d])),
            service_duration=scaling.duration(float(instance.service_duration[d])),
        )
        for d in range(n_dep)
    ]
    demand = scaling.demands(instance.demand)
    service = scaling.durations(instance.service_duration)
    clients = [
        RoutingClient(
            location=c,
            delivery=(int(demand[c]),),
            service_duration=int(service[c]),
            tw_early=scaling.time_early(float(instance.tw_early[c])),
            tw_late=_late(scaling, float(instance.tw_late[c])),
            name=str(instance.numbers[c]),
        )
        for c in instance.customers
    ]
    n_customers = instance.num_locations - n_dep
    fleet = instance.vehicles or [n_customers] * n_dep
    capacity = scaling.capacities(instance.capacity)
    vehicle_types = [
        RoutingVehicleType(
            count=int(fleet[d]),
            capacity=(int(capacity[d]),),
            depot=d,
            tw_early=depots[d].tw_early,
            tw_late=depots[d].tw_late,
            max_duration=_late(scaling, float(instance.max_duration[d])),
            name=f"depot {instance.numbers[d]}",
        )
        for d in range(n_dep)
    ]
    return RoutingProblem(
        coords=instance.coords,
        distance=scaling.distance_costs(instance.distance_matrix()),
        duration=scaling.durations(instance.travel_matrix()),
        depots=depots,
        clients=clients,
        vehicle_types=vehicle_types,
    )


def solve_vrp_instance(
    instance: VrpInstance,
    *,
    time_limit_s: float,
    seed: int = 0,
    max_no_improvement: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> VrpResult:
    """Minimise total distance for ``instance`` within its fleet limit.

    Parameters
    ----------
    instance
        The benchmark instance.
    time_limit_s
        Search time budget in seconds.
    seed
        Random seed.
    max_no_improvement
        Stop early after this many iterations without improvement (None: use
        the whole time budget, as benchmarks do).
    should_stop
        Polled during the search.
    """
    scaling = instance_scaling(instance)
    problem = instance_to_problem(instance, scaling)
    solution = solve_routing(
        problem,
        time_limit_s=time_limit_s,
        seed=seed,
        max_no_improvement=max_no_improvement,
        should_stop=should_stop,
    )
    n_dep = instance.num_depots
    routes = [
        VrpRoute(
            depot=problem.vehicle_types[r.vehicle_type].depot,
            customers=tuple(n_dep + c for c in r.clients),
        )
        for r in solution.routes
    ]
    return VrpResult(
        routes=routes,
        cost=route_cost(instance, routes),
        solve_seconds=solution.solve_seconds,
        engine=solution,
    )
