"""Subgradients of the vehicle-day Lagrangian bound, from the pricing's own relaxed days.

At multipliers ``(pi, sigma, beta)`` the bound is
``pi.d + sigma.stock + beta.bay + sum n(u, k) max(0, P(u, k))``. Each trip
bound inside ``P`` is, at the grid point that gave it, a sum over stops of
``(sum_e U_e (rv_e - price_e)^+ - nu u_j)^+``, so the rate at which it
falls as ``pi[a, i]`` (or ``sigma[w, i]``) grows is the cap ``U`` of every
unit with a positive margin at a stop with a positive gain: the relaxed
trip's *Lagrangian loads*. They may exceed a truckload (capacity is priced,
not imposed); that is what makes them subgradients rather than a plan.
Any step keeps the bound valid: only multipliers change, never the pricing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._vd_data import FloatArray, VdData


@dataclass
class Usage:
    """How much of each row the pricing's best days use, summed over vehicles."""

    demand: FloatArray
    stock: FloatArray
    bay: list[FloatArray] = field(default_factory=list)
    lp: float = 0.0  # the LP fleet rows' dual cost of the loads (VdData.lp_cost)

    @classmethod
    def empty(cls, data: VdData) -> Usage:
        """Nothing used."""
        return cls(
            demand=np.zeros_like(data.demand),
            stock=np.zeros_like(data.stock),
            bay=[np.zeros(len(c)) for c in data.bay_cap_h],
        )


def add_trip_usage(
    data: VdData,
    usage: Usage,
    *,
    rv: FloatArray,
    caps: FloatArray,
    w: int,
    k: int,
    start: int,
    length: int | None,
    grid: tuple[float, float, float],
    vehicles: float,
) -> None:
    """Add ``vehicles`` × one relaxed trip's Lagrangian loads and bay hours to ``usage``."""
    reach = data.reach[w, k]
    theta, s, nu = grid
    size = theta * data.size_kg[k] + (1 - theta) * data.size_m3[k]
    areas = reach.latest_start >= start
    leg_h = reach.out_h if length is None else reach.rt_h
    if length is not None:
        areas &= reach.min_buckets[data.site_of] <= length
    margin = rv - (s + nu * leg_h[data.site_of])[:, None] * size[None, :]
    units = np.where(areas[:, None] & (margin > 0), caps, 0.0)
    per_area = (units * margin).sum(axis=1)
    per_site = np.zeros(data.n_sites)
    np.add.at(per_site, data.site_of, per_area)
    active = (per_site - nu * data.unload_h) > 0
    units = units * active[data.site_of][:, None]
    usage.demand += vehicles * units
    if data.lp_cost is not None:
        usage.lp += vehicles * float((units * data.lp_cost[w, k]).sum())
    usage.stock[w] += vehicles * units.sum(axis=0)
    for m, begin in enumerate(data.bay_start[w].tolist()):
        if begin <= start:
            usage.bay[w][m] += vehicles * float(data.inst.load_h[w])
