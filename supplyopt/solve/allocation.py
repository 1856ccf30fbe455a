"""Allocation LP: how many units of each item each warehouse sends to each area.

A linear programme over x[w, a, i] (units) and t[w, a, k] (truckloads of
vehicle type k, fractional), solved lexicographically with GLOP: value,
then fairness, then vehicle hours (see :mod:`._lexicographic`).

Only (w, a) pairs where some vehicle based at w can arrive by the area's due
time are variables (see :mod:`._candidates`). Fleet and loading bays enter as
throughput budgets (vehicle hours and bay hours up to the horizon, the latest
due time); trips
are fractional and always direct (see :mod:`._allocation_model`). The
dispatch stage turns the result into real, timed trips; what it cannot fit
goes back into a later round of this LP.

:func:`allocate` runs the four steps: candidates, model, lexicographic
solve, rounding to whole units.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from ._allocation_model import AllocationModel, build_model
from ._candidates import find_candidates
from ._lexicographic import LexSolution, solve_lexicographic
from .instance import FloatArray, Instance, IntArray


@dataclass(frozen=True)
class FleetState:
    """When vehicles and bays can next start loading, per warehouse.

    Attributes
    ----------
    vehicle_free_h
        ``vehicle_free_h[w][k]`` lists, for each vehicle of type k based at
        w that may still make a trip, the earliest time it can start loading.
    bay_free_h
        ``bay_free_h[w]`` lists when each loading bay is next free (empty
        list for unlimited bays).
    """

    vehicle_free_h: list[list[list[float]]]
    bay_free_h: list[list[float]]


@dataclass(frozen=True)
class Allocation:
    """Whole units to ship, ``units[w, a, i]``, and the LP's own figures.

    ``moves[u, w, k]`` (only when the LP may move vehicles) is how many
    vehicles of type k based at u it would send empty to load at w
    (fractional, as the LP left it). ``cut`` is True when the time limit
    stopped an LP stage before its optimum (the first one: nothing is
    shipped).
    """

    units: NDArray[np.int64]
    lp_value: float
    lp_min_coverage: float
    moves: NDArray[np.float64] | None = None
    cut: bool = False


def allocate(
    inst: Instance,
    stock: IntArray,
    need: IntArray,
    delivered: IntArray,
    fleet: FleetState,
    *,
    time_limit_s: float,
    fleet_scale: float | FloatArray = 1.0,
    bay_scale: float | FloatArray = 1.0,
    moves: bool = False,
) -> Allocation:
    """Solve the allocation LP on what is left and round it to whole units.

    Parameters
    ----------
    inst
        The instance.
    stock
        (W, I) units still in each warehouse.
    need
        (A, I) units each area still needs on time.
    delivered
        (A, I) units already delivered on time (for the fairness stage).
    fleet
        When vehicles and bays are next free.
    time_limit_s
        Budget for all LP solves together.
    fleet_scale
        Multiplies every vehicle-hour budget: one number, or (W, K) one per
        warehouse and vehicle type (as :mod:`supplyopt.solve.feedback`
        measures them). Below 1 it makes the LP plan for a fleet smaller than
        the relaxation believes, which pays off when the fleet binds
        (fractional trips make the LP optimistic).
    bay_scale
        Multiplies every loading-bay budget (one number, or (W,) one per
        warehouse), for the same reason: where bays bind, planning for fewer
        loadings makes the LP value each loading as the dispatch will (and
        move big trucks, not vans, to busy bays).
    moves
        Let the LP send vehicles empty from one warehouse to load at another
        (variables ``y[u, w, k]``: a moved vehicle takes its working hours
        from its base's budget to ``w``'s, less the drive); the result is in
        ``Allocation.moves``. Meant for the first round, when every vehicle
        is still at its base.

    Returns
    -------
    Allocation
        Units per (w, a, i), never more than ``stock`` or ``need``.
    """
    shape = (inst.n_warehouses, inst.n_areas, inst.n_items)
    empty = Allocation(np.zeros(shape, dtype=np.int64), 0.0, 0.0)
    if need.sum() == 0 or stock.sum() == 0:
        return empty
    candidates = find_candidates(inst, stock, need, fleet, moves=moves)
    model = build_model(
        inst,
        stock,
        need,
        fleet,
        candidates,
        fleet_scale=np.broadcast_to(
            np.asarray(fleet_scale, dtype=np.float64), (inst.n_warehouses, len(inst.types))
        ),
        bay_scale=np.broadcast_to(np.asarray(bay_scale, dtype=np.float64), (inst.n_warehouses,)),
    )
    if model is None:
        return empty
    solution = solve_lexicographic(
        model, inst, candidates.warehouses, delivered, time_limit_s=time_limit_s
    )
    if solution is None:  # the value stage found no point in its time
        return replace(empty, cut=True)
    units = round_units(model, solution, stock, need)
    move_array = _move_array(inst, model, solution) if moves else None
    return Allocation(units, solution.value, solution.min_coverage, move_array, solution.cut)


def round_units(
    model: AllocationModel, solution: LexSolution, stock: IntArray, need: IntArray
) -> NDArray[np.int64]:
    """Whole units per (w, a, i): the LP's values rounded down, then the largest remainders up.

    Never more than ``stock`` or ``need``.
    """
    units = np.zeros((stock.shape[0], need.shape[0], stock.shape[1]), dtype=np.int64)
    values = dict(zip(model.units.keys, solution.units.tolist(), strict=True))
    for (w, a, i), val in values.items():
        units[w, a, i] = int(np.floor(val + 1e-6))
    _round_up_remainders(units, values, stock, need)
    return units


def _move_array(
    inst: Instance, model: AllocationModel, solution: LexSolution
) -> NDArray[np.float64]:
    """``moves[u, w, k]``: vehicles of type k the LP sends empty from u to w."""
    n_w = inst.n_warehouses
    out = np.zeros((n_w, n_w, len(inst.types)))
    for (u, w, k), val in zip(model.moves.keys, solution.moves.tolist(), strict=True):
        out[u, w, k] = val
    return out


def _round_up_remainders(
    units: NDArray[np.int64],
    values: dict[tuple[int, int, int], float],
    stock: IntArray,
    need: IntArray,
) -> None:
    """Give the largest fractional parts one more unit where stock and need allow."""
    fractions = sorted(
        ((val - units[key], key) for key, val in values.items() if val - units[key] > 1e-6),
        reverse=True,
    )
    used = units.sum(axis=1)  # (W, I)
    got = units.sum(axis=0)  # (A, I)
    for frac, (w, a, i) in fractions:
        if frac < 0.5:
            break
        if used[w, i] < stock[w, i] and got[a, i] < need[a, i]:
            units[w, a, i] += 1
            used[w, i] += 1
            got[a, i] += 1
