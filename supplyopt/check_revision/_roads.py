"""Travel matrices of an operation's roads as they were at each moment, built once per road set."""

from __future__ import annotations

from ..model import Operation
from ..network import TravelTimes, build_travel_times


class TimedRoads:
    """The roads a leg starting at a given hour is driven on (contract §6).

    A road event applies to legs that start at or after its ``at_hours``.
    Matrices are built with :func:`~supplyopt.network.build_travel_times` on
    :meth:`Operation.roads_at`, once for each distinct set of road events in
    force.
    """

    def __init__(self, operation: Operation) -> None:
        self._operation = operation
        self._times = sorted(at for at, _ in operation.road_events)
        self._built: dict[int, TravelTimes] = {}

    def at(self, hours: float) -> TravelTimes:
        """Travel matrices for a leg that starts at ``hours``."""
        known = sum(1 for at in self._times if at <= hours)
        if known not in self._built:
            before = self._times[known - 1] if known else -1.0
            self._built[known] = build_travel_times(self._operation.roads_at(before))
        return self._built[known]

    def before_events(self) -> TravelTimes:
        """The roads before any road event: what the legs driven before now were checked on."""
        return self.at(-1.0)
