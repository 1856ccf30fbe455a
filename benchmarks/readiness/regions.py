"""Generated readiness regions: settlements around warehouse towns, stock concentrated at the centre.

Built on the relief benchmark's generator (its items, vehicle types, places
and fleets): the areas become settlements (population, no demand), and each
item's stock is rescaled to ``stock_ratio`` × its mean demand over 100
samples of seed 999, keeping the generator's uneven split (the first
warehouse, the regional reserve, holds the most).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from benchmarks.relief.families import FAMILIES
from benchmarks.relief.generator import CENTRE_LAT, CENTRE_LON, KM_PER_DEG_LAT, generate_data
from supplyopt.readiness import Region, draw_sample, parse_region

#: name: (relief family to start from, settlements, warehouses, trucks, region width km)
SHAPES: dict[str, tuple[str, int, int, int, float]] = {
    "county-6wh": ("medium-tight-fleet", 80, 6, 40, 300.0),
    "province-20wh": ("large-province", 200, 20, 160, 500.0),
}
STOCK_RATIO = 1.0


def _square(half_km: float) -> list[list[float]]:
    dlat = half_km / KM_PER_DEG_LAT
    dlon = half_km / (KM_PER_DEG_LAT * np.cos(np.radians(CENTRE_LAT)))
    return [
        [round(CENTRE_LAT + sy * dlat, 4), round(CENTRE_LON + sx * dlon, 4)]
        for sy, sx in ((-1, -1), (1, -1), (1, 1), (-1, 1))
    ]


def generate_region(name: str, seed: int = 0) -> Region:
    """The generated region ``name`` (a key of :data:`SHAPES`), the same for the same seed."""
    family, n_areas, n_warehouses, n_trucks, region_km = SHAPES[name]
    fam = replace(
        FAMILIES[family],
        name=name,
        n_areas=n_areas,
        n_warehouses=n_warehouses,
        n_trucks=n_trucks,
        region_km=region_km,
        remote_fraction=0.0,
    )
    data: dict[str, Any] = generate_data(fam, seed)
    for area in data["areas"]:
        del area["demand"]
    data["needs_per_person"] = {"tent": 0.25, "quilt": 1.0, "coat": 0.6, "folding-bed": 0.3}
    data["hazards"] = [
        {
            "kind": "earthquake",
            "weight": 3,
            "centre": {"polygon": _square(region_km / 3)},
            "radius_km": [20, 70],
            "affected_share": 0.3,
        },
        {
            "kind": "snowstorm",
            "weight": 1,
            "centre": {"polygon": _square(region_km / 2)},
            "radius_km": [80, 180],
            "affected_share": 0.08,
        },
    ]
    region = parse_region(data, source=f"generated:{name}:{seed}")
    return _rescaled(region, data)


def _rescaled(region: Region, data: dict[str, Any]) -> Region:
    """Each item's stock scaled to STOCK_RATIO × its mean demand over 100 samples of seed 999."""
    items = region.scenario.item_ids
    mean = np.zeros(len(items))
    for idx in range(100):
        sample = draw_sample(region, 999, idx)
        for need in sample.demand.values():
            mean += [need.get(i, 0) for i in items]
    mean /= 100
    stock: dict[str, dict[str, int]] = {}
    for wh in data["warehouses"]:
        stock[wh["id"]] = {}
    for k, item in enumerate(items):
        held = np.array([wh["stock"].get(item, 0) for wh in data["warehouses"]], dtype=float)
        target = STOCK_RATIO * mean[k]
        scaled = np.floor(held * target / max(held.sum(), 1.0)).astype(int)
        for wh, qty in zip(data["warehouses"], scaled.tolist(), strict=True):
            stock[wh["id"]][item] = int(qty)
    return region.with_stock(stock)
