"""Allocation LP: how many units of each item each warehouse sends to each area.

A linear programme over x[w, a, i] (units) and t[w, a, k] (truckloads of
vehicle type k, fractional), solved lexicographically with GLOP:

1. maximise the on-time value (priority-weighted coverage, contract §2);
2. keeping that, maximise the smallest area coverage (fairness);
3. keeping both, minimise the vehicle hours spent, which favours near
   warehouses and leaves slack for the dispatch stage.

Only (w, a) pairs where some vehicle based at w can arrive by the deadline
are variables. Fleet and loading bays enter as throughput budgets (vehicle
hours and bay hours up to the deadline); trips are fractional and always
direct. The dispatch stage turns the result into real, timed trips; what it
cannot fit goes back into a later round of this LP.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from ortools.linear_solver import pywraplp

from .instance import Instance, IntArray

#: At least this many of the fastest warehouses holding an item are considered for each
#: area and item; more while the LP stays under ``LP_PAIR_BUDGET`` (area, item, warehouse)
#: triples. At province scale (1,000 areas, 4 items) that is 4, which halves the LP of 8
#: with no measured loss; on small scenarios every warehouse is a candidate (see
#: docs/planner.md).
CANDIDATES_PER_AREA = 4
LP_PAIR_BUDGET = 16_000
_REL_TOL = 1e-6
#: Share of the allocation time limit given to each stage (value, fairness, vehicle hours).
STAGE_SHARES = (0.5, 0.25, 0.25)


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
    (fractional, as the LP left it).
    """

    units: NDArray[np.int64]
    lp_value: float
    lp_min_coverage: float
    moves: NDArray[np.float64] | None = None


def _start_h(inst: Instance, fleet: FleetState, w: int, k: int) -> float:
    free = fleet.vehicle_free_h[w][k]
    if not free:
        return np.inf
    start = max(min(free), float(inst.ready_h[w]))
    bays = fleet.bay_free_h[w]
    if bays:
        start = max(start, min(bays))
    return start


def allocate(
    inst: Instance,
    stock: IntArray,
    need: IntArray,
    delivered: IntArray,
    fleet: FleetState,
    *,
    time_limit_s: float,
    fleet_scale: float = 1.0,
    bay_scale: float = 1.0,
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
        Multiplies every vehicle-hour budget. Below 1 it makes the LP plan for
        a fleet smaller than the relaxation believes, which pays off when the
        fleet binds (fractional trips make the LP optimistic).
    bay_scale
        Multiplies every loading-bay budget, for the same reason: where bays
        bind, planning for fewer loadings makes the LP value each loading as
        the dispatch will (and move big trucks, not vans, to busy bays).
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
    n_w, n_a, n_i = inst.n_warehouses, inst.n_areas, inst.n_items
    deadline = inst.deadline_h
    units = np.zeros((n_w, n_a, n_i), dtype=np.int64)
    empty = Allocation(units, 0.0, 0.0)
    if need.sum() == 0 or stock.sum() == 0:
        return empty

    # Earliest arrival per (w, a, k) with the vehicles still available.
    arrival = np.full((n_w, n_a, len(inst.types)), np.inf)
    for w in range(n_w):
        for k in range(len(inst.types)):
            start = _start_h(inst, fleet, w, k)
            if np.isfinite(start):
                arrival[w, :, k] = start + inst.load_h[w] + inst.out_h(k)[w]
    move_from = _move_sources(inst, fleet) if moves else {}
    for (w, k), sources in move_from.items():
        start = min(s for _, s in sources)
        arrival[w, :, k] = np.minimum(arrival[w, :, k], start + inst.load_h[w] + inst.out_h(k)[w])
    best_arrival = arrival.min(axis=2)
    reachable = best_arrival <= deadline
    per_item = max(CANDIDATES_PER_AREA, LP_PAIR_BUDGET // max(1, n_a * n_i))
    candidates: list[list[int]] = []
    for a in range(n_a):
        # For each item the area needs, the fastest warehouses that hold it.
        order = np.argsort(best_arrival[:, a], kind="stable")
        chosen: set[int] = set()
        for i in np.flatnonzero(need[a] > 0).tolist():
            holders = [int(w) for w in order if reachable[w, a] and stock[w, i] > 0]
            chosen.update(holders[:per_item])
        candidates.append(sorted(chosen, key=lambda w: (best_arrival[w, a], w)))

    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return empty
    inf = solver.infinity()
    x: dict[tuple[int, int, int], pywraplp.Variable] = {}
    trips: dict[tuple[int, int, int], pywraplp.Variable] = {}
    by_stock: dict[tuple[int, int], list[pywraplp.Variable]] = {}
    by_need: dict[tuple[int, int], list[pywraplp.Variable]] = {}
    fleet_use: dict[tuple[int, int], list[tuple[pywraplp.Variable, float]]] = {}
    max_back: dict[tuple[int, int], float] = {}
    bay_use: dict[int, list[pywraplp.Variable]] = {}
    objective = solver.Objective()
    for a, ws in enumerate(candidates):
        for w in ws:
            pair_x = []
            for i in range(n_i):
                if need[a, i] > 0 and stock[w, i] > 0 and inst.value[a, i] > 0:
                    var = solver.NumVar(0.0, float(min(need[a, i], stock[w, i])), "")
                    x[w, a, i] = var
                    pair_x.append((var, i))
                    by_stock.setdefault((w, i), []).append(var)
                    by_need.setdefault((a, i), []).append(var)
                    objective.SetCoefficient(var, float(inst.value[a, i]))
            if not pair_x:
                continue
            kg = solver.Constraint(-inf, 0.0)
            m3 = solver.Constraint(-inf, 0.0)
            for var, i in pair_x:
                kg.SetCoefficient(var, float(inst.weight_kg[i]))
                m3.SetCoefficient(var, float(inst.volume_m3[i]))
            for k in range(len(inst.types)):
                if arrival[w, a, k] > deadline:
                    continue
                t = solver.NumVar(0.0, inf, "")
                trips[w, a, k] = t
                kg.SetCoefficient(t, -float(inst.capacity_kg[k]))
                m3.SetCoefficient(t, -float(inst.capacity_m3[k]))
                back = float(inst.back_h(k)[w, a]) + float(inst.unload_h[a])
                cycle = float(inst.load_h[w] + inst.out_h(k)[w, a]) + back
                fleet_use.setdefault((w, k), []).append((t, cycle))
                max_back[w, k] = max(max_back.get((w, k), 0.0), back)
                bay_use.setdefault(w, []).append(t)
    if not x:
        return empty
    for (w, i), vars_ in by_stock.items():
        row = solver.Constraint(-inf, float(stock[w, i]))
        for var in vars_:
            row.SetCoefficient(var, 1.0)
    for (a, i), vars_ in by_need.items():
        row = solver.Constraint(-inf, float(need[a, i]))
        for var in vars_:
            row.SetCoefficient(var, 1.0)
    budget_rows: dict[tuple[int, int], pywraplp.Constraint] = {}
    for (w, k), uses in fleet_use.items():
        budget = fleet_scale * _hours_left(fleet.vehicle_free_h[w][k], inst, w)
        row = solver.Constraint(-inf, budget)
        for t, cycle in uses:
            row.SetCoefficient(t, cycle)
        budget_rows[w, k] = row
    move_vars = _add_moves(solver, inst, fleet, move_from, budget_rows, fleet_scale)
    for w, uses in bay_use.items():
        bays = fleet.bay_free_h[w]
        if bays and inst.load_h[w] > 0:
            budget = _hours_left(bays, inst, w)
            row = solver.Constraint(-inf, bay_scale * budget / float(inst.load_h[w]))
            for t in uses:
                row.SetCoefficient(t, 1.0)

    def limit(share: float) -> None:
        solver.SetTimeLimit(max(1, int(time_limit_s * 1000 * share)))

    limit(STAGE_SHARES[0])
    objective.SetMaximization()
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return empty
    best_value = objective.Value()

    def solution() -> tuple[dict[tuple[int, int, int], float], dict[tuple[int, int, int], float]]:
        """Units and vehicle moves of the last solve."""
        return (
            {key: var.solution_value() for key, var in x.items()},
            {key: y.solution_value() for key, y in move_vars.items()},
        )

    values, moved = solution()
    min_cov = 0.0

    # Stage 2: fairness, keeping the value.
    keep = solver.Constraint(best_value * (1 - _REL_TOL) - 1e-12, inf)
    for key, var in x.items():
        keep.SetCoefficient(var, float(inst.value[key[1], key[2]]))
    z = solver.NumVar(0.0, 1.0, "z")
    demand = inst.demand
    for a in range(n_a):
        if not candidates[a]:
            continue
        items = [i for i in range(n_i) if demand[a, i] > 0]
        if not items:
            continue
        base = sum(min(delivered[a, i], demand[a, i]) / demand[a, i] for i in items) / len(items)
        row = solver.Constraint(-inf, base)  # z - sum x/d/n <= base
        row.SetCoefficient(z, 1.0)
        for i in items:
            for w in candidates[a]:
                var = x.get((w, a, i))
                if var is not None:
                    row.SetCoefficient(var, -1.0 / demand[a, i] / len(items))
    objective.Clear()
    objective.SetCoefficient(z, 1.0)
    objective.SetMaximization()
    limit(STAGE_SHARES[1])
    if solver.Solve() == pywraplp.Solver.OPTIMAL:
        values, moved = solution()
        min_cov = z.solution_value()
        z.SetLb(min_cov * (1 - _REL_TOL) - 1e-12)  # keep the fairness reached
    else:
        z.SetBounds(0.0, 0.0)  # out of time: drop the fairness stage, keep the value
    # Stage 3: fewest vehicle hours, keeping value (and fairness when it was solved).
    objective.Clear()
    for uses in fleet_use.values():
        for t, cycle in uses:
            objective.SetCoefficient(t, cycle)
    for (u, w, k), y in move_vars.items():
        objective.SetCoefficient(y, float(inst.hours(k)[u, w]))
    objective.SetMinimization()
    limit(STAGE_SHARES[2])
    if solver.Solve() == pywraplp.Solver.OPTIMAL:
        values, moved = solution()

    for (w, a, i), val in values.items():
        units[w, a, i] = int(np.floor(val + 1e-6))
    _round_up_remainders(units, values, stock, need)
    move_array = None
    if moves:
        move_array = np.zeros((n_w, n_w, len(inst.types)))
        for (u, w, k), val in moved.items():
            move_array[u, w, k] = val
    return Allocation(units, best_value, min_cov, move_array)


def _hours_left(free_h: list[float], inst: Instance, w: int) -> float:
    """Hours from when each vehicle or bay is free (and ``w`` is ready) to the deadline, summed."""
    ready = float(inst.ready_h[w])
    return sum(max(0.0, inst.deadline_h - max(f, ready)) for f in free_h)


def _move_sources(
    inst: Instance, fleet: FleetState
) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """For each (w, k), the warehouses u that could send a type-k vehicle, and when it could load.

    A vehicle leaves its base u when it is free (and u is ready) and drives
    empty to w; it can start loading there on arrival, once w is ready and a
    bay is free. Only moves that leave time for a trip are listed.
    """
    out: dict[tuple[int, int], list[tuple[int, float]]] = {}
    n_w = inst.n_warehouses
    for k in range(len(inst.types)):
        hours = inst.hours(k)
        for u in range(n_w):
            free = fleet.vehicle_free_h[u][k]
            if not free:
                continue
            leave = max(min(free), float(inst.ready_h[u]))
            for w in range(n_w):
                if w == u or not np.isfinite(hours[u, w]) or not np.isfinite(hours[w, u]):
                    continue
                start = max(leave + float(hours[u, w]), float(inst.ready_h[w]))
                bays = fleet.bay_free_h[w]
                if bays:
                    start = max(start, min(bays))
                if start + float(inst.load_h[w]) < inst.deadline_h:
                    out.setdefault((w, k), []).append((u, start))
    return out


def _add_moves(
    solver: pywraplp.Solver,
    inst: Instance,
    fleet: FleetState,
    move_from: dict[tuple[int, int], list[tuple[int, float]]],
    budget_rows: dict[tuple[int, int], pywraplp.Constraint],
    fleet_scale: float,
) -> dict[tuple[int, int, int], pywraplp.Variable]:
    """Add ``y[u, w, k]``: vehicles moved, with their hours taken from u's budget to w's."""
    deadline = inst.deadline_h
    inf = solver.infinity()
    out: dict[tuple[int, int, int], pywraplp.Variable] = {}
    sent: dict[tuple[int, int], pywraplp.Constraint] = {}
    for (w, k), sources in move_from.items():
        row_w = budget_rows.get((w, k))
        if row_w is None:  # w has no trips of type k worth planning
            continue
        for u, start in sources:
            free = fleet.vehicle_free_h[u][k]
            mean_h = _hours_left(free, inst, u) / len(free)
            y = solver.NumVar(0.0, float(len(free)), "")
            out[u, w, k] = y
            # Gained at w: the hours from its arrival to the deadline ...
            row_w.SetCoefficient(y, -fleet_scale * max(0.0, deadline - start))
            # ... lost at u: a vehicle's mean working hours there.
            row_u = budget_rows.get((u, k))
            if row_u is not None:
                row_u.SetCoefficient(y, fleet_scale * mean_h)
            if (u, k) not in sent:
                sent[u, k] = solver.Constraint(-inf, float(len(free)))
            sent[u, k].SetCoefficient(y, 1.0)
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
