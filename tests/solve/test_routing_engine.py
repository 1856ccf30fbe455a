"""supplyopt's routing layer: validation, solving, multi-trip, determinism, stopping."""

from __future__ import annotations

import numpy as np
import pytest

from supplyopt.model.errors import SupplyOptError
from supplyopt.solve.routing import (
    RoutingClient,
    RoutingDepot,
    RoutingProblem,
    RoutingProblemError,
    RoutingVehicleType,
    Scaling,
    solve_routing,
)


def line_problem(
    n: int = 6,
    *,
    count: int = 1,
    capacity: int = 10,
    max_reloads: int = 0,
    required: bool = True,
    prize: int = 0,
) -> RoutingProblem:
    """Depot at 0, clients on a line at 10, 11, ...; each client needs 5 units."""
    coords = np.array([[0.0, 0.0]] + [[10.0 + i, 0.0] for i in range(n)])
    dist = np.sqrt(((coords[:, None] - coords[None]) ** 2).sum(-1))
    s = Scaling()
    return RoutingProblem(
        coords=coords,
        distance=s.distance_costs(dist),
        duration=s.durations(dist),
        depots=[RoutingDepot(0)],
        clients=[RoutingClient(i + 1, (5,), prize=prize, required=required) for i in range(n)],
        vehicle_types=[RoutingVehicleType(count, (capacity,), max_reloads=max_reloads)],
    )


def test_solves_and_visits_each_client_once() -> None:
    """Every client is in exactly one route and loads respect capacity."""
    problem = line_problem(6, count=3)
    solution = solve_routing(problem, time_limit_s=5, max_iterations=200)
    visited = sorted(c for r in solution.routes for c in r.clients)
    assert solution.feasible
    assert visited == list(range(6))
    for route in solution.routes:
        for trip in route.trips:
            assert sum(problem.clients[c].delivery[0] for c in trip) <= 10
    assert solution.cost == solution.distance


def test_multi_trip_with_required_clients() -> None:
    """One vehicle with reloads serves 6 clients needing 30 units in three trips of 10."""
    solution = solve_routing(line_problem(6, max_reloads=5), time_limit_s=5, max_iterations=500)
    assert solution.feasible
    assert not solution.unvisited
    assert len(solution.routes) == 1
    assert len(solution.routes[0].trips) == 3


def test_multi_trip_with_optional_prized_clients() -> None:
    """Optional clients with large prizes are also served over several trips."""
    problem = line_problem(6, max_reloads=5, required=False, prize=1000)
    solution = solve_routing(problem, time_limit_s=5, max_iterations=500)
    assert solution.unvisited == []
    assert len(solution.routes[0].trips) == 3


def test_without_reloads_fleet_limit_leaves_infeasible() -> None:
    """One vehicle without reloads cannot carry 30 units in 10: the result says infeasible."""
    solution = solve_routing(line_problem(6), time_limit_s=5, max_iterations=200)
    assert not solution.feasible


def test_same_seed_same_solution() -> None:
    """With an iteration limit, the same problem and seed give the same routes."""
    problem = line_problem(8, count=4)
    first = solve_routing(problem, time_limit_s=30, seed=7, max_iterations=300)
    second = solve_routing(problem, time_limit_s=30, seed=7, max_iterations=300)
    assert [r.trips for r in first.routes] == [r.trips for r in second.routes]
    assert first.iterations == second.iterations


def test_should_stop_ends_search_early() -> None:
    """A should_stop that returns True at once stops the search after very few iterations."""
    solution = solve_routing(
        line_problem(6, count=3), time_limit_s=30, max_no_improvement=None, should_stop=lambda: True
    )
    assert solution.iterations <= 1


def test_invalid_problem_lists_every_problem() -> None:
    """Bad indices, shapes and dimensions are all reported at construction."""
    with pytest.raises(RoutingProblemError) as info:
        RoutingProblem(
            coords=np.zeros((2, 2)),
            distance=np.zeros((3, 3), dtype=np.int64),
            duration=np.zeros((2, 2), dtype=np.int64),
            depots=[RoutingDepot(0)],
            clients=[RoutingClient(5, (1, 2)), RoutingClient(1, (1,), tw_early=5, tw_late=1)],
            vehicle_types=[RoutingVehicleType(0, (10,), depot=2)],
        )
    text = str(info.value)
    for expected in (
        "distance: has 3 rows",
        "clients[0].location: 5",
        "clients[0].delivery",
        "clients[1]: tw_early 5 > tw_late 1",
        "vehicle_types[0].count",
        "vehicle_types[0].depot: 2",
    ):
        assert expected in text
    assert isinstance(info.value, SupplyOptError)
    assert isinstance(info.value, ValueError)


def test_time_limit_must_be_positive() -> None:
    """A non-positive time limit is refused."""
    with pytest.raises(ValueError, match="time_limit_s"):
        solve_routing(line_problem(2), time_limit_s=0)
