"""Generated readiness regions: a tiered reserve system where "where should stock sit" is a real question.

The design follows how reserve systems are laid out in practice (and how
the bundled Changji region is): one large reserve at the capital, a few
prefecture reserves, and many small county reserves; the hazards strike the
mountain front and the uplands, away from the capital on the plain. The
reasons, each general and none tuned to a seed:

- **Stock sits in a few large reserves.** The capital's reserve holds
  ``CAPITAL_SHARE`` of every item, the prefecture reserves ``PREFECTURE_SHARE``
  between them, the county reserves the rest — a few percent each.
- **The capital is far from parts of the region.** It lies on the region's
  west edge; the far (east) side is more than 12 hours away by road, so
  the deadline binds for distant settlements: only the reserves near them
  can serve them in time.
- **The warehouses near hazard zones hold little.** Earthquakes strike the
  southern mountain front, snowstorms the eastern uplands; the county
  reserves there hold their small county share.
- **Trucks are limited at the small warehouses.** County reserves have two
  small trucks and one slow loading bay; the large reserves have most of
  the fleet (10-t trucks) and several bays. A truck may drive empty to
  another warehouse and load there (the planner does this), so stock moved
  forward is useful only as far as trucks and bays can carry it in time.
- **Enough total stock for typical disasters.** Each item's total is its
  ``STOCK_QUANTILE`` quantile of per-sample demand (over 200 samples of a
  calibration seed that the benchmark never fits or evaluates on): four
  disasters in five could be met in full if the stock sat in the right place.

Populations: settlements cluster around the warehouse towns (lognormal
sizes), the capital's districts are large; the capital is rarely hit, so a
rule spreading stock by population served (the proportional baseline) is a
plausible but uninformed guess, the question the LP must do better on.

The same name and seed always give the same region.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.relief.generator import (
    CENTRE_LAT,
    CENTRE_LON,
    DEADLINE_HOURS,
    ITEMS,
    KM_PER_DEG_LAT,
    VEHICLE_TYPES,
)
from supplyopt.readiness import Region, draw_sample, parse_region

#: Share of every item at the capital's reserve, and at the prefecture reserves together.
CAPITAL_SHARE = 0.55
PREFECTURE_SHARE = 0.30
#: Each item's total stock: this quantile of its per-sample demand (calibration samples).
STOCK_QUANTILE = 0.8
CALIBRATION_SEED = 999
CALIBRATION_SAMPLES = 200


@dataclass(frozen=True)
class Shape:
    """The size of a generated region.

    Attributes
    ----------
    width_km, height_km
        The region's extent (west–east, south–north); the capital sits on the west edge.
    prefectures, counties
        Prefecture and county reserves besides the capital's.
    settlements
        Settlements in all (the capital's districts among them).
    capital_trucks, prefecture_trucks
        10-t and 5-t trucks at the capital's reserve and at each prefecture reserve.
    people
        Typical (median) population of a settlement outside the capital.
    """

    width_km: float
    height_km: float
    prefectures: int
    counties: int
    settlements: int
    capital_trucks: int
    prefecture_trucks: int
    people: float = 9_000.0


SHAPES: dict[str, Shape] = {
    "prefecture-6wh": Shape(520.0, 260.0, 1, 4, 80, 16, 8),
    "province-20wh": Shape(760.0, 420.0, 3, 16, 240, 40, 10),
    # Scale only (issue 16: 2,000 settlements on a Dask cluster): villages, not townships.
    "province-2000": Shape(760.0, 420.0, 3, 16, 2000, 40, 10, people=1_100.0),
}


def _lat_lon(x_km: float, y_km: float, shape: Shape) -> dict[str, float]:
    """Local km (0…width west–east, 0…height south–north) to rounded lat/lon."""
    lat = CENTRE_LAT + (y_km - shape.height_km / 2) / KM_PER_DEG_LAT
    lon = CENTRE_LON + (x_km - shape.width_km / 2) / (
        KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))
    )
    return {"lat": round(lat, 4), "lon": round(lon, 4)}


def _box(x0: float, x1: float, y0: float, y1: float, shape: Shape) -> list[list[float]]:
    corners = [(x0, y0), (x0, y1), (x1, y1), (x1, y0)]
    return [[p["lat"], p["lon"]] for p in (_lat_lon(x, y, shape) for x, y in corners)]


def _towns(rng: np.random.Generator, shape: Shape) -> np.ndarray[Any, Any]:
    """Prefecture and county towns: jittered on a grid over the region east of the capital."""
    n = shape.prefectures + shape.counties
    cols = math.ceil(math.sqrt(n * shape.width_km / shape.height_km))
    rows = math.ceil(n / cols)
    cells = [(c, r) for r in range(rows) for c in range(cols)]
    picked = sorted(rng.choice(len(cells), size=n, replace=False).tolist())
    west = 0.12 * shape.width_km
    cw, ch = (shape.width_km - west) / cols, shape.height_km / rows
    xy = np.array(
        [
            (
                west + (cells[k][0] + rng.uniform(0.2, 0.8)) * cw,
                (cells[k][1] + rng.uniform(0.2, 0.8)) * ch,
            )
            for k in picked
        ]
    )
    # Prefecture seats: the towns nearest to evenly spaced points along the region.
    order: list[int] = []
    for p in range(shape.prefectures):
        target = ((p + 0.5) / shape.prefectures * shape.width_km, shape.height_km / 2)
        dist = np.hypot(xy[:, 0] - target[0], xy[:, 1] - target[1])
        dist[order] = np.inf
        order.append(int(np.argmin(dist)))
    rest = [k for k in range(n) if k not in order]
    return np.vstack([xy[order], xy[rest]])


def generate_data(name: str, seed: int = 0) -> dict[str, Any]:
    """The region ``name`` (a key of :data:`SHAPES`) as plain data, stock not yet scaled."""
    shape = SHAPES[name]
    rng = np.random.default_rng([zlib.crc32(name.encode()), seed])
    capital = np.array([0.04 * shape.width_km, 0.5 * shape.height_km])
    towns = _towns(rng, shape)
    sites = np.vstack([capital, towns])
    n_wh = len(sites)
    tiers = ["capital"] + ["prefecture"] * shape.prefectures + ["county"] * shape.counties
    warehouses = [_warehouse(k, tiers[k], sites[k], shape) for k in range(n_wh)]
    areas = _settlements(rng, shape, sites)
    return {
        "name": name,
        "deadline_hours": DEADLINE_HOURS,
        "items": [
            {"id": i, "name": nm, "weight_kg": kg, "volume_m3": m3} for i, nm, kg, m3, _ in ITEMS
        ],
        "vehicle_types": [
            {"id": v, "name": nm, "capacity_kg": kg, "capacity_m3": m3, "speed_kmh": kmh}
            for v, nm, kg, m3, kmh, _ in VEHICLE_TYPES
        ],
        "warehouses": warehouses,
        "areas": areas,
        "roads": {"model": "great_circle", "circuity": 1.3, "speed_kmh": 60.0},
        "needs_per_person": {i: per for i, _, _, _, per in ITEMS},
        "hazards": [
            {
                "kind": "earthquake",
                "weight": 3,
                "centre": {
                    "polygon": _box(
                        0.3 * shape.width_km, shape.width_km, 0.0, 0.4 * shape.height_km, shape
                    )
                },
                "radius_km": [20, 70],
                "affected_share": 0.25,
            },
            {
                "kind": "snowstorm",
                "weight": 1,
                "centre": {
                    "polygon": _box(
                        0.5 * shape.width_km, shape.width_km, 0.0, shape.height_km, shape
                    )
                },
                "radius_km": [60, 150],
                "affected_share": 0.06,
            },
        ],
    }


def _warehouse(k: int, tier: str, xy: np.ndarray[Any, Any], shape: Shape) -> dict[str, Any]:
    if tier == "capital":
        trucks, fleet = shape.capital_trucks, "large"
        name, ready, load, bays = "中心救灾物资储备库", 2.0, 0.5, 6
    elif tier == "prefecture":
        trucks, fleet = shape.prefecture_trucks, "large"
        name, ready, load, bays = f"第{k}号分中心储备库", 1.0, 0.75, 3
    else:
        trucks, fleet = 2, "small"
        name, ready, load, bays = f"第{k}号县级储备库", 0.5, 1.0, 1
    if fleet == "large":
        big = math.ceil(0.6 * trucks)
        vehicles = {"truck-10t": big, "truck-5t": trucks - big}
    else:
        vehicles = {"truck-5t": 1, "van-2t": 1}
    return {
        "id": f"wh-{k + 1:02d}",
        "name": name,
        **_lat_lon(float(xy[0]), float(xy[1]), shape),
        "stock": {},
        "fleet": vehicles,
        "ready_hours": ready,
        "loading_hours": load,
        "loading_bays": bays,
        "tier": tier,
    }


def _settlements(
    rng: np.random.Generator, shape: Shape, sites: np.ndarray[Any, Any]
) -> list[dict[str, Any]]:
    """The capital's districts, then settlements clustered around the other warehouse towns."""
    n_capital = max(3, shape.settlements // 20)
    spread = 0.5 * math.sqrt(shape.width_km * shape.height_km / len(sites))
    towns = rng.integers(1, len(sites), shape.settlements - n_capital)
    xy = np.vstack(
        [
            sites[0] + rng.normal(0.0, 8.0, (n_capital, 2)),
            sites[towns] + rng.normal(0.0, spread, (len(towns), 2)),
        ]
    )
    xy[:, 0] = np.clip(xy[:, 0], 0.0, shape.width_km)
    xy[:, 1] = np.clip(xy[:, 1], 0.0, shape.height_km)
    population = np.concatenate(
        [
            rng.lognormal(math.log(120_000), 0.3, n_capital),
            rng.lognormal(math.log(shape.people), 0.7, len(towns)),
        ]
    )
    return [
        {
            "id": f"s-{a + 1:04d}",
            "name": f"第{a + 1}号乡镇",
            **_lat_lon(float(xy[a, 0]), float(xy[a, 1]), shape),
            "population": int(round(population[a], -2)),
            "priority": 1 if a < n_capital else int(rng.integers(1, 4)),
            "unloading_hours": 0.33 if a < n_capital else 0.5,
        }
        for a in range(shape.settlements)
    ]


def generate_region(name: str, seed: int = 0) -> Region:
    """The generated region ``name`` (a key of :data:`SHAPES`), the same for the same seed."""
    data = generate_data(name, seed)
    tiers = [wh.pop("tier") for wh in data["warehouses"]]
    region = parse_region(data, source=f"generated:{name}:{seed}")
    totals = _stock_totals(region)
    shares = _tier_shares(tiers)
    stock: dict[str, dict[str, int]] = {}
    for wh, share in zip(data["warehouses"], shares, strict=True):
        stock[wh["id"]] = {item: math.floor(total * share) for item, total in totals.items()}
    return region.with_stock(stock)


def _tier_shares(tiers: list[str]) -> list[float]:
    """Each warehouse's share of every item, by tier."""
    n_pref = tiers.count("prefecture")
    n_county = tiers.count("county")
    county = (1.0 - CAPITAL_SHARE - PREFECTURE_SHARE) / max(n_county, 1)
    return [
        CAPITAL_SHARE
        if t == "capital"
        else PREFECTURE_SHARE / n_pref
        if t == "prefecture"
        else county
        for t in tiers
    ]


def _stock_totals(region: Region) -> dict[str, int]:
    """Each item's STOCK_QUANTILE quantile of per-sample demand over the calibration samples."""
    items = region.scenario.item_ids
    totals = np.zeros((CALIBRATION_SAMPLES, len(items)))
    for idx in range(CALIBRATION_SAMPLES):
        sample = draw_sample(region, CALIBRATION_SEED, idx)
        for need in sample.demand.values():
            totals[idx] += [need.get(i, 0) for i in items]
    quantile = np.quantile(totals, STOCK_QUANTILE, axis=0)
    return {item: math.ceil(q) for item, q in zip(items, quantile.tolist(), strict=True)}
