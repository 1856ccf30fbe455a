"""Legs driven during an operation: each on the roads known when it starts.

Contract §6: a road event applies to the legs that start at or after its
``at_hours``. :class:`Legs` keeps one set of travel matrices per distinct
road state (one per road event at most, built when first needed) and times
routes leg by leg.
"""

from __future__ import annotations

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
        Back at the warehouse (``inf`` when there is no road back).
    distance_km
        Every leg driven, the way back included.
    via
        When the direct way back has no road: the area the truck drives
        through to get back, and when it is there (a stop unloading nothing).
    """

    arrive_hours: tuple[float, ...]
    return_hours: float
    distance_km: float
    via: tuple[str, float] | None = None

    @property
    def feasible(self) -> bool:
        """True when every leg, the way back included, has a road."""
        return math.isfinite(self.return_hours)


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
        known = sum(1 for at in self._event_hours if at <= hours)
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
    ) -> Route:
        """Time a route from site ``origin`` left at ``leave_h`` through ``areas`` and back."""
        arrivals: list[float] = []
        site, clock, km = origin, leave_h, 0.0
        for area in areas:
            target = self._area[area]
            hours, dist = self.leg(vehicle_type, site, target, clock)
            if not math.isfinite(hours):
                arrivals += [math.inf] * (len(areas) - len(arrivals))
                return Route(tuple(arrivals), math.inf, math.inf)
            arrivals.append(clock + hours)
            clock = clock + hours + self._unload[area]
            site, km = target, km + dist
        back = self.way_back(vehicle_type, site, clock, warehouse)
        if back is None:
            return Route(tuple(arrivals), math.inf, math.inf)
        via, return_h, dist = back
        return Route(tuple(arrivals), return_h, km + dist, via)

    def way_back(
        self, vehicle_type: str, site: int, leave_h: float, warehouse: str
    ) -> tuple[tuple[str, float] | None, float, float] | None:
        """(via, return hour, km) back to ``warehouse`` from ``site`` left at ``leave_h``.

        Direct when a road leads there; else through the area that gets the
        truck back soonest (``via`` = that area and the arrival there, e.g.
        around a closed zone); ``None`` when there is no way back at all.
        """
        home = self._warehouse[warehouse]
        hours, dist = self.leg(vehicle_type, site, home, leave_h)
        if math.isfinite(hours):
            return None, leave_h + hours, dist
        best: tuple[tuple[str, float] | None, float, float] | None = None
        out_h = self.travel_at(leave_h).duration_h[vehicle_type][site]
        for area, target in self._area.items():
            if not math.isfinite(out_h[target]) or target == site:
                continue
            there = leave_h + float(out_h[target])
            leave_there = there + self._unload[area]
            back_h, back_km = self.leg(vehicle_type, target, home, leave_there)
            if math.isfinite(back_h) and (best is None or leave_there + back_h < best[1]):
                out_km = float(self.travel_at(leave_h).distance_km[vehicle_type][site, target])
                best = ((area, there), leave_there + back_h, out_km + back_km)
        return best

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
