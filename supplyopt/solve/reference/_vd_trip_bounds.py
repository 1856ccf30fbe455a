"""Trip bounds for every (start bucket, length) at once, by two-dimensional prefix sums.

For one grid point ``(theta, s, nu)`` of :func:`._vd_pricing.trip_values`, a
stop's contribution ``g_j`` to a trip's bound does not depend on when the
trip starts or how long it is; only *which* stops may count does: site
``j`` counts for a trip loading in bucket ``t`` charged ``n`` buckets when
``t <= latest_start[j]`` and ``min_buckets[j] <= n``. So the bound's site
sum is a dominance sum over (latest start, fewest buckets), which one
scatter and two cumulative sums give for every ``(t, n)``. This is what
lets the pricing try hundreds of multipliers per arc where it tried a few
dozen: every arc keeps the smallest bound over the whole grid.

Only for instances whose areas are the scenario's own (no demand lots):
with lots a stop's unloading is paid once for several due times, and the
general path of :mod:`._vd_pricing` is used.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from ._vd_data import FloatArray, IntArray

#: Grid points evaluated together (bounds the memory of one block).
_BLOCK = 48


def prefix_bounds(
    gain: FloatArray,
    latest: IntArray,
    fewest: IntArray,
    base: FloatArray,
    budget_h: FloatArray,
    nu: FloatArray,
    live: IntArray,
) -> tuple[FloatArray, NDArray[np.int16]]:
    """Smallest bound over the grid for every live start bucket and length.

    Parameters
    ----------
    gain
        (G, J) each site's contribution at each grid point (>= 0).
    latest
        (J,) last start bucket from which the site is on time (-1: never).
    fewest
        (J,) fewest buckets a trip stopping there is charged.
    base
        (G,) the grid point's constant (its capacity price ``s``).
    budget_h
        (N + 1,) the hours a trip of each length may spend after loading.
    nu
        (G,) the grid point's hour price.
    live
        (L,) start buckets to bound (increasing).

    Returns
    -------
    best, argbest
        (L, N + 1) the smallest bound and the grid point that gave it.
    """
    n_len = len(budget_h)
    n_live = len(live)
    best = np.full((n_live, n_len), np.inf)
    arg = np.zeros((n_live, n_len), dtype=np.int16)
    if n_live == 0:
        return best, arg
    first = int(live[0])
    keep = (latest >= first) & (fewest < n_len)
    rows = (np.minimum(latest[keep], int(live[-1])) - first).astype(np.int64)
    cols = fewest[keep].astype(np.int64)
    span = int(live[-1]) - first + 1
    pick = live - first
    for lo in range(0, gain.shape[0], _BLOCK):
        hi = min(lo + _BLOCK, gain.shape[0])
        flat = np.zeros((span * n_len, hi - lo))
        np.add.at(flat, rows * n_len + cols, gain[lo:hi][:, keep].T)
        hist = np.ascontiguousarray(flat.T).reshape(hi - lo, span, n_len)
        # sites on time from t: latest >= t (sum from the end); fitting n: fewest <= n.
        hist = np.flip(np.cumsum(np.flip(hist, axis=1), axis=1), axis=1)
        np.cumsum(hist, axis=2, out=hist)
        bound = hist[:, pick, :]
        bound += base[lo:hi, None, None] + nu[lo:hi, None, None] * budget_h[None, None, :]
        low = bound.min(axis=0)
        better = low < best
        best = np.where(better, low, best)
        arg = np.where(better, (bound.argmin(axis=0) + lo).astype(np.int16), arg)
    return best, arg


def suffix_bounds(
    gain: FloatArray,
    latest: IntArray,
    base: FloatArray,
    budget_h: FloatArray,
    nu: FloatArray,
    live: IntArray,
) -> tuple[FloatArray, NDArray[np.int16]]:
    """Smallest bound over the grid of a last trip from each live start bucket.

    ``budget_h`` is (L,): the hours a last trip loading in each live bucket
    may spend after loading. Sites count when on time (``t <= latest``).
    """
    n_live = len(live)
    if n_live == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int16)
    first = int(live[0])
    keep = latest >= first
    rows = (np.minimum(latest[keep], int(live[-1])) - first).astype(np.int64)
    span = int(live[-1]) - first + 1
    flat = np.zeros((span, gain.shape[0]))
    np.add.at(flat, rows, gain[:, keep].T)
    hist = flat.T
    hist = np.flip(np.cumsum(np.flip(hist, axis=1), axis=1), axis=1)
    bound = hist[:, live - first] + base[:, None] + nu[:, None] * budget_h[None, :]
    return bound.min(axis=0), bound.argmin(axis=0).astype(np.int16)
