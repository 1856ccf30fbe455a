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
    """

    n_warehouses: int
    n_areas: int
    duration_h: dict[str, NDArray[np.float64]]
    distance_km: dict[str, NDArray[np.float64]]
    notes: tuple[str, ...] = ()

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
    """Travel matrices for the scenario's road model.

    Parameters
    ----------
    scenario
        A validated scenario; ``scenario.roads.model`` picks the model.

    Returns
    -------
    TravelTimes
        Hours and km between every pair of sites, per vehicle type.
    """
    from .graph import graph_travel_times
    from .great_circle import great_circle_travel_times

    match scenario.roads.model:
        case "great_circle":
            return great_circle_travel_times(scenario)
        case "graph":
            return graph_travel_times(scenario)
    raise NotImplementedError(f"road model {scenario.roads.model!r}")  # pragma: no cover
