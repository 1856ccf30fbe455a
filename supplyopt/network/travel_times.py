"""Travel-time and distance matrices between a scenario's sites."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Scenario


@dataclass(frozen=True)
class TravelTimes:
    """Travel between every pair of sites, per vehicle type.

    Sites are indexed warehouses first (``idx`` 0 … W-1, scenario order), then
    areas (``W + area_idx``). Unreachable pairs hold ``inf``.

    Attributes
    ----------
    n_warehouses
        Number of warehouses W.
    n_areas
        Number of areas.
    duration_h
        Per vehicle type id, an (S, S) matrix of hours.
    distance_km
        Per vehicle type id, an (S, S) matrix of km along the route used.
    notes
        Human-readable remarks from building the matrices (e.g. how far a
        site had to be snapped to the road network).
    horizon_h
        When set, travel slower than this many hours was not searched and
        reads ``inf`` although a road may exist; see ``connected``.
    connected
        (W, S) booleans: a road leads from the warehouse to the site at any
        speed and length (set by road-network models).
        Road-network models only explore routes up to this many hours (the
        deadline): a pair slower than that holds ``inf`` even when a road
        joins it (it cannot serve an on-time delivery). Return legs to a
        warehouse are always filled in when the outbound leg is finite.
        ``None`` when every finite route is reported.
    """

    n_warehouses: int
    n_areas: int
    duration_h: dict[str, NDArray[np.float64]]
    distance_km: dict[str, NDArray[np.float64]]
    notes: tuple[str, ...] = ()
    horizon_h: float | None = None
    connected: NDArray[np.bool_] | None = None

    def road_from_warehouse(self, w_idx: int, site: int) -> bool:
        """Whether any road at all leads from warehouse ``w_idx`` to ``site``.

        Unlike a finite travel time, this holds beyond the search horizon.
        """
        if self.connected is not None:
            return bool(self.connected[w_idx, site])
        return any(bool(np.isfinite(m[w_idx, site])) for m in self.duration_h.values())

    def roads_from_warehouses(self) -> NDArray[np.bool_]:
        """(W, sites) :meth:`road_from_warehouse` for every warehouse and site at once (a copy)."""
        n_w = self.n_warehouses
        if self.connected is not None:
            return np.array(self.connected[:n_w], dtype=bool)
        finite = [np.isfinite(m[:n_w]) for m in self.duration_h.values()]
        return np.logical_or.reduce(finite) if finite else np.zeros((n_w, self.n_sites), bool)

    def area_site(self, area_idx: int) -> int:
        """Site index of an area."""
        return self.n_warehouses + area_idx

    @property
    def n_sites(self) -> int:
        """Number of sites (warehouses and areas)."""
        return self.n_warehouses + self.n_areas


def site_coordinates(scenario: Scenario) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Latitudes and longitudes of all sites, warehouses first."""
    lat = [w.lat for w in scenario.warehouses] + [a.lat for a in scenario.areas]
    lon = [w.lon for w in scenario.warehouses] + [a.lon for a in scenario.areas]
    return np.array(lat, dtype=np.float64), np.array(lon, dtype=np.float64)


def vehicle_speed_kmh(scenario: Scenario, type_id: str, default_kmh: float) -> float:
    """A vehicle type's own speed if it has one, else the road model's."""
    speed = scenario.vehicle_type(type_id).speed_kmh
    return speed if speed is not None else default_kmh


def build_travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices for the scenario's road model, under its road disruptions.

    Closed and slowed roads (``close_roads``/``slow_roads`` disruptions) are
    applied here; the other disruptions change the scenario itself (see
    :func:`supplyopt.model.apply_disruptions`) and do not affect travel.

    Parameters
    ----------
    scenario
        A validated scenario; ``scenario.roads.model`` picks the model.

    Returns
    -------
    TravelTimes
        Hours and km between every pair of sites, per vehicle type.

    Raises
    ------
    ScenarioError
        When a road disruption selects no road, or the OSM extract cannot be
        read.
    """
    # Each road model's module is imported only when the scenario uses it: the graph and
    # OSM modules pull in numba (and osmnx), seconds of import a straight-line scenario
    # must not pay out of its time limit.
    match scenario.roads.model:
        case "great_circle":
            from .great_circle import great_circle_travel_times

            return great_circle_travel_times(scenario)
        case "graph":
            from .explicit_graph import graph_travel_times

            return graph_travel_times(scenario)
        case "osm":
            from .osm import osm_travel_times

            return osm_travel_times(scenario)
    raise NotImplementedError(f"road model {scenario.roads.model!r}")  # pragma: no cover
