"""The arrays the vehicle-day bound works on: time buckets, shortest drives, trip reach.

Everything here is fixed before the first iteration; only the duals change
between iterations. Times are counted in buckets of ``delta_h``; every
rounding is chosen so that the relaxation stays optimistic (see
``docs/planner.md``, "The vehicle-day bound").
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import shortest_path

from ..instance import Instance

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Slack on comparisons that decide whether a time fits (always in the optimistic direction).
EPS_H = 1e-9
#: Stand-in for an unreachable drive (finite, so that sums stay finite).
FAR_H = 1e6
#: Bays are counted in windows this long (rounded to whole buckets), from the warehouse's ready time.
BAY_WINDOW_H = 1.0


@dataclass(frozen=True)
class WarehouseType:
    """Static reach of vehicle type ``k`` loading at warehouse ``w``.

    Attributes
    ----------
    latest_start
        (A,) the last bucket a loading may start in and still reach instance
        area ``a`` by its due time (``-1``: never).
    rt_h
        (J,) shortest round trip to each site (scenario area) and back.
    out_h
        (J,) shortest drive to each site.
    min_buckets
        (J,) the fewest buckets a trip that stops at the site can be charged.
    """

    latest_start: IntArray
    rt_h: FloatArray
    out_h: FloatArray
    min_buckets: IntArray


@dataclass(frozen=True)
class VdData:
    """A scenario as the vehicle-day bound sees it (values scaled so the largest is 1).

    ``site_of[a]`` is the scenario area (site) of instance area ``a``;
    ``drive_buckets[k][w, w']`` the empty drive between warehouses in whole
    buckets, rounded down (``-1``: no road); ``zero_drive[k]`` which
    warehouses are reachable from which by drives of zero buckets (a
    transitive closure). ``bay_start[w]`` lists the first bucket of each bay
    window of ``w`` and ``bay_cap_h[w]`` the bay-hours that loadings starting
    in or after it can use. ``lp_cost``, ``lp_allowed`` and ``lp_rows`` bring
    in the LP bound's fleet, last-trip and bay rows (see
    :func:`with_lp_rows`); without them only the rows above are priced.
    """

    inst: Instance
    delta_h: float
    n_buckets: int
    horizon_h: float
    scale: float
    value: FloatArray  # (A, I) scaled
    demand: FloatArray  # (A, I)
    stock: FloatArray  # (W, I)
    site_of: IntArray  # (A,)
    n_sites: int
    unload_h: FloatArray  # (J,)
    size_kg: FloatArray  # (K, I) truckload share by weight
    size_m3: FloatArray  # (K, I) truckload share by volume
    truckload: FloatArray  # (K, I) most units of one item one vehicle carries
    ready_bucket: IntArray  # (W,)
    drive_buckets: list[IntArray]
    zero_drive: list[BoolArray]
    reach: dict[tuple[int, int], WarehouseType]
    bay_start: list[IntArray]
    bay_cap_h: list[FloatArray]
    lp_cost: FloatArray | None = None  # (W, K, A, I) scaled, 0 where lp_allowed is False
    lp_allowed: BoolArray | None = None  # (W, K, A, I) the LP bound has the variable
    lp_rows: float = 0.0  # scaled


def closure_at_warehouses_h(duration_h: FloatArray, n_wh: int) -> FloatArray:
    """``duration_h`` with every drive from or to a warehouse made its shortest through any sites.

    Rows and columns ``< n_wh`` (the warehouses) become shortest paths (a
    Dijkstra per warehouse, forward and on the reversed graph); drives
    between areas stay as given. Where the matrix breaks the triangle
    inequality (a closed zone on great-circle roads makes a direct leg
    infinite while a detour is open), no real route from or to a warehouse
    is then shorter than the matrix says.
    """
    rows, cols = np.nonzero(np.isfinite(duration_h))
    graph = csr_matrix((duration_h[rows, cols], (rows, cols)), shape=duration_h.shape)
    sources = np.arange(n_wh)
    out = np.array(duration_h, dtype=np.float64, copy=True)
    forward = shortest_path(graph, method="D", directed=True, indices=sources)
    backward = shortest_path(graph.T.tocsr(), method="D", directed=True, indices=sources)
    out[:n_wh, :] = np.minimum(out[:n_wh, :], forward)
    out[:, :n_wh] = np.minimum(out[:, :n_wh], backward.T)
    return out


def closure_h(duration_h: FloatArray) -> FloatArray:
    """Shortest drive between every pair of sites through any sequence of sites.

    A real route from ``x`` to ``y`` through other stops is never shorter
    than this, whether or not the matrix obeys the triangle inequality. The
    graph is given as a sparse matrix with explicit entries, so zero-hour
    legs stay edges (a dense matrix would read 0 as "no edge").
    """
    rows, cols = np.nonzero(np.isfinite(duration_h))
    graph = csr_matrix((duration_h[rows, cols], (rows, cols)), shape=duration_h.shape)
    return np.asarray(shortest_path(graph, method="D", directed=True), dtype=np.float64)


def build_data(inst: Instance, *, bucket_h: float) -> VdData:
    """Precompute everything that does not depend on the duals."""
    n_w, n_sites = inst.n_warehouses, len(inst.scenario.areas)
    site_of = inst.area_of.astype(np.int64)
    unload_h = np.array([area.unloading_hours for area in inst.scenario.areas], dtype=np.float64)
    closures = []
    for vt in inst.types:
        full = closure_h(np.asarray(inst.travel.duration_h[vt.id], dtype=np.float64))
        closures.append(full)
    horizon_h = float(inst.due_h.max()) if inst.n_areas else inst.scenario.deadline_hours
    delta_h = _bucket(inst, closures, unload_h, bucket_h)
    n_buckets = math.floor(horizon_h / delta_h + EPS_H) + 1
    reach = {
        (w, k): _reach(inst, closures[k], w, site_of, unload_h, delta_h, n_buckets)
        for w in range(n_w)
        for k in range(len(inst.types))
    }
    drive_buckets, zero_drive = [], []
    for full in closures:
        drive_h = full[:n_w, :n_w]
        buckets = np.where(
            drive_h < FAR_H, np.floor(np.minimum(drive_h, FAR_H) / delta_h + EPS_H), -1
        ).astype(np.int64)
        drive_buckets.append(buckets)
        zero_drive.append(_transitive(buckets == 0))
    value = inst.value.astype(np.float64)
    scale = 1.0 / float(value.max()) if value.max() > 0 else 1.0
    size_kg = inst.weight_kg[None, :] / inst.capacity_kg[:, None]
    size_m3 = inst.volume_m3[None, :] / inst.capacity_m3[:, None]
    bay_start, bay_cap_h = _bays(inst, closures, delta_h)
    return VdData(
        inst=inst,
        delta_h=delta_h,
        n_buckets=n_buckets,
        horizon_h=horizon_h,
        scale=scale,
        value=value * scale,
        demand=inst.demand.astype(np.float64),
        stock=inst.stock.astype(np.float64),
        site_of=site_of,
        n_sites=n_sites,
        unload_h=unload_h,
        size_kg=size_kg,
        size_m3=size_m3,
        truckload=np.floor(1.0 / np.maximum(size_kg, size_m3) + EPS_H),
        ready_bucket=np.floor(inst.ready_h / delta_h + EPS_H).astype(np.int64),
        drive_buckets=drive_buckets,
        zero_drive=zero_drive,
        reach=reach,
        bay_start=bay_start,
        bay_cap_h=bay_cap_h,
    )


def _bucket(
    inst: Instance, closures: list[FloatArray], unload_h: FloatArray, bucket_h: float
) -> float:
    """The bucket width: ``bucket_h``, or less so that every trip lasts at least one bucket.

    A trip charged zero buckets could be repeated for ever in the pricing;
    no real trip is shorter than loading + round trip + unloading.
    """
    n_w = inst.n_warehouses
    shortest = np.inf
    for full in closures:
        rt = full[:n_w, n_w:] + full[n_w:, :n_w].T
        shortest = min(shortest, float((inst.load_h[:, None] + rt + unload_h[None, :]).min()))
    if not np.isfinite(shortest):
        return bucket_h
    if shortest < 1e-3:
        raise ValueError(
            f"vehicle_day_bound: a trip can take {shortest:.2g} h (no loading, unloading or "
            "drive); the bound needs every trip to take at least 0.001 h"
        )
    return min(bucket_h, shortest)


def _reach(
    inst: Instance,
    full: FloatArray,
    w: int,
    site_of: IntArray,
    unload_h: FloatArray,
    delta_h: float,
    n_buckets: int,
) -> WarehouseType:
    """What a vehicle loading at ``w`` can reach, and from which bucket on."""
    n_w = inst.n_warehouses
    out_h = full[w, n_w:]
    back_h = full[n_w:, w]
    load_h = float(inst.load_h[w])
    slack_h = inst.due_h - load_h - out_h[site_of]
    latest = np.where(
        np.isfinite(slack_h) & (slack_h >= -EPS_H),
        np.floor(np.maximum(slack_h, 0.0) / delta_h + EPS_H),
        -1,
    ).astype(np.int64)
    latest = np.minimum(latest, n_buckets - 1)
    latest[latest < inst.ready_h[w] // delta_h] = -1
    rt_h = np.minimum(out_h + back_h, FAR_H)
    min_buckets = np.maximum(1, np.ceil((load_h + rt_h + unload_h) / delta_h - 1.0 - EPS_H))
    return WarehouseType(
        latest_start=latest,
        rt_h=rt_h,
        out_h=np.minimum(out_h, FAR_H),
        min_buckets=np.minimum(min_buckets, 10 * n_buckets).astype(np.int64),
    )


def _transitive(adjacent: BoolArray) -> BoolArray:
    """Reflexive-transitive closure of a boolean relation."""
    reach = adjacent | np.eye(len(adjacent), dtype=bool)
    while True:
        grown = (reach.astype(np.int64) @ reach.astype(np.int64)) > 0
        if (grown == reach).all():
            return reach
        reach = grown


def _bays(
    inst: Instance, closures: list[FloatArray], delta_h: float
) -> tuple[list[IntArray], list[FloatArray]]:
    """Bay windows per warehouse: first bucket of each, and the bay-hours from it to the end.

    A loading that delivers anything on time ends by ``E_w``, the latest due
    time less the shortest drive to that area; loadings starting at or after
    ``A`` all lie in ``[A, E_w]``, where ``bays`` loadings at most run at
    once: together they last at most ``bays × (E_w − A)``.
    """
    n_w = inst.n_warehouses
    starts: list[IntArray] = []
    caps: list[FloatArray] = []
    step = max(1, round(BAY_WINDOW_H / delta_h))
    for w in range(n_w):
        bays = inst.bays[w]
        if bays is None or inst.load_h[w] <= 0:
            starts.append(np.zeros(0, dtype=np.int64))
            caps.append(np.zeros(0))
            continue
        end_h = max(
            (float(np.max(inst.due_h - full[w, n_w:][inst.area_of])) for full in closures),
            default=-np.inf,
        )
        first = int(inst.ready_h[w] // delta_h)
        begin = np.arange(first, int(max(first, end_h / delta_h)) + 1, step, dtype=np.int64)
        from_h = np.maximum(begin * delta_h, inst.ready_h[w])
        starts.append(begin)
        caps.append(bays * np.maximum(0.0, end_h - from_h))
    return starts, caps


def with_lp_rows(data: VdData, fleet_costs: FloatArray | None, fleet_rows_value: float) -> VdData:
    """``data`` with the LP bound's fleet, last-trip and bay rows, priced at the LP's duals.

    ``fleet_costs`` is :attr:`.bound.CoverageBound.fleet_costs` (per
    scenario area); instance areas take their scenario area's. A delivery
    the LP has no variable for can never be on time in a real plan (the LP's
    reach is a relaxation), so it is left out of every day.
    """
    if fleet_costs is None:
        return data
    per_area = fleet_costs[:, data.site_of, :, :]  # (W, A, K, I)
    cost = np.moveaxis(per_area, 2, 1)  # (W, K, A, I)
    allowed = np.isfinite(cost)
    return replace(
        data,
        lp_cost=np.where(allowed, cost, 0.0) * data.scale,
        lp_allowed=allowed,
        lp_rows=fleet_rows_value * data.scale,
    )
