"""Seeded generator of relief scenarios for the benchmark families.

The picture is a winter disaster on the north slope of the Tianshan: reserve
warehouses spread over a region a few hundred km wide, affected areas
clustered around the towns that hold the warehouses, and damage (hence need
and priority) falling off with distance from an epicentre. Some families add
remote valleys beyond the region's edge, several out of 12-hour reach.

Everything is drawn from ``numpy.random.default_rng`` seeded with the family
name and the seed, so ``generate(family, seed)`` always returns the same
scenario.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np

from supplyopt.io import parse_scenario
from supplyopt.model import Scenario

from .families import FAMILIES, Family

#: Centre of the generated region (near Changji, Xinjiang).
CENTRE_LAT, CENTRE_LON = 44.0, 87.0
KM_PER_DEG_LAT = 111.2
DEADLINE_HOURS = 12.0

#: Relief items: id, display name, packed weight (kg) and volume (m3), and
#: units needed per displaced person (one tent per household of four, one
#: quilt each, a coat for most, a folding bed for the old and the sick).
ITEMS: tuple[tuple[str, str, float, float, float], ...] = (
    ("tent", "救灾帐篷", 80.0, 0.50, 0.25),
    ("quilt", "救灾棉被", 3.0, 0.03, 1.0),
    ("coat", "救灾棉大衣", 2.0, 0.015, 0.6),
    ("folding-bed", "救灾折叠床", 12.0, 0.08, 0.3),
)

#: Vehicle types: id, name, capacity (kg, m3), speed (km/h), share of the fleet.
VEHICLE_TYPES: tuple[tuple[str, str, float, float, float, float], ...] = (
    ("truck-10t", "10吨厢式货车", 10000.0, 45.0, 50.0, 0.5),
    ("truck-5t", "5吨厢式货车", 5000.0, 28.0, 60.0, 0.35),
    ("van-2t", "2吨轻型货车", 2000.0, 12.0, 70.0, 0.15),
)


def family_names() -> list[str]:
    """Names of the benchmark families, smallest first."""
    return list(FAMILIES)


def generate(family: str | Family, seed: int) -> Scenario:
    """Generate the scenario of a family for a seed (deterministic).

    Parameters
    ----------
    family
        A family name from :data:`benchmarks.relief.families.FAMILIES`, or a
        :class:`Family`.
    seed
        Any non-negative integer.

    Returns
    -------
    Scenario
        A validated scenario named ``<family>-s<seed>``.
    """
    return parse_scenario(generate_data(family, seed), source=f"generator:{family}:{seed}")


def generate_data(family: str | Family, seed: int) -> dict[str, Any]:
    """Generate the scenario as plain data (the scenario file format)."""
    fam = FAMILIES[family] if isinstance(family, str) else family
    rng = np.random.default_rng([zlib.crc32(fam.name.encode()), seed])
    half = fam.region_km / 2
    wh_xy = rng.uniform(-half, half, size=(fam.n_warehouses, 2))
    epicentre = rng.uniform(-half / 2, half / 2, size=2)
    area_xy = _area_positions(rng, fam, wh_xy)
    dist_epi = np.hypot(*(area_xy - epicentre).T)
    intensity = np.exp(-dist_epi / (0.3 * fam.region_km))
    displaced = np.maximum(
        20, fam.displaced_scale * rng.lognormal(0.0, 0.6, fam.n_areas) * (0.25 + 0.75 * intensity)
    ).astype(np.int64)
    affected_share = rng.uniform(0.05, 0.4, fam.n_areas)
    population = (displaced / affected_share).astype(np.int64)
    priority = 1 + (intensity > 0.3).astype(int) + (intensity > 0.6).astype(int)
    demand = {
        item_id: np.ceil(displaced * per_person).astype(np.int64)
        for item_id, _, _, _, per_person in ITEMS
    }
    stock = _stock(rng, fam, demand)
    fleet = _fleet(rng, fam)
    return {
        "name": f"{fam.name}-s{seed}",
        "deadline_hours": DEADLINE_HOURS,
        "items": [
            {"id": i, "name": name, "weight_kg": kg, "volume_m3": m3}
            for i, name, kg, m3, _ in ITEMS
        ],
        "vehicle_types": [
            {"id": v, "name": name, "capacity_kg": kg, "capacity_m3": m3, "speed_kmh": kmh}
            for v, name, kg, m3, kmh, _ in VEHICLE_TYPES
        ],
        "warehouses": [
            _warehouse(rng, fam, w, wh_xy[w], stock[w], fleet[w]) for w in range(fam.n_warehouses)
        ],
        "areas": [
            {
                "id": f"area-{a + 1:04d}",
                "name": f"第{a + 1}号安置点",
                **_lat_lon(area_xy[a]),
                "population": int(population[a]),
                "demand": {i: int(demand[i][a]) for i in demand},
                "priority": int(priority[a]),
                "unloading_hours": round(float(rng.uniform(0.25, 0.5)), 2),
            }
            for a in range(fam.n_areas)
        ],
        "roads": {"model": "great_circle", "circuity": 1.3, "speed_kmh": 60.0},
    }


def _area_positions(
    rng: np.random.Generator, fam: Family, wh_xy: np.ndarray[Any, Any]
) -> np.ndarray[Any, Any]:
    """Areas clustered around warehouse towns, plus remote valleys past the edge."""
    n_remote = round(fam.n_areas * fam.remote_fraction)
    n_near = fam.n_areas - n_remote
    spread_km = fam.region_km / (2 * math.sqrt(fam.n_warehouses))
    towns = rng.integers(0, fam.n_warehouses, n_near)
    limit = 0.6 * fam.region_km
    near = np.clip(wh_xy[towns] + rng.normal(0.0, spread_km, (n_near, 2)), -limit, limit)
    angle = rng.uniform(0.0, 2 * math.pi, n_remote)
    radius = fam.region_km / 2 + rng.uniform(150.0, 400.0, n_remote)
    remote = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    xy = np.vstack([near, remote])
    return xy[rng.permutation(fam.n_areas)]


def _split(rng: np.random.Generator, total: int, weights: np.ndarray[Any, Any]) -> list[int]:
    """Split a whole number by weights (largest remainder), so parts sum to ``total``."""
    share = total * weights / weights.sum()
    parts = np.floor(share).astype(np.int64)
    rest = total - int(parts.sum())
    order = np.argsort(-(share - parts) + rng.uniform(0, 1e-9, len(share)))
    parts[order[:rest]] += 1
    return [int(p) for p in parts]


def _stock(
    rng: np.random.Generator, fam: Family, demand: dict[str, np.ndarray[Any, Any]]
) -> list[dict[str, int]]:
    """Each item's total stock is ``stock_ratio`` × its demand, split unevenly."""
    weights = rng.gamma(2.0, 1.0, fam.n_warehouses)
    weights[0] *= 3  # the regional reserve holds the most
    stock: list[dict[str, int]] = [{} for _ in range(fam.n_warehouses)]
    for item_id, need in demand.items():
        item_weights = weights * rng.uniform(0.5, 1.5, fam.n_warehouses)
        total = round(fam.stock_ratio * int(need.sum()))
        for w, qty in enumerate(_split(rng, total, item_weights)):
            if qty > 0:
                stock[w][item_id] = qty
    return stock


def _fleet(rng: np.random.Generator, fam: Family) -> list[dict[str, int]]:
    """Trucks spread over warehouses, at least one each, in a mix of sizes."""
    weights = rng.gamma(3.0, 1.0, fam.n_warehouses)
    counts = [1 + c for c in _split(rng, fam.n_trucks - fam.n_warehouses, weights)]
    shares = np.array([share for *_, share in VEHICLE_TYPES])
    fleet: list[dict[str, int]] = []
    for count in counts:
        by_type = rng.multinomial(count, shares / shares.sum())
        fleet.append({VEHICLE_TYPES[t][0]: int(n) for t, n in enumerate(by_type) if n > 0})
    return fleet


def _warehouse(
    rng: np.random.Generator,
    fam: Family,
    idx: int,
    xy: np.ndarray[Any, Any],
    stock: dict[str, int],
    fleet: dict[str, int],
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f"wh-{idx + 1:02d}",
        "name": "区域救灾物资储备库" if idx == 0 else f"第{idx + 1}号县级储备库",
        **_lat_lon(xy),
        "stock": stock,
        "fleet": fleet,
        "ready_hours": round(float(rng.uniform(0.5, 2.0)) * 4) / 4,
        "loading_hours": round(float(rng.uniform(*fam.loading_hours)) * 20) / 20,
    }
    if fam.loading_bays is not None:
        low, high = fam.loading_bays
        data["loading_bays"] = int(rng.integers(low, high + 1))
    return data


def _lat_lon(xy: np.ndarray[Any, Any]) -> dict[str, float]:
    """Local km offsets from the region centre to rounded lat/lon."""
    lat = CENTRE_LAT + float(xy[1]) / KM_PER_DEG_LAT
    lon = CENTRE_LON + float(xy[0]) / (KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT)))
    return {"lat": round(lat, 5), "lon": round(lon, 5)}
