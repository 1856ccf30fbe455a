"""Hazard samples (contract §7): each one reproducible from the seed and its index alone.

Sample ``index`` of seed ``seed`` is drawn from ``numpy.random.default_rng([seed, index])``:
first the hazard (by weight), then its centre (uniform in the hazard's polygon,
by rejection in the polygon's bounding box), then its radius (uniform). So a
sample does not depend on how many samples are drawn, nor on which process
draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model import Scenario
from ..network.geo import haversine_km
from .region import Hazard, Region

#: Candidate centres drawn at a time in the polygon's bounding box (the first inside is kept).
_BATCH = 64


@dataclass(frozen=True)
class Sample:
    """One drawn disaster and the demand it makes.

    Attributes
    ----------
    index
        Its index among the seed's samples.
    hazard
        Index of the hazard in the region's ``hazards``.
    kind
        That hazard's kind.
    centre
        ``(lat, lon)`` of the centre.
    radius_km
        The drawn radius.
    affected
        People affected per settlement id (settlements with demand only, file order).
    demand
        Units per item per settlement id (zeros left out; same settlements).
    """

    index: int
    hazard: int
    kind: str
    centre: tuple[float, float]
    radius_km: float
    affected: dict[str, int]
    demand: dict[str, dict[str, int]]


def half_up(value: float) -> int:
    """``value`` rounded to the nearest whole number, halves up (the contract's ``round``)."""
    return math.floor(value + 0.5)


def draw_sample(region: Region, seed: int, index: int) -> Sample:
    """Draw sample ``index`` of ``seed`` (the same whatever else is drawn).

    A settlement at distance ``r < R`` from the centre has
    ``round(population × affected_share × (1 − r/R))`` people affected and
    ``round(affected × need)`` units of each item; zeros are left out, and
    so are settlements with no demand.
    """
    rng = np.random.default_rng([seed, index])
    weights = np.array([h.weight for h in region.hazards])
    h_idx = int(np.searchsorted(np.cumsum(weights) / weights.sum(), rng.random(), side="right"))
    h_idx = min(h_idx, len(region.hazards) - 1)
    hazard = region.hazards[h_idx]
    centre = _centre(rng, hazard)
    radius = float(rng.uniform(*hazard.radius_km))
    areas = region.scenario.areas
    distance = haversine_km(centre[0], centre[1], [a.lat for a in areas], [a.lon for a in areas])
    affected: dict[str, int] = {}
    demand: dict[str, dict[str, int]] = {}
    for area, r_km in zip(areas, np.atleast_1d(distance).tolist(), strict=True):
        if r_km >= radius or not area.population:
            continue
        people = half_up(area.population * hazard.affected_share * (1 - r_km / radius))
        need = {item: half_up(people * per) for item, per in region.needs_per_person.items()}
        need = {item: qty for item, qty in need.items() if qty > 0}
        if need:
            affected[area.id] = people
            demand[area.id] = need
    return Sample(index, h_idx, hazard.kind, centre, radius, affected, demand)


def _centre(rng: np.random.Generator, hazard: Hazard) -> tuple[float, float]:
    """A point drawn uniformly in the hazard's polygon (rejection in its bounding box)."""
    lats = [p[0] for p in hazard.polygon]
    lons = [p[1] for p in hazard.polygon]
    while True:
        cand_lat = rng.uniform(min(lats), max(lats), _BATCH)
        cand_lon = rng.uniform(min(lons), max(lons), _BATCH)
        for lat, lon in zip(cand_lat.tolist(), cand_lon.tolist(), strict=True):
            if inside(hazard.polygon, lat, lon):
                return (lat, lon)


def inside(polygon: tuple[tuple[float, float], ...], lat: float, lon: float) -> bool:
    """Whether ``(lat, lon)`` lies inside the polygon (even-odd ray casting in lat/lon)."""
    hit = False
    n = len(polygon)
    for k in range(n):
        (y1, x1), (y2, x2) = polygon[k], polygon[(k + 1) % n]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                hit = not hit
    return hit


def sample_scenario(region: Region, sample: Sample) -> Scenario | None:
    """The region's scenario for one sample: its affected settlements with their demand.

    ``population`` of each area is the number of people affected. ``None``
    when the sample affects nobody (there is nothing to plan).
    """
    if not sample.demand:
        return None
    areas = [
        area.model_copy(
            update={"demand": dict(sample.demand[area.id]), "population": sample.affected[area.id]}
        )
        for area in region.scenario.areas
        if area.id in sample.demand
    ]
    name = f"{region.scenario.name}-sample-{sample.index}"
    return region.scenario.model_copy(update={"areas": areas, "name": name})
