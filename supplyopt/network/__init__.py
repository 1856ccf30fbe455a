"""Road networks and travel-time matrices (great-circle and explicit graphs)."""

from .geo import EARTH_RADIUS_KM, haversine_km
from .travel_times import TravelTimes, build_travel_times

__all__ = ["EARTH_RADIUS_KM", "TravelTimes", "build_travel_times", "haversine_km"]
