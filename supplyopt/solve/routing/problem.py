"""Engine-neutral routing problem: integer data, validated when built."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from supplyopt.model.errors import SupplyOptError

#: "No limit" for integer times, durations and distances.
UNLIMITED = int(np.iinfo(np.int64).max)


class RoutingProblemError(SupplyOptError, ValueError):
    """A routing problem is malformed; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("invalid routing problem:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass(frozen=True)
class RoutingDepot:
    """A place where trips start and end.

    Parameters
    ----------
    location
        Row of the location in the problem's matrices.
    tw_early, tw_late
        Opening and closing time (engine units): trips leave no earlier than
        ``tw_early`` and are back no later than ``tw_late``.
    service_duration
        Time to load a vehicle at the start of each trip.
    """

    location: int
    tw_early: int = 0
    tw_late: int = UNLIMITED
    service_duration: int = 0


@dataclass(frozen=True)
class RoutingClient:
    """A place to visit once, delivering ``delivery`` (one amount per load dimension).

    Parameters
    ----------
    location
        Row of the location in the problem's matrices.
    delivery
        Amount per load dimension (e.g. ``(kg, m3)``).
    service_duration
        Time spent at the client.
    tw_early, tw_late
        Service starts within ``[tw_early, tw_late]`` (waiting if early).
    prize
        Collected when visited; only meaningful when ``required`` is False.
    required
        If False the engine may leave the client out (forgoing its prize).
    name
        Free text for messages (e.g. the client number in a file).
    """

    location: int
    delivery: tuple[int, ...] = ()
    service_duration: int = 0
    tw_early: int = 0
    tw_late: int = UNLIMITED
    prize: int = 0
    required: bool = True
    name: str = ""


@dataclass(frozen=True)
class RoutingVehicleType:
    """``count`` identical vehicles based at ``depot``.

    Parameters
    ----------
    count
        Number of vehicles available (fleet limit).
    capacity
        Capacity per load dimension; same length as every client's ``delivery``.
    depot
        Index into ``RoutingProblem.depots`` where every trip starts and ends.
    tw_early, tw_late
        Earliest start and latest return of the vehicle's route.
    max_reloads
        Extra trips allowed after the first (multi-trip: the vehicle returns
        to its depot to load again).
    max_duration
        Longest allowed route duration (travel + service + waiting).
    max_distance
        Longest allowed route distance.
    unit_distance_cost, unit_duration_cost, fixed_cost
        Objective weights: per distance unit, per time unit, per vehicle used.
    name
        Free text (e.g. a vehicle type id).
    """

    count: int
    capacity: tuple[int, ...] = ()
    depot: int = 0
    tw_early: int = 0
    tw_late: int = UNLIMITED
    max_reloads: int = 0
    max_duration: int = UNLIMITED
    max_distance: int = UNLIMITED
    unit_distance_cost: int = 1
    unit_duration_cost: int = 0
    fixed_cost: int = 0
    name: str = ""


@dataclass(frozen=True, eq=False)
class RoutingProblem:
    """A vehicle routing problem in engine integers.

    Parameters
    ----------
    coords
        ``(L, 2)`` float coordinates of the locations (used for neighbourhoods
        and plots only, never for costs).
    distance, duration
        ``(L, L)`` non-negative integer matrices between locations.
    depots, clients, vehicle_types
        The problem's parts; client ``i`` of the solution is ``clients[i]``.
    """

    coords: NDArray[np.float64]
    distance: NDArray[np.int64]
    duration: NDArray[np.int64]
    depots: list[RoutingDepot]
    clients: list[RoutingClient]
    vehicle_types: list[RoutingVehicleType]
    dimensions: int = field(init=False)

    def __post_init__(self) -> None:
        coords = np.asarray(self.coords, dtype=np.float64)
        distance = np.asarray(self.distance)
        duration = np.asarray(self.duration)
        object.__setattr__(self, "coords", coords)
        problems: list[str] = []
        n_loc = coords.shape[0] if coords.ndim == 2 and coords.shape[1] == 2 else -1
        if n_loc < 0:
            problems.append(f"coords: must have shape (L, 2), got {coords.shape}")
        problems += _matrix_problems("distance", distance, n_loc)
        problems += _matrix_problems("duration", duration, n_loc)
        object.__setattr__(self, "distance", distance.astype(np.int64, copy=False))
        object.__setattr__(self, "duration", duration.astype(np.int64, copy=False))
        if not self.depots:
            problems.append("depots: at least one depot is needed")
        if not self.vehicle_types:
            problems.append("vehicle_types: at least one vehicle type is needed")
        dims = len(self.vehicle_types[0].capacity) if self.vehicle_types else 0
        object.__setattr__(self, "dimensions", dims)
        for i, d in enumerate(self.depots):
            problems += _depot_problems(f"depots[{i}]", d, n_loc)
        for i, c in enumerate(self.clients):
            problems += _client_problems(f"clients[{i}]", c, n_loc, dims)
        for i, v in enumerate(self.vehicle_types):
            problems += _vehicle_type_problems(f"vehicle_types[{i}]", v, dims, len(self.depots))
        if problems:
            raise RoutingProblemError(problems)

    @property
    def num_vehicles(self) -> int:
        """Total number of vehicles over all types."""
        return sum(v.count for v in self.vehicle_types)


def _matrix_problems(name: str, matrix: NDArray[Any], n_loc: int) -> list[str]:
    """The first thing wrong with a distance or duration matrix (``n_loc < 0``: unknown size)."""
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        return [f"{name}: must be a square matrix, got shape {matrix.shape}"]
    if n_loc >= 0 and matrix.shape[0] != n_loc:
        return [f"{name}: has {matrix.shape[0]} rows but there are {n_loc} locations"]
    if not np.issubdtype(matrix.dtype, np.integer):
        return [f"{name}: must hold integers, got dtype {matrix.dtype}"]
    if (matrix < 0).any():
        return [f"{name}: must be non-negative"]
    return []


def _location_problems(where: str, loc: int, n_loc: int) -> list[str]:
    """A location row outside ``0..n_loc - 1`` (unchecked when ``n_loc < 0``)."""
    if n_loc >= 0 and not 0 <= loc < n_loc:
        return [f"{where}.location: {loc} is not in 0..{n_loc - 1}"]
    return []


def _depot_problems(where: str, depot: RoutingDepot, n_loc: int) -> list[str]:
    """Location and time window of one depot."""
    problems = _location_problems(where, depot.location, n_loc)
    if depot.tw_early > depot.tw_late:
        problems.append(f"{where}: tw_early {depot.tw_early} > tw_late {depot.tw_late}")
    return problems


def _client_problems(where: str, client: RoutingClient, n_loc: int, dims: int) -> list[str]:
    """Location, delivery amounts, time window, service duration and prize of one client."""
    problems = _location_problems(where, client.location, n_loc)
    if len(client.delivery) != dims:
        problems.append(f"{where}.delivery: {len(client.delivery)} amounts, expected {dims}")
    if any(q < 0 for q in client.delivery):
        problems.append(f"{where}.delivery: amounts must be non-negative")
    if client.tw_early > client.tw_late:
        problems.append(f"{where}: tw_early {client.tw_early} > tw_late {client.tw_late}")
    if client.service_duration < 0 or client.prize < 0:
        problems.append(f"{where}: service_duration and prize must be non-negative")
    return problems


def _vehicle_type_problems(
    where: str, vehicle: RoutingVehicleType, dims: int, n_depots: int
) -> list[str]:
    """Count, capacity, depot, reloads and time window of one vehicle type."""
    problems: list[str] = []
    if vehicle.count < 1:
        problems.append(f"{where}.count: must be at least 1, got {vehicle.count}")
    if len(vehicle.capacity) != dims:
        problems.append(f"{where}.capacity: {len(vehicle.capacity)} amounts, expected {dims}")
    if not 0 <= vehicle.depot < n_depots:
        problems.append(f"{where}.depot: {vehicle.depot} is not a depot index")
    if vehicle.max_reloads < 0:
        problems.append(f"{where}.max_reloads: must be non-negative")
    if vehicle.tw_early > vehicle.tw_late:
        problems.append(f"{where}: tw_early {vehicle.tw_early} > tw_late {vehicle.tw_late}")
    return problems
