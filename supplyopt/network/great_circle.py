"""The ``great_circle`` road model: haversine distance × circuity, at constant speed."""

from __future__ import annotations

import numpy as np

from ..model import GreatCircleRoads, Scenario
from .geo import pairwise_haversine_km
from .road_disruptions import leg_time_factors
from .travel_times import TravelTimes, site_coordinates, vehicle_speed_kmh


def great_circle_travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices for a scenario whose roads are ``great_circle``.

    distance_km = haversine (R = 6371.0 km) × circuity; hours = distance_km /
    speed, the speed being the vehicle type's ``speed_kmh`` if set, else the
    road model's (contract section 1).
    """
    roads = scenario.roads
    assert isinstance(roads, GreatCircleRoads)
    lat, lon = site_coordinates(scenario)
    distance = pairwise_haversine_km(lat, lon) * roads.circuity
    slowdown = leg_time_factors(lat, lon, scenario.disruptions)
    distance = np.where(np.isfinite(slowdown), distance, np.inf)
    duration = {
        vt.id: distance * slowdown / vehicle_speed_kmh(scenario, vt.id, roads.speed_kmh)
        for vt in scenario.vehicle_types
    }
    return TravelTimes(
        n_warehouses=len(scenario.warehouses),
        n_areas=len(scenario.areas),
        duration_h=duration,
        distance_km={vt.id: distance for vt in scenario.vehicle_types},
    )
