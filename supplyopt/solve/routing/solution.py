"""Engine-neutral routing solution."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RoutedVehicle:
    """One used vehicle: its trips (client indices, in visiting order) and totals.

    Parameters
    ----------
    vehicle_type
        Index into ``RoutingProblem.vehicle_types``.
    trips
        One list of client indices per trip; each trip starts and ends at the
        vehicle type's depot.
    start_time, end_time
        When the vehicle leaves its depot and is back (engine units).
    distance, duration
        Route totals in engine units.
    """

    vehicle_type: int
    trips: list[list[int]]
    start_time: int
    end_time: int
    distance: int
    duration: int

    @property
    def clients(self) -> list[int]:
        """Every client of every trip, in visiting order."""
        return [c for trip in self.trips for c in trip]


@dataclass(frozen=True)
class RoutingSolution:
    """The best solution found.

    Parameters
    ----------
    routes
        Used vehicles only.
    cost
        Objective value in engine units (distance, duration and fixed costs
        plus the prizes of unvisited clients).
    feasible
        True when every constraint holds and every required client is visited.
    unvisited
        Client indices in no route.
    solve_seconds
        Wall-clock time spent searching.
    iterations
        Search iterations done.
    seed
        Seed used.
    """

    routes: list[RoutedVehicle]
    cost: int
    feasible: bool
    unvisited: list[int] = field(default_factory=list)
    solve_seconds: float = 0.0
    iterations: int = 0
    seed: int = 0

    @property
    def distance(self) -> int:
        """Total distance of all routes, engine units."""
        return sum(r.distance for r in self.routes)
