"""Benchmark solutions: independent verification, cost, and the solution file.

The verifier works on the real values of a :class:`VrpInstance`, not on any
engine's integers, so it can judge every solver the same way.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .vrp_instances import VrpInstance, VrpInstanceError

#: Slack allowed on real-valued comparisons (float noise only).
TOLERANCE = 1e-6


@dataclass(frozen=True)
class VrpRoute:
    """One vehicle's route: leaves depot ``depot``, visits ``customers``, returns.

    Parameters
    ----------
    depot
        Depot index, ``0 .. instance.num_depots - 1``.
    customers
        Location indices of the instance (not file numbers), in visiting order.
    """

    depot: int
    customers: tuple[int, ...]


def route_cost(instance: VrpInstance, routes: Sequence[VrpRoute]) -> float:
    """Total distance of ``routes`` in the instance's distance convention."""
    dist = instance.distance_matrix()
    total = 0.0
    for route in routes:
        if not route.customers:
            continue
        path = [route.depot, *route.customers, route.depot]
        total += float(sum(dist[a, b] for a, b in itertools.pairwise(path)))
    return total


def verify_routes(
    instance: VrpInstance, routes: Sequence[VrpRoute], *, tolerance: float = TOLERANCE
) -> list[str]:
    """Every way ``routes`` break the instance's rules; empty when feasible.

    Checks: known depots and customers, each customer exactly once, capacity
    per route, fleet limit per depot (and in total), service start within each
    time window, return to the depot before it closes, route duration limits.
    Times use the real travel times (``instance.travel_matrix()``); each route
    leaves its depot at the depot's opening time and waits when early.
    """
    problems: list[str] = []
    num = instance.numbers
    n_loc = instance.num_locations
    travel = instance.travel_matrix()
    seen: dict[int, int] = {}
    used_per_depot = [0] * instance.num_depots
    for r_idx, route in enumerate(routes):
        where = f"route {r_idx + 1}"
        if not 0 <= route.depot < instance.num_depots:
            problems.append(f"{where}: unknown depot index {route.depot}")
            continue
        if not route.customers:
            continue
        used_per_depot[route.depot] += 1
        bad = [c for c in route.customers if not instance.num_depots <= c < n_loc]
        if bad:
            problems.append(f"{where}: location indices {bad} are not customers")
            continue
        for c in route.customers:
            if c in seen:
                problems.append(
                    f"customer {num[c]}: visited twice (routes {seen[c]} and {r_idx + 1})"
                )
            else:
                seen[c] = r_idx + 1
        load = float(sum(instance.demand[c] for c in route.customers))
        cap = float(instance.capacity[route.depot])
        if load > cap + tolerance:
            problems.append(f"{where}: load {load:g} exceeds capacity {cap:g}")
        problems.extend(_schedule_problems(instance, travel, route, where, tolerance))
    for c in instance.customers:
        if c not in seen:
            problems.append(f"customer {num[c]}: not visited")
    if instance.vehicles is not None:
        for d, used in enumerate(used_per_depot):
            limit = instance.vehicles[d]
            if used > limit:
                problems.append(f"depot {num[d]}: {used} routes exceed the fleet limit {limit}")
    return problems


def _schedule_problems(
    instance: VrpInstance,
    travel: Any,
    route: VrpRoute,
    where: str,
    tolerance: float,
) -> list[str]:
    problems: list[str] = []
    depot = route.depot
    start = float(instance.tw_early[depot])
    time = start + float(instance.service_duration[depot])
    prev = depot
    for c in route.customers:
        time += float(travel[prev, c])
        time = max(time, float(instance.tw_early[c]))
        if time > float(instance.tw_late[c]) + tolerance:
            problems.append(
                f"{where}: customer {instance.numbers[c]} served at {time:.4f}, "
                f"after its window closes at {instance.tw_late[c]:g}"
            )
        time += float(instance.service_duration[c])
        prev = c
    time += float(travel[prev, depot])
    if time > float(instance.tw_late[depot]) + tolerance:
        problems.append(
            f"{where}: back at depot {instance.numbers[depot]} at {time:.4f}, "
            f"after it closes at {instance.tw_late[depot]:g}"
        )
    limit = float(instance.max_duration[depot])
    # Duration limits (Cordeau) apply where there are no windows, so no waiting:
    # the duration is travel plus service.
    if math.isfinite(limit) and time - start > limit + tolerance:
        problems.append(f"{where}: duration {time - start:.4f} exceeds the limit {limit:g}")
    return problems


# -- solution file -----------------------------------------------------------------


def routes_to_json(instance: VrpInstance, routes: Sequence[VrpRoute]) -> list[Any]:
    """Routes with customer numbers as in the file (Cordeau: with the depot number)."""
    num = instance.numbers
    out: list[Any] = []
    for route in routes:
        if not route.customers:
            continue
        customers = [num[c] for c in route.customers]
        if instance.format == "cordeau":
            out.append({"depot": num[route.depot], "customers": customers})
        else:
            out.append(customers)
    return out


def routes_from_json(instance: VrpInstance, data: Sequence[Any]) -> list[VrpRoute]:
    """Read routes written by :func:`routes_to_json`.

    Raises
    ------
    VrpInstanceError
        On an unknown customer or depot number or a malformed route.
    """
    index = {n: i for i, n in enumerate(instance.numbers)}
    routes: list[VrpRoute] = []
    for r_idx, item in enumerate(data):
        if isinstance(item, dict):
            depot_number, customers = item.get("depot"), item.get("customers")
        else:
            depot_number, customers = instance.numbers[0], item
        if not isinstance(customers, list) or depot_number not in index:
            raise VrpInstanceError(f"routes[{r_idx}]: malformed route or unknown depot")
        unknown = [c for c in customers if c not in index]
        if unknown:
            raise VrpInstanceError(f"routes[{r_idx}]: unknown customer numbers {unknown}")
        routes.append(VrpRoute(index[depot_number], tuple(index[c] for c in customers)))
    return routes


def write_vrp_solution(
    path: str | Path,
    instance: VrpInstance,
    routes: Sequence[VrpRoute],
    *,
    cost: float,
    solve_seconds: float,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write ``{"instance", "cost", "routes", "solve_seconds", ...extra}`` as UTF-8 JSON."""
    payload: dict[str, Any] = {
        "instance": instance.name,
        "cost": cost,
        "routes": routes_to_json(instance, routes),
        "solve_seconds": round(solve_seconds, 3),
    }
    payload.update(extra or {})
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    Path(path).write_text(text, encoding="utf-8")
