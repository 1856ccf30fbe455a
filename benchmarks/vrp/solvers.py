"""The four solvers of the comparison, each fed the same real-valued instance.

Every solver gets the same integer resolution (1/1000 for real-valued
instances, exact for VRPLIB integer distances), travel times rounded up and
window closings rounded down, so that a solution each engine thinks
feasible is feasible with real values; every solution is then verified
independently with :func:`supplyopt.io.vrp_solution.verify_routes`.
These adapters live in ``benchmarks/`` because PyVRP-plain, OR-Tools and VROOM
are competitors here, not part of the library.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from supplyopt.io.vrp_instances import VrpInstance
from supplyopt.io.vrp_solution import VrpRoute
from supplyopt.solve.routing import Scaling
from supplyopt.solve.routing.vrp_benchmark import instance_scaling, solve_vrp_instance


@dataclass(frozen=True)
class SolverOutcome:
    """Routes found (None if none), wall-clock seconds, and a note."""

    routes: list[VrpRoute] | None
    seconds: float
    note: str = ""


def fleet(instance: VrpInstance) -> list[int]:
    """Vehicles per depot; for files without a limit, a generous bound for the baselines.

    supplyopt gets one vehicle per customer there; OR-Tools and VROOM slow
    down with idle vehicles, so they get 15 % over the capacity bound plus 2,
    which is above every X best-known route count.
    """
    if instance.vehicles is not None:
        return list(instance.vehicles)
    need = float(instance.demand.sum()) / float(instance.capacity[0])
    return [math.ceil(1.15 * need) + 2] * instance.num_depots


def _int_data(instance: VrpInstance) -> tuple[Scaling, NDArray[np.int64], NDArray[np.int64]]:
    """Scaling, cost matrix (nearest) and service-inclusive duration matrix (rounded up)."""
    scaling = instance_scaling(instance)
    cost = scaling.distance_costs(instance.distance_matrix())
    # Service at i folded into every edge leaving i: arrival at j = start at i + this.
    travel = instance.travel_matrix() + instance.service_duration[:, None]
    np.fill_diagonal(travel, 0.0)
    return scaling, cost, scaling.durations(travel)


def _late(scaling: Scaling, value: float, horizon: int) -> int:
    return horizon if math.isinf(value) else scaling.time_late(value)


def _horizon(instance: VrpInstance, duration: NDArray[np.int64]) -> int:
    finite = instance.tw_late[np.isfinite(instance.tw_late)]
    if finite.size:
        return math.floor(float(finite.max()) * instance_scaling(instance).time_factor) + 1
    return int(duration.max()) * (instance.num_locations + 1)


# -- supplyopt -------------------------------------------------------------------------


def run_supplyopt(instance: VrpInstance, time_limit_s: float, seed: int) -> SolverOutcome:
    """Supplyopt's routing layer (``solve-vrp``)."""
    start = time.perf_counter()
    result = solve_vrp_instance(instance, time_limit_s=time_limit_s, seed=seed)
    return SolverOutcome(result.routes, time.perf_counter() - start)


# -- PyVRP, plain --------------------------------------------------------------------


def run_pyvrp(instance: VrpInstance, time_limit_s: float, seed: int) -> SolverOutcome:
    """PyVRP with its default configuration and its own ``exact`` rounding (x1000, nearest)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    factor = 1.0 if instance.distance_convention != "exact" else 1000.0

    def rnd(values: NDArray[np.float64] | float) -> NDArray[np.int64]:
        return np.round(np.asarray(values, dtype=np.float64) * factor).astype(np.int64)

    big = int(np.iinfo(np.int64).max)
    model = pyvrp.Model()
    locs = [model.add_location(x=float(x), y=float(y)) for x, y in instance.coords]
    depots = [
        model.add_depot(
            locs[d],
            tw_early=int(rnd(instance.tw_early[d])),
            tw_late=big if math.isinf(instance.tw_late[d]) else int(rnd(instance.tw_late[d])),
        )
        for d in range(instance.num_depots)
    ]
    for d, count in enumerate(
        fleet(instance) if instance.vehicles else [instance.num_locations] * instance.num_depots
    ):
        limit = instance.max_duration[d]
        model.add_vehicle_type(
            num_available=count,
            capacity=[int(instance.capacity[d])],
            start_depot=depots[d],
            end_depot=depots[d],
            tw_early=depots[d].tw_early,
            tw_late=depots[d].tw_late,
            shift_duration=big if math.isinf(limit) else int(rnd(limit)),
        )
    for c in instance.customers:
        model.add_client(
            locs[c],
            delivery=[int(instance.demand[c])],
            service_duration=int(rnd(instance.service_duration[c])),
            tw_early=int(rnd(instance.tw_early[c])),
            tw_late=big if math.isinf(instance.tw_late[c]) else int(rnd(instance.tw_late[c])),
        )
    dist = rnd(instance.distance_matrix())
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            model.add_edge(a, b, distance=int(dist[i, j]), duration=int(dist[i, j]))
    start = time.perf_counter()
    result = model.solve(stop=MaxRuntime(time_limit_s), seed=seed, display=False)
    seconds = time.perf_counter() - start
    routes = []
    n_dep = instance.num_depots
    for route in result.best.routes():
        depot = route.start_depot()
        visits = [a.idx for a in route.schedule() if a.is_client()]
        routes.append(VrpRoute(depot, tuple(n_dep + v for v in visits)))
    note = "" if result.best.is_feasible() else "PyVRP: best solution infeasible"
    return SolverOutcome(routes, seconds, note)


# -- OR-Tools ----------------------------------------------------------------------------


def run_ortools(instance: VrpInstance, time_limit_s: float, seed: int) -> SolverOutcome:
    """OR-Tools routing as its guide recommends: matrices registered once, GLS, time limit."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    scaling, cost, duration = _int_data(instance)
    n_dep = instance.num_depots
    counts = fleet(instance)
    vehicle_depot = [d for d in range(n_dep) for _ in range(counts[d])]
    manager = pywrapcp.RoutingIndexManager(
        instance.num_locations, len(vehicle_depot), vehicle_depot, vehicle_depot
    )
    routing = pywrapcp.RoutingModel(manager)
    cost_cb = routing.RegisterTransitMatrix(cost.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(cost_cb)
    demand = scaling.demands(instance.demand).tolist()
    demand_cb = routing.RegisterUnaryTransitVector(demand)
    capacity = [int(scaling.capacities(instance.capacity)[d]) for d in vehicle_depot]
    routing.AddDimensionWithVehicleCapacity(demand_cb, 0, capacity, True, "Load")
    horizon = _horizon(instance, duration)
    time_cb = routing.RegisterTransitMatrix(duration.tolist())
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for c in instance.customers:
        early = scaling.time_early(float(instance.tw_early[c]))
        late = _late(scaling, float(instance.tw_late[c]), horizon)
        time_dim.CumulVar(manager.NodeToIndex(c)).SetRange(early, late)
    for v, d in enumerate(vehicle_depot):
        early = scaling.time_early(float(instance.tw_early[d]))
        late = _late(scaling, float(instance.tw_late[d]), horizon)
        time_dim.CumulVar(routing.Start(v)).SetRange(early, late)
        time_dim.CumulVar(routing.End(v)).SetRange(early, late)
        if math.isfinite(instance.max_duration[d]):
            time_dim.SetSpanUpperBoundForVehicle(scaling.time_late(instance.max_duration[d]), v)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
        if instance.has_time_windows
        else routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    start = time.perf_counter()
    assignment = routing.SolveWithParameters(params)
    seconds = time.perf_counter() - start
    if assignment is None:
        return SolverOutcome(None, seconds, f"OR-Tools: no solution (status {routing.status()})")
    routes = []
    for v, d in enumerate(vehicle_depot):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        visits = []
        while not routing.IsEnd(index):
            visits.append(manager.IndexToNode(index))
            index = assignment.Value(routing.NextVar(index))
        if visits:
            routes.append(VrpRoute(d, tuple(visits)))
    return SolverOutcome(routes, seconds)


# -- VROOM ---------------------------------------------------------------------------------


def run_vroom(instance: VrpInstance, time_limit_s: float, seed: int) -> SolverOutcome:
    """VROOM (pyvroom) on one thread at its highest exploration level, with a timeout."""
    import vroom

    scaling, cost, duration = _int_data(instance)
    horizon = _horizon(instance, duration)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=duration)
    problem.set_costs_matrix(profile="car", matrix_input=cost)
    vid = 0
    for d, count in enumerate(fleet(instance)):
        early = scaling.time_early(float(instance.tw_early[d]))
        late = _late(scaling, float(instance.tw_late[d]), horizon)
        limit = instance.max_duration[d]
        for _ in range(count):
            vid += 1
            problem.add_vehicle(
                vroom.Vehicle(
                    id=vid,
                    start=d,
                    end=d,
                    capacity=[int(scaling.capacities(instance.capacity)[d])],
                    time_window=vroom.TimeWindow(early, late),
                    max_travel_time=None if math.isinf(limit) else scaling.time_late(float(limit)),
                )
            )
    demand = scaling.demands(instance.demand)
    for c in instance.customers:
        early = scaling.time_early(float(instance.tw_early[c]))
        late = _late(scaling, float(instance.tw_late[c]), horizon)
        problem.add_job(
            vroom.Job(
                id=c,
                location=c,
                delivery=[int(demand[c])],
                time_windows=[vroom.TimeWindow(early, late)],
            )
        )
    start = time.perf_counter()
    solution = problem.solve(
        exploration_level=5, nb_threads=1, timeout=timedelta(seconds=time_limit_s)
    )
    seconds = time.perf_counter() - start
    frame = solution.routes
    depot_of = dict(_vehicle_depots(fleet(instance)))
    routes = []
    for vehicle_id, group in frame.groupby("vehicle_id", sort=True):
        jobs = [int(j) for t, j in zip(group["type"], group["id"], strict=True) if t == "job"]
        if jobs:
            routes.append(VrpRoute(depot_of[int(vehicle_id)], tuple(jobs)))
    unassigned = len(instance.customers) - sum(len(r.customers) for r in routes)
    return SolverOutcome(routes, seconds, f"VROOM: {unassigned} unassigned" if unassigned else "")


def _vehicle_depots(counts: list[int]) -> list[tuple[int, int]]:
    out, vid = [], 0
    for d, count in enumerate(counts):
        for _ in range(count):
            vid += 1
            out.append((vid, d))
    return out


SOLVERS: dict[str, Callable[[VrpInstance, float, int], SolverOutcome]] = {
    "supplyopt": run_supplyopt,
    "pyvrp": run_pyvrp,
    "ortools": run_ortools,
    "vroom": run_vroom,
}
