"""Fit longitude/latitude into a drawing box (equirectangular at the mean latitude)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import GraphRoads, Scenario


@dataclass(frozen=True)
class Projection:
    """Maps (lon, lat) to (x, y) in a drawing, north up, equal scale in both directions."""

    lon0: float
    lat0: float
    kx: float
    ky: float
    x0: float
    y0: float
    km_per_unit: float

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        """Drawing coordinates of a position."""
        return self.x0 + (lon - self.lon0) * self.kx, self.y0 - (lat - self.lat0) * self.ky


def fit_projection(
    positions: Iterable[tuple[float, float]],
    *,
    left: float,
    top: float,
    width: float,
    height: float,
) -> Projection:
    """Fit a projection putting every ``(lon, lat)`` inside the box, centred, aspect kept."""
    pts = list(positions) or [(0.0, 0.0)]
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    mid_lat = (min(lats) + max(lats)) / 2
    shrink = max(math.cos(math.radians(mid_lat)), 0.05)
    span_x = max((max(lons) - min(lons)) * shrink, 1e-6)
    span_y = max(max(lats) - min(lats), 1e-6)
    scale = min(width / span_x, height / span_y)
    used_w, used_h = span_x * scale, span_y * scale
    x0 = left + (width - used_w) / 2
    y0 = top + (height - used_h) / 2 + used_h
    km_per_degree = 2 * math.pi * 6371.0 / 360
    return Projection(
        lon0=min(lons),
        lat0=min(lats),
        kx=scale * shrink,
        ky=scale,
        x0=x0,
        y0=y0,
        km_per_unit=km_per_degree / scale,
    )


def scenario_positions(scenario: Scenario) -> list[tuple[float, float]]:
    """Every site and road node as ``(lon, lat)``."""
    pos = [(w.lon, w.lat) for w in scenario.warehouses]
    pos += [(a.lon, a.lat) for a in scenario.areas]
    if isinstance(scenario.roads, GraphRoads):
        pos += [(n.lon, n.lat) for n in scenario.roads.nodes]
    return pos


def nice_scale_km(max_km: float) -> float:
    """Pick a round length (1, 2, 5 × 10^n km) no longer than ``max_km``."""
    if max_km <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(max_km))
    for step in (5, 2, 1):
        if step * power <= max_km:
            return float(step * power)
    return float(power)  # pragma: no cover
