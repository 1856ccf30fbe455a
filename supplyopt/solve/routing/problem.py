"""Engine-neutral routing problem: integer data, validated when built."""

from __future__ import annotations

from dataclasses import dataclass, field

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
        for name, matrix in (("distance", distance), ("duration", duration)):
            if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
                problems.append(f"{name}: must be a square matrix, got shape {matrix.shape}")
            elif n_loc >= 0 and matrix.shape[0] != n_loc:
                problems.append(
                    f"{name}: has {matrix.shape[0]} rows but there are {n_loc} locations"
                )
            elif not np.issubdtype(matrix.dtype, np.integer):
                problems.append(f"{name}: must hold integers, got dtype {matrix.dtype}")
            elif (matrix < 0).any():
                problems.append(f"{name}: must be non-negative")
        object.__setattr__(self, "distance", distance.astype(np.int64, copy=False))
        object.__setattr__(self, "duration", duration.astype(np.int64, copy=False))
        if not self.depots:
            problems.append("depots: at least one depot is needed")
        if not self.vehicle_types:
            problems.append("vehicle_types: at least one vehicle type is needed")
        dims = len(self.vehicle_types[0].capacity) if self.vehicle_types else 0
        object.__setattr__(self, "dimensions", dims)

        def check_loc(where: str, loc: int) -> None:
            if n_loc >= 0 and not 0 <= loc < n_loc:
                problems.append(f"{where}.location: {loc} is not in 0..{n_loc - 1}")

        for i, d in enumerate(self.depots):
            check_loc(f"depots[{i}]", d.location)
            if d.tw_early > d.tw_late:
                problems.append(f"depots[{i}]: tw_early {d.tw_early} > tw_late {d.tw_late}")
        for i, c in enumerate(self.clients):
            where = f"clients[{i}]"
            check_loc(where, c.location)
            if len(c.delivery) != dims:
                problems.append(f"{where}.delivery: {len(c.delivery)} amounts, expected {dims}")
            if any(q < 0 for q in c.delivery):
                problems.append(f"{where}.delivery: amounts must be non-negative")
            if c.tw_early > c.tw_late:
                problems.append(f"{where}: tw_early {c.tw_early} > tw_late {c.tw_late}")
            if c.service_duration < 0 or c.prize < 0:
                problems.append(f"{where}: service_duration and prize must be non-negative")
        for i, v in enumerate(self.vehicle_types):
            where = f"vehicle_types[{i}]"
            if v.count < 1:
                problems.append(f"{where}.count: must be at least 1, got {v.count}")
            if len(v.capacity) != dims:
                problems.append(f"{where}.capacity: {len(v.capacity)} amounts, expected {dims}")
            if not 0 <= v.depot < len(self.depots):
                problems.append(f"{where}.depot: {v.depot} is not a depot index")
            if v.max_reloads < 0:
                problems.append(f"{where}.max_reloads: must be non-negative")
            if v.tw_early > v.tw_late:
                problems.append(f"{where}: tw_early {v.tw_early} > tw_late {v.tw_late}")
        if problems:
            raise RoutingProblemError(problems)

    @property
    def num_vehicles(self) -> int:
        """Total number of vehicles over all types."""
        return sum(v.count for v in self.vehicle_types)
