"""The independent verifier of benchmark solutions, costs and the solution file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from supplyopt.io.vrp_instances import VrpInstance, VrpInstanceError, read_vrp_instance
from supplyopt.io.vrp_solution import (
    VrpRoute,
    route_cost,
    routes_from_json,
    routes_to_json,
    verify_routes,
    write_vrp_solution,
)
from tests.shared_data import shared_dir

from .vrp_texts import CORDEAU, SOLOMON, VRPLIB, write


def solomon(tmp_path: Path, text: str = SOLOMON) -> VrpInstance:
    return read_vrp_instance(write(tmp_path, "s.txt", text))


GOOD = [VrpRoute(0, (1, 2)), VrpRoute(0, (3,))]


def test_feasible_solution_passes_and_costs_real_distance(tmp_path: Path) -> None:
    """A feasible solution has no problems; its cost is the real Euclidean total."""
    inst = solomon(tmp_path)
    assert verify_routes(inst, GOOD) == []
    assert route_cost(inst, GOOD) == pytest.approx(5 + 5 + 10 + 10 + 10)


@pytest.mark.parametrize(
    ("routes", "text", "message"),
    [
        ([VrpRoute(0, (1, 2))], SOLOMON, "customer 3: not visited"),
        ([VrpRoute(0, (1, 2)), VrpRoute(0, (3, 1))], SOLOMON, "customer 1: visited twice"),
        ([VrpRoute(0, (1, 2, 3))], SOLOMON, "load 13 exceeds capacity 10"),
        (GOOD, SOLOMON.replace("0         40", "0          8"), "customer 3 served at 10"),
        (GOOD, SOLOMON.replace("0        100", "0         20"), "back at depot 0 at 24"),
        (
            [VrpRoute(0, (1,)), VrpRoute(0, (2,)), VrpRoute(0, (3,))],
            SOLOMON,
            "3 routes exceed the fleet limit 2",
        ),
        ([VrpRoute(0, (1, 2, 9))], SOLOMON, r"location indices \[9\] are not customers"),
        ([VrpRoute(3, (1, 2, 3))], SOLOMON, "unknown depot index 3"),
    ],
)
def test_each_violation_caught(
    tmp_path: Path, routes: list[VrpRoute], text: str, message: str
) -> None:
    """Each kind of violation is reported, naming the customer, route or depot."""
    problems = verify_routes(solomon(tmp_path, text), routes)
    assert any(re.search(message, p) for p in problems), problems


def test_route_duration_limit_caught(tmp_path: Path) -> None:
    """A Cordeau route longer than D (travel + service) is reported."""
    short = CORDEAU.replace("40 10\n40 10", "15 10\n15 10")
    inst = read_vrp_instance(write(tmp_path, "p.txt", short))
    routes = [VrpRoute(0, (2, 3)), VrpRoute(1, (4,))]
    assert any("duration 24.0000 exceeds the limit 15" in p for p in verify_routes(inst, routes))
    relaxed = read_vrp_instance(write(tmp_path, "q.txt", CORDEAU))
    assert verify_routes(relaxed, routes) == []


def test_cordeau_fleet_limit_per_depot(tmp_path: Path) -> None:
    """Two routes from a depot with m = 1 break its fleet limit even if the other is idle."""
    inst = read_vrp_instance(write(tmp_path, "p.txt", CORDEAU))
    problems = verify_routes(inst, [VrpRoute(0, (2,)), VrpRoute(0, (3, 4))])
    assert problems == ["depot 4: 2 routes exceed the fleet limit 1"]


def test_json_round_trip_uses_file_numbers(tmp_path: Path) -> None:
    """Routes are written with file numbers (Cordeau with the depot) and read back."""
    inst = read_vrp_instance(write(tmp_path, "p.txt", CORDEAU))
    routes = [VrpRoute(0, (2, 3)), VrpRoute(1, (4,))]
    data = routes_to_json(inst, routes)
    assert data == [{"depot": 4, "customers": [1, 2]}, {"depot": 5, "customers": [3]}]
    assert routes_from_json(inst, data) == routes
    with pytest.raises(VrpInstanceError, match="unknown customer numbers"):
        routes_from_json(inst, [{"depot": 4, "customers": [99]}])


def test_solution_file_keys(tmp_path: Path) -> None:
    """The solution file has instance, cost, routes and solve_seconds (contract §5)."""
    inst = read_vrp_instance(write(tmp_path, "t.vrp", VRPLIB))
    routes = [VrpRoute(0, (1, 2)), VrpRoute(0, (3,))]
    out = tmp_path / "sol.json"
    write_vrp_solution(out, inst, routes, cost=route_cost(inst, routes), solve_seconds=1.23456)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == {
        "instance": "tiny-n4",
        "cost": 5 + 5 + 10 + 10 + 10,
        "routes": [[2, 3], [4]],
        "solve_seconds": 1.235,
    }


@pytest.mark.parametrize("name", ["X-n101-k25", "X-n502-k39"])
def test_cvrplib_bks_solution_verifies_at_its_cost(name: str) -> None:
    """The CVRPLIB best-known solution is feasible and costs exactly the BKS."""
    folder = shared_dir() / "cvrp" / "X"
    inst = read_vrp_instance(folder / f"{name}.vrp")
    lines = (folder / f"{name}.sol").read_text(encoding="utf-8").splitlines()
    # .sol customer ids are node id - 1 (the depot is node 1).
    data = [[int(c) + 1 for c in line.split(":")[1].split()] for line in lines if "Route" in line]
    bks = int(next(line.split()[1] for line in lines if line.startswith("Cost")))
    routes = routes_from_json(inst, data)
    assert verify_routes(inst, routes) == []
    assert route_cost(inst, routes) == bks
