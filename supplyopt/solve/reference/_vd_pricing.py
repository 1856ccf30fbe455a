"""Pricing for the vehicle-day bound: an upper bound on any vehicle-day's reduced value.

For multipliers of the demand, stock and bay rows, every trip a
vehicle of type ``k`` could make from warehouse ``w``, starting to load in
bucket ``t`` and charged ``n`` buckets, gets an upper bound ``T[w, t, n]``
on its reduced value (a Lagrangian bound of its loading problem, see
:func:`trip_values`); a trip that need not come back (the vehicle's last)
gets ``T_last[w, t]``. A longest-path recursion over (warehouse, bucket)
then bounds the best vehicle-day from every start (:func:`day_values`), and
:func:`best_day` reads one best day back (its trips and the multipliers
that bounded each), from which :mod:`._vd_subgradient` takes a subgradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ._vd_data import FloatArray, IntArray, VdData
from ._vd_trip_bounds import prefix_bounds, suffix_bounds

#: Reduced value of a unit no real day delivers on time.
_NEVER = -1e6
#: Capacity prices tried, as quantiles of the reduced value per truckload share (coarse grid:
#: instances with demand lots, whose trip bounds are computed per start bucket).
_S_QUANTILES: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.75, 0.85, 0.95)
#: Hour prices tried, as fractions of the capacity price per hour (coarse grid).
_NU_FRACTIONS: tuple[float, ...] = (0.0, 0.15, 0.4)
#: The fine grid, for instances without lots (prefix sums make it affordable).
_FINE_S_QUANTILES = tuple(float(q) for q in np.linspace(0.0, 0.99, 25))
_FINE_NU_FRACTIONS = (0.0, 0.02, 0.05, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3, 0.4, 0.5)


@dataclass(frozen=True)
class Duals:
    """Non-negative multipliers of the master's rows (scaled values)."""

    demand: FloatArray  # (A, I)
    stock: FloatArray  # (W, I)
    bay: list[FloatArray]  # per warehouse, per window
    kappa: float = 0.0  # share of the LP bound's fleet-row duals priced (VdData.lp_cost)


@dataclass(frozen=True)
class TripTable:
    """Upper bounds on the reduced value of one trip, for one (warehouse, type).

    ``best[t, n]`` for a trip loading from bucket ``t`` charged ``n``
    buckets (``-inf``: none possible); ``last[t]`` for a last trip; the
    ``*_grid`` arrays name the multipliers that gave each bound.
    """

    best: FloatArray  # (T, N + 1)
    best_grid: NDArray[np.int16]
    last: FloatArray  # (T,)
    last_grid: NDArray[np.int16]
    grid: list[tuple[float, float, float]]  # (theta, s, nu)


def reduced_value(data: VdData, duals: Duals, w: int, k: int) -> FloatArray:
    """(A, I) value of one unit loaded at ``w`` on type ``k``, less what its rows cost.

    Units the LP bound has no variable for get a large negative value (never
    loaded).
    """
    rv = data.value - duals.demand - duals.stock[w][None, :]
    if data.lp_cost is not None and data.lp_allowed is not None:
        rv = np.where(data.lp_allowed[w, k], rv - duals.kappa * data.lp_cost[w, k], _NEVER)
    return np.asarray(rv, dtype=np.float64)


def trip_caps(data: VdData, w: int, k: int) -> FloatArray:
    """(A, I) most units of each (area, item) one trip of type ``k`` from ``w`` can carry."""
    caps = np.minimum(np.minimum(data.demand, data.truckload[k][None, :]), data.stock[w][None, :])
    return np.asarray(caps, dtype=np.float64)


def _thetas(data: VdData, k: int) -> tuple[float, ...]:
    """Shares of a truckload to price: by weight (1), by volume (0).

    Every ``theta`` gives a valid relaxation (a convex mix of the two
    capacity rows); when one measure is the larger share for every item, its
    row implies the other's and alone loses nothing.
    """
    if (data.size_m3[k] >= data.size_kg[k]).all():
        return (0.0,)
    if (data.size_kg[k] >= data.size_m3[k]).all():
        return (1.0,)
    return (1.0, 0.0)


def _grid(
    rv: FloatArray, caps: FloatArray, data: VdData, k: int
) -> list[tuple[float, float, float]]:
    """Multipliers to try: (share measure, capacity price s, hour price nu).

    The coarse grid where trip bounds are computed per start bucket (demand
    lots), the fine one where prefix sums make it affordable.
    """
    grid: list[tuple[float, float, float]] = [(1.0, 0.0, 0.0)]  # no prices: every unit in reach
    useful = (rv > 0) & (caps > 0)
    quantiles, fractions = _S_QUANTILES, _NU_FRACTIONS
    if _identity(data):
        quantiles, fractions = _FINE_S_QUANTILES, _FINE_NU_FRACTIONS
    for theta in _thetas(data, k):
        size = theta * data.size_kg[k] + (1 - theta) * data.size_m3[k]
        ratio = (rv / size[None, :])[useful]
        if not len(ratio):
            continue
        for s in np.unique(np.quantile(ratio, quantiles)).tolist():
            grid.extend((theta, s, s * f) for f in fractions)
    return grid


def trip_values(data: VdData, duals: Duals, w: int, k: int) -> TripTable:
    """Upper bounds on one trip's reduced value, for every start bucket and length.

    A trip with stops ``S`` and loads ``q`` satisfies, with ``f_j`` stop
    ``j``'s share of the truckload (any fixed mix of weight and volume
    shares, so ``Σ f_j <= 1``): ``Σ f_j rt_j + Σ_{j in S} u_j <= D - L``
    (the route is at least the longest round trip to a stop, and each stop
    unloads once), and each stop alone fits: ``L + rt_j + u_j <= D``. For
    any prices ``s, nu >= 0`` of those two constraints, its reduced value is
    at most ``s + nu (D - L) + Σ_j max(0, Σ_i q̄ (rv - (s + nu rt_j) size_i)^+ - nu u_j)``.
    The smallest over a grid of prices is kept.
    """
    inst, reach = data.inst, data.reach[w, k]
    n_t = data.n_buckets
    rv = reduced_value(data, duals, w, k)
    caps = trip_caps(data, w, k)
    grid = _grid(rv, caps, data, k)
    on_time = np.arange(n_t)[:, None] <= reach.latest_start[None, :]  # (T, A)
    useful: NDArray[np.bool_] = np.asarray(((rv > 0) & (caps > 0)).any(axis=1))
    order = np.argsort(reach.min_buckets, kind="stable")
    lengths = np.arange(n_t + 1)
    n_eligible = np.searchsorted(reach.min_buckets[order], lengths, side="right")  # (N + 1,)
    has_site = _sites_in_reach(data, on_time & useful[None, :], order, n_eligible)
    load_h = float(inst.load_h[w])
    budget_h = np.asarray((lengths + 1) * data.delta_h - load_h, dtype=np.float64)  # (N + 1,)
    last_budget_h = np.asarray(
        data.horizon_h - np.arange(n_t) * data.delta_h - load_h + float(data.unload_h.max()),
        dtype=np.float64,
    )
    theta = np.array([g[0] for g in grid])[:, None]
    s = np.array([g[1] for g in grid])
    nu = np.array([g[2] for g in grid])
    size = theta * data.size_kg[k][None, :] + (1 - theta) * data.size_m3[k][None, :]  # (G, I)
    live = np.arange(n_t)[(np.arange(n_t) >= int(data.ready_bucket[w]))]
    live = live[live <= max(int(reach.latest_start.max()), -1)]
    best = np.full((n_t, n_t + 1), -np.inf)
    best_grid = np.zeros((n_t, n_t + 1), dtype=np.int16)
    last = np.full(n_t, -np.inf)
    last_grid = np.zeros(n_t, dtype=np.int16)
    if len(live) and _identity(data):
        # Areas are sites: every (t, n) at once by prefix sums over the grid.
        ones = np.ones((1, len(data.site_of)))
        gain = _site_gain(data, rv, caps, size, s, nu, reach.rt_h, ones)[:, 0, :]  # (G, J)
        ls = np.where(useful, reach.latest_start, -1)
        best[live], best_grid[live] = prefix_bounds(
            gain, ls, reach.min_buckets, s, budget_h, nu, live
        )
        gain = _site_gain(data, rv, caps, size, s, nu, reach.out_h, ones)[:, 0, :]
        last[live], last_grid[live] = suffix_bounds(gain, ls, s, last_budget_h[live], nu, live)
    elif len(live):
        mask = on_time[live].astype(np.float64)  # (L, A)
        gain = _site_gain(data, rv, caps, size, s, nu, reach.rt_h, mask)  # (G, L, J)
        cum = np.concatenate(
            [np.zeros((*gain.shape[:2], 1)), np.cumsum(gain[:, :, order], axis=2)], 2
        )
        bound = s[:, None, None] + nu[:, None, None] * budget_h[None, None, :]
        bound = bound + cum[:, :, n_eligible]  # (G, L, N + 1)
        best[live] = bound.min(axis=0)
        best_grid[live] = bound.argmin(axis=0)
        gain = _site_gain(data, rv, caps, size, s, nu, reach.out_h, mask)
        bound_last = s[:, None] + nu[:, None] * last_budget_h[None, live] + gain.sum(axis=2)
        last[live] = bound_last.min(axis=0)
        last_grid[live] = bound_last.argmin(axis=0)
    best[~has_site] = -np.inf
    best[:, 0] = -np.inf
    last[~(on_time & useful[None, :]).any(axis=1)] = -np.inf
    return TripTable(best=best, best_grid=best_grid, last=last, last_grid=last_grid, grid=grid)


def _site_gain(
    data: VdData,
    rv: FloatArray,
    caps: FloatArray,
    size: FloatArray,
    s: FloatArray,
    nu: FloatArray,
    leg_h: FloatArray,
    on_time: FloatArray,
) -> FloatArray:
    """(G, T, J) what a stop at each site adds to the bound, per grid point and start bucket."""
    price = s[:, None] + nu[:, None] * leg_h[data.site_of][None, :]  # (G, A)
    margin = rv[None, :, :] - price[:, :, None] * size[:, None, :]  # (G, A, I)
    per_area = (caps[None] * np.maximum(0.0, margin)).sum(axis=2)  # (G, A)
    per_site = _to_sites(data, on_time[None, :, :] * per_area[:, None, :])
    return np.maximum(0.0, per_site - nu[:, None, None] * data.unload_h[None, None, :])


def _identity(data: VdData) -> bool:
    """Whether every instance area is its scenario area (no demand lots)."""
    return len(data.site_of) == data.n_sites and bool(
        (data.site_of == np.arange(data.n_sites)).all()
    )


def _to_sites(data: VdData, per_area: FloatArray) -> FloatArray:
    """(..., A) figures summed over each site's instance areas: (..., J)."""
    if _identity(data):
        return per_area
    out = np.zeros((*per_area.shape[:-1], data.n_sites))
    np.add.at(np.moveaxis(out, -1, 0), data.site_of, np.moveaxis(per_area, -1, 0))
    return out


def _sites_in_reach(
    data: VdData, useful_on_time: NDArray[np.bool_], order: IntArray, n_eligible: IntArray
) -> NDArray[np.bool_]:
    """(T, N + 1) whether some site worth a stop is on time from ``t`` and fits ``n`` buckets."""
    per_site = _to_sites(data, useful_on_time.astype(np.float64)) > 0  # (T, J)
    cum = np.concatenate(
        [np.zeros((per_site.shape[0], 1)), np.cumsum(per_site[:, order], axis=1)], 1
    )
    return np.asarray(cum[:, n_eligible] > 0)


def bay_costs(data: VdData, duals: Duals, w: int) -> FloatArray:
    """(T,) bay duals a loading at ``w`` starting in each bucket pays."""
    cost = np.zeros(data.n_buckets)
    starts = data.bay_start[w]
    for begin, beta in zip(starts.tolist(), duals.bay[w].tolist(), strict=True):
        if beta > 0:
            cost[begin:] += beta * float(data.inst.load_h[w])
    return cost


@dataclass(frozen=True)
class DayTable:
    """Best reduced value of the rest of a day, per (warehouse, bucket), for one type."""

    value: FloatArray  # (W, T + N + 2): V; zero past the horizon
    direct: FloatArray  # (W, T): the best before a zero-bucket drive elsewhere


def day_values(data: VdData, k: int, trips: list[TripTable], bays: list[FloatArray]) -> DayTable:
    """Longest path backwards over buckets: wait, trip, last trip, or drive empty."""
    n_w, n_t = data.inst.n_warehouses, data.n_buckets
    value = np.zeros((n_w, 2 * n_t + 2))
    direct = np.zeros((n_w, n_t))
    drive = data.drive_buckets[k]
    zero = data.zero_drive[k]
    best = np.stack([t.best for t in trips])  # (W, T, N + 1)
    last = np.stack([t.last for t in trips])  # (W, T)
    bay = np.stack(bays)  # (W, T)
    movable = drive >= 1
    rows, cols = np.nonzero(movable)
    for t in range(n_t - 1, -1, -1):
        cand = np.maximum(value[:, t + 1], 0.0)
        trip = (best[:, t, :] + value[:, t : t + n_t + 1]).max(axis=1) - bay[:, t]
        cand = np.maximum(cand, trip)
        cand = np.maximum(cand, last[:, t] - bay[:, t])
        if len(rows):
            moved = np.full((n_w, n_w), -np.inf)
            moved[rows, cols] = value[cols, np.minimum(t + drive[rows, cols], 2 * n_t + 1)]
            cand = np.maximum(cand, moved.max(axis=1))
        direct[:, t] = cand
        value[:, t] = np.where(zero, cand[None, :], -np.inf).max(axis=1)
    return DayTable(value=value, direct=direct)


@dataclass(frozen=True)
class Trip:
    """One trip of a day read back from the recursion (``length`` None: a last trip)."""

    warehouse: int
    start: int
    length: int | None
    grid: int


def best_day(
    data: VdData,
    day: DayTable,
    trips: list[TripTable],
    bays: list[FloatArray],
    *,
    k: int,
    base: int,
) -> list[Trip]:
    """The trips of a best day from ``base``, read back from the recursion."""
    n_t = data.n_buckets
    w, t = base, int(data.ready_bucket[base])
    out: list[Trip] = []
    tol = 1e-12
    while t < n_t and day.value[w, t] > tol:
        target = day.value[w, t]
        if day.direct[w, t] < target - tol:
            w = int(np.flatnonzero(data.zero_drive[k][w] & (day.direct[:, t] >= target - tol))[0])
        if day.value[w, t + 1] >= target - tol:
            t += 1
            continue
        table = trips[w]
        gains = table.best[t, :] + day.value[w, t : t + n_t + 1] - bays[w][t]
        n = int(np.argmax(gains))
        if gains[n] >= target - tol:
            out.append(Trip(w, t, n, int(table.best_grid[t, n])))
            t += n
            continue
        if table.last[t] - bays[w][t] >= target - tol:
            out.append(Trip(w, t, None, int(table.last_grid[t])))
            break
        drive = data.drive_buckets[k][w]
        moves = [v for v in range(len(drive)) if drive[v] >= 1]
        landed = [v for v in moves if day.value[v, min(t + drive[v], 2 * n_t + 1)] >= target - tol]
        if not landed:  # pragma: no cover - the recursion guarantees one option matches
            break
        w, t = landed[0], t + int(drive[landed[0]])
    return out
