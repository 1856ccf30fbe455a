"""Legs driven during an operation: each on the roads known when it starts.

Contract §6: a road event applies to the legs that start at or after its
``at_hours``. :class:`Legs` keeps one set of travel matrices per distinct
road state (one per road event at most, built when first needed) and times
routes leg by leg.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Operation, Stop
from ..network import TravelTimes, build_travel_times


@dataclass(frozen=True)
class Route:
    """A route timed leg by leg.

    Attributes
    ----------
    arrive_hours
        Arrival at each area, in order (``inf`` once a leg has no road).
    return_hours
        Back at the warehouse (``inf`` when no road leads back from the last site).
    distance_km
        Every leg driven, the way back included (without a way back: the legs
        to the areas; ``inf`` when one of those has no road).
    leave_hours
        When the truck leaves its last site (the last area, or the origin).
    """

    arrive_hours: tuple[float, ...]
    return_hours: float
    distance_km: float
    leave_hours: float = math.inf

    @property
    def feasible(self) -> bool:
        """True when every leg, the way back included, has a road."""
        return math.isfinite(self.return_hours)

    @property
    def reached(self) -> bool:
        """True when every leg to an area has a road (the way back may not)."""
        return all(math.isfinite(t) for t in self.arrive_hours)


class Legs:
    """Travel between the changed scenario's sites, on the roads of each leg's start.

    Parameters
    ----------
    op
        The operation: its changed scenario and the times of its road events.
    """

    def __init__(self, op: Operation) -> None:
        self.op = op
        scenario = op.changed
        n_w = len(scenario.warehouses)
        self._warehouse = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
        self._area = {a.id: n_w + idx for idx, a in enumerate(scenario.areas)}
        self._unload = {a.id: a.unloading_hours for a in scenario.areas}
        self._event_hours = sorted(at for at, _ in op.road_events)
        self._matrices: dict[int, TravelTimes] = {}

    def travel_at(self, hours: float) -> TravelTimes:
        """The travel matrices of a leg starting at ``hours``."""
        known = bisect.bisect_right(self._event_hours, hours)
        if known not in self._matrices:
            at = self._event_hours[known - 1] if known else -math.inf
            self._matrices[known] = build_travel_times(self.op.roads_at(at))
        return self._matrices[known]

    def warehouse_site(self, warehouse: str) -> int:
        """Site index of a warehouse."""
        return self._warehouse[warehouse]

    def area_site(self, area: str) -> int:
        """Site index of an area."""
        return self._area[area]

    def unload_hours(self, area: str) -> float:
        """Unloading time at an area."""
        return self._unload[area]

    def leg(
        self, vehicle_type: str, origin: int, target: int, start_h: float
    ) -> tuple[float, float]:
        """(hours, km) of one leg between sites that starts at ``start_h``."""
        travel = self.travel_at(start_h)
        return (
            float(travel.duration_h[vehicle_type][origin, target]),
            float(travel.distance_km[vehicle_type][origin, target]),
        )

    def route(
        self,
        vehicle_type: str,
        origin: int,
        leave_h: float,
        areas: Sequence[str],
        warehouse: str,
        *,
        not_before_h: float = -math.inf,
    ) -> Route:
        """Time a route from site ``origin`` left at ``leave_h`` through ``areas`` and back.

        No arrival is earlier than ``not_before_h`` (a truck re-routed on the
        road reaches a stop it had not reached by now only after now).
        """
        arrivals: list[float] = []
        site, clock, km = origin, leave_h, 0.0
        for area in areas:
            target = self._area[area]
            hours, dist = self.leg(vehicle_type, site, target, clock)
            if not math.isfinite(hours):
                arrivals += [math.inf] * (len(areas) - len(arrivals))
                return Route(tuple(arrivals), math.inf, math.inf)
            arrive = max(clock + hours, not_before_h)
            arrivals.append(arrive)
            clock = arrive + self._unload[area]
            site, km = target, km + dist
        hours, dist = self.leg(vehicle_type, site, self._warehouse[warehouse], clock)
        if not math.isfinite(hours):
            return Route(tuple(arrivals), math.inf, km, clock)
        return Route(tuple(arrivals), clock + hours, km + dist, clock)

    def driven_km(
        self, vehicle_type: str, origin: int, depart_h: float, stops: Sequence[Stop]
    ) -> float:
        """Km of legs already driven from ``origin`` (left at ``depart_h``) through ``stops``.

        Each leg on the roads of its start; a leg those roads no longer allow
        (a closure nobody knew of when it was driven) counts at its length on
        the roads before any event.
        """
        site, clock, km = origin, depart_h, 0.0
        for stop in stops:
            target = self._area[stop.area]
            _, dist = self.leg(vehicle_type, site, target, clock)
            if not math.isfinite(dist):
                _, dist = self.leg(vehicle_type, site, target, -math.inf)
            clock = stop.arrive_hours + self._unload[stop.area]
            site, km = target, km + (dist if math.isfinite(dist) else 0.0)
        return km
