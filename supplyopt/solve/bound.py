"""An LP upper bound on weighted on-time coverage, for judging plans.

No plan of a scenario can score a higher ``weighted_coverage_on_time``
(contract section 2) than the optimum of this linear programme, because every
constraint below holds for every valid plan (with ``x`` read off the plan's
on-time deliveries), and the objective is the KPI itself. What is relaxed:

- **integrality**: units and trips are fractional; a trip may carry a
  fraction of a load and cost only that fraction of its time;
- **stock and demand**: only totals per (warehouse, item) and (area, item)
  are kept, as they are;
- **reachability**: a warehouse serves an area with a vehicle type only if
  the earliest arrival imaginable is on time: ``loading_hours + travel``
  after the warehouse is ready and a vehicle of that type can be there
  (based there, or driven empty from its base from that base's ready time);
- **fleet throughput**: per vehicle type, pooled over the warehouses where
  it is based (a vehicle may load away from its base), the time of all
  on-time trips (loading + travel out + unloading + travel back, each trip
  charged pro rata to the share of a truckload it carries, by weight and by
  volume separately) fits in the fleet's working time ``Σ n × (deadline −
  ready_hours)`` over its bases (empty drives between warehouses are not
  charged) plus a free return for the last trip of each vehicle,
  which need not unload and come back by the deadline. The free return is
  counted on what last trips carry: at most one truckload per vehicle, each
  unit credited the longest unloading-and-return of its quarter-hour band
  (so at most ``n × longest return``, the flat allowance, and less when
  last trips do not all go to the farthest areas);
- **loading bays**: the loading time of those trips (pro rata again) fits in
  ``bays × (deadline − ready_hours − shortest travel)``, as a vehicle must
  leave the bay early enough to reach its first stop by the deadline.

Why the last-trip credit is valid: a vehicle's trips run one after another
from its base's ``ready_hours``; its last on-time trip leaves the bay at ``s`` and
each on-time stop ``k`` of it is reached by the deadline, so its loading
and outward drive fit in ``deadline − s``; only the unloading and return,
weighted by the stop's share ``f_k`` of the load (``Σ f_k ≤ 1``), are
extra, and these are what the credit variables ``z`` pay for.

A multi-stop trip is charged at most what it really takes: each stop's
share times the direct out-and-back to that stop, which the triangle
inequality keeps below the trip's actual duration. Queueing, vehicle
scheduling and route order are otherwise ignored, so the bound is loose where
the fleet or the bays bind, and close to achievable where stock and
reachability bind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from ..model import Scenario, SolverUnavailableError
from ..network import build_travel_times

#: Slack on the deadline comparison (well below the contract's 0.01 h rounding).
_EPS_H = 1e-9
#: Width of the bands of return time in which last trips are counted.
RETURN_BAND_H = 0.25


@dataclass(frozen=True)
class CoverageBound:
    """The LP upper bound on ``weighted_coverage_on_time`` and how it was found.

    Attributes
    ----------
    weighted_coverage
        The bound: no plan can have a higher weighted on-time coverage.
    per_item
        Each demanded item's weighted coverage in the LP optimum.
    with_fleet
        Whether the fleet-throughput and loading-bay constraints were included
        (without them the bound only knows stock, demand and reachability).
    n_variables, n_constraints
        Size of the linear programme.
    solve_seconds
        Wall-clock time to build and solve it.
    """

    weighted_coverage: float
    per_item: dict[str, float] = field(default_factory=dict)
    with_fleet: bool = True
    n_variables: int = 0
    n_constraints: int = 0
    solve_seconds: float = 0.0


@dataclass
class _Rows:
    """Sparse constraint rows under construction, in COO form."""

    row: list[NDArray[np.int64]] = field(default_factory=list)
    col: list[NDArray[np.int64]] = field(default_factory=list)
    val: list[NDArray[np.float64]] = field(default_factory=list)
    upper: list[NDArray[np.float64]] = field(default_factory=list)
    count: int = 0

    def add(
        self,
        group: NDArray[np.int64],
        n_groups: int,
        coef: NDArray[np.float64],
        upper: NDArray[np.float64],
        *,
        cols: NDArray[np.int64] | None = None,
    ) -> None:
        """Add ``n_groups`` rows: row ``g`` sums ``coef[k] * var[cols[k]]`` over ``group[k] == g``.

        ``cols`` defaults to ``0 … len(coef) - 1`` (the delivery variables).
        """
        keep = coef != 0
        columns = np.arange(len(coef)) if cols is None else cols
        self.row.append(self.count + group[keep])
        self.col.append(columns[keep])
        self.val.append(coef[keep])
        self.upper.append(np.asarray(upper, dtype=np.float64))
        self.count += n_groups

    def add_terms(
        self,
        first_row: int,
        group: NDArray[np.int64],
        coef: NDArray[np.float64],
        cols: NDArray[np.int64],
    ) -> None:
        """Add terms ``coef[k] * var[cols[k]]`` to rows already added (``first_row + group``)."""
        self.row.append(first_row + group)
        self.col.append(cols)
        self.val.append(coef)


def coverage_upper_bound(scenario: Scenario, *, with_fleet: bool = True) -> CoverageBound:
    """Solve the LP relaxation of the relief problem for weighted on-time coverage.

    Parameters
    ----------
    scenario
        A validated scenario.
    with_fleet
        Include the fleet-throughput and loading-bay constraints (default).
        Without them the LP is a pure transportation bound (stock, demand,
        reachability).

    Returns
    -------
    CoverageBound
        The bound and the LP's size and solve time.

    Raises
    ------
    SolverUnavailableError
        When OR-Tools' GLOP cannot be started or does not reach an optimum.
    """
    started = time.perf_counter()
    travel = build_travel_times(scenario)
    item_ids = scenario.item_ids
    n_wh, n_areas, n_items = len(scenario.warehouses), len(scenario.areas), len(item_ids)
    demand = np.array(
        [[area.demand.get(i, 0) for i in item_ids] for area in scenario.areas], dtype=np.float64
    )
    priority = np.array([area.priority for area in scenario.areas], dtype=np.float64)
    weighted_need = priority @ demand  # per item
    demanded = weighted_need > 0
    n_demanded = int(demanded.sum())
    if n_demanded == 0:
        return CoverageBound(weighted_coverage=0.0, with_fleet=with_fleet)

    var_w, var_a, var_v, var_i = _variables(scenario, travel.duration_h, demand, demanded)
    n_vars = len(var_w)
    if n_vars == 0:
        return CoverageBound(weighted_coverage=0.0, with_fleet=with_fleet)
    stock = np.array(
        [[wh.stock.get(i, 0) for i in item_ids] for wh in scenario.warehouses], dtype=np.float64
    )
    rows = _Rows()
    rows.add(var_a * n_items + var_i, n_areas * n_items, np.ones(n_vars), demand.ravel())
    rows.add(var_w * n_items + var_i, n_wh * n_items, np.ones(n_vars), stock.ravel())
    n_extra = 0
    if with_fleet:
        n_extra = _add_fleet_rows(rows, scenario, travel.duration_h, (var_w, var_a, var_v, var_i))

    objective = np.zeros(n_vars + n_extra)
    objective[:n_vars] = priority[var_a] / (weighted_need[var_i] * n_demanded)
    upper = np.full(n_vars + n_extra, np.inf)
    upper[:n_vars] = np.minimum(demand[var_a, var_i], stock[var_w, var_i])
    values = _solve_lp(rows, objective, upper)[:n_vars]
    on_time = np.zeros(n_items)
    np.add.at(on_time, var_i, values * priority[var_a])
    per_item = {
        item_ids[i]: float(on_time[i] / weighted_need[i]) for i in range(n_items) if demanded[i]
    }
    return CoverageBound(
        weighted_coverage=min(1.0, float(np.mean(list(per_item.values())))),
        per_item=per_item,
        with_fleet=with_fleet,
        n_variables=n_vars + n_extra,
        n_constraints=rows.count,
        solve_seconds=time.perf_counter() - started,
    )


_Index = NDArray[np.int64]


def _reachable(
    scenario: Scenario, duration_h: dict[str, NDArray[np.float64]]
) -> dict[tuple[int, int], _Index]:
    """Areas each (warehouse, vehicle type) can reach by the deadline at the earliest.

    A vehicle may load at a warehouse other than its base after driving there
    empty, so type ``v`` can load at ``w`` from the soonest a vehicle of that
    type can be there: its base's ready time plus the drive (none from ``w``
    itself), and no earlier than ``w`` is ready.
    """
    n_wh = len(scenario.warehouses)
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses])
    out: dict[tuple[int, int], _Index] = {}
    for v_idx, vt in enumerate(scenario.vehicle_types):
        based = np.array([wh.fleet.get(vt.id, 0) > 0 for wh in scenario.warehouses])
        if not based.any():
            continue
        drive_h = duration_h[vt.id][:n_wh, :n_wh].copy()
        np.fill_diagonal(drive_h, 0.0)
        there_h = (ready_h[based, None] + drive_h[based]).min(axis=0)  # (W,)
        for w_idx, wh in enumerate(scenario.warehouses):
            out_h = duration_h[vt.id][w_idx, n_wh:]
            start = max(float(there_h[w_idx]), wh.ready_hours)
            earliest = start + wh.loading_hours + out_h
            reach = np.flatnonzero(
                np.isfinite(out_h) & (earliest <= scenario.deadline_hours + _EPS_H)
            )
            if len(reach):
                out[w_idx, v_idx] = reach.astype(np.int64)
    return out


def _variables(
    scenario: Scenario,
    duration_h: dict[str, NDArray[np.float64]],
    demand: NDArray[np.float64],
    demanded: NDArray[np.bool_],
) -> tuple[_Index, _Index, _Index, _Index]:
    """One variable per reachable (warehouse, area, type) and item both stocked and needed."""
    cols: tuple[list[_Index], list[_Index], list[_Index], list[_Index]] = ([], [], [], [])
    for (w_idx, v_idx), areas in _reachable(scenario, duration_h).items():
        wh = scenario.warehouses[w_idx]
        for i_idx, item_id in enumerate(scenario.item_ids):
            if not demanded[i_idx] or wh.stock.get(item_id, 0) <= 0:
                continue
            sel = areas[demand[areas, i_idx] > 0]
            cols[0].append(np.full(len(sel), w_idx, dtype=np.int64))
            cols[1].append(sel)
            cols[2].append(np.full(len(sel), v_idx, dtype=np.int64))
            cols[3].append(np.full(len(sel), i_idx, dtype=np.int64))
    if not cols[0]:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    return (
        np.concatenate(cols[0]),
        np.concatenate(cols[1]),
        np.concatenate(cols[2]),
        np.concatenate(cols[3]),
    )


def _add_fleet_rows(
    rows: _Rows,
    scenario: Scenario,
    duration_h: dict[str, NDArray[np.float64]],
    variables: tuple[_Index, _Index, _Index, _Index],
) -> int:
    """Fleet working time per vehicle type and bay time per warehouse, by kg and by m3.

    The fleet of a type is pooled over its bases, as a vehicle may load at
    any warehouse (after an empty drive the bound does not charge).

    Adds the last-trip variables ``z`` after the delivery variables and
    returns how many it added.
    """
    var_w, var_a, var_v, var_i = variables
    n_vars = len(var_w)
    n_wh, n_types = len(scenario.warehouses), len(scenario.vehicle_types)
    deadline = scenario.deadline_hours
    types = scenario.vehicle_types
    weight_kg = np.array([item.weight_kg for item in scenario.items])
    volume_m3 = np.array([item.volume_m3 for item in scenario.items])
    cap_kg = np.array([vt.capacity_kg for vt in types])
    cap_m3 = np.array([vt.capacity_m3 for vt in types])
    unload_h = np.array([area.unloading_hours for area in scenario.areas])
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses])
    load_h = np.array([wh.loading_hours for wh in scenario.warehouses])

    out_h = np.empty(n_vars)
    back_h = np.empty(n_vars)
    for v_idx, vt in enumerate(types):
        sel = var_v == v_idx
        out_h[sel] = duration_h[vt.id][var_w[sel], n_wh + var_a[sel]]
        back_h[sel] = duration_h[vt.id][n_wh + var_a[sel], var_w[sel]]
    # A vehicle that can never come back is busy until the deadline at least.
    back_h = np.where(np.isfinite(back_h), back_h, deadline)
    trip_h = load_h[var_w] + out_h + unload_h[var_a] + back_h
    shares = (
        weight_kg[var_i] / cap_kg[var_v],  # truckloads per unit, by weight
        volume_m3[var_i] / cap_m3[var_v],  # and by volume
    )

    # Last-trip variables z[b]: the share of a truckload delivered on vehicles'
    # last on-time trips, per (warehouse, type) and band b of the time those
    # trips would need to unload and come back (which they need not do by the
    # deadline). Each band is charged its longest return, so banding only
    # loosens the bound, never invalidates it.
    group = var_v
    n_groups = n_types
    return_h = unload_h[var_a] + back_h
    band_of_var = np.floor(return_h / RETURN_BAND_H).astype(np.int64)
    n_bands_max = int(band_of_var.max()) + 1
    band, var_b = np.unique(group * n_bands_max + band_of_var, return_inverse=True)
    var_b = var_b.ravel().astype(np.int64)
    n_b = len(band)
    b_group = (band // n_bands_max).astype(np.int64)
    b_return_h = np.zeros(n_b)
    np.maximum.at(b_return_h, var_b, return_h)
    based = np.array(
        [[wh.fleet.get(vt.id, 0) for vt in types] for wh in scenario.warehouses], dtype=np.float64
    )
    fleet = based.sum(axis=0)  # (K,)
    # A base ready only after the deadline adds no working time (never negative time).
    work_h = (np.maximum(0.0, deadline - ready_h)[:, None] * based).sum(axis=0)
    b_range = np.arange(n_b, dtype=np.int64)
    for k, share in enumerate(shares):
        z_cols = n_vars + k * n_b + b_range
        # z[b] <= loads carried in band b: z[b] - sum share * x <= 0.
        first = rows.count
        rows.add(var_b, n_b, -share, np.zeros(n_b))
        rows.add_terms(first, b_range, np.ones(n_b), z_cols)
        # At most one last trip per vehicle.
        rows.add(b_group, n_groups, np.ones(n_b), fleet, cols=z_cols)
        # Working time from ready to deadline: every trip in full, minus the
        # return legs last trips need not make in time.
        first = rows.count
        rows.add(group, n_groups, share * trip_h, work_h)
        rows.add_terms(first, b_group, -b_return_h, z_cols)

    bays = np.array(
        [np.inf if wh.loading_bays is None else wh.loading_bays for wh in scenario.warehouses]
    )
    shortest_h = np.full(n_wh, np.inf)
    np.minimum.at(shortest_h, var_w, out_h)
    bay_h = np.where(
        np.isfinite(bays), bays * np.maximum(0.0, deadline - ready_h - shortest_h), np.inf
    )
    for share in shares:
        rows.add(var_w, n_wh, share * load_h[var_w], bay_h)
    return 2 * n_b


def _solve_lp(
    rows: _Rows, objective: NDArray[np.float64], upper: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Maximise ``objective · x`` s.t. ``A x <= b``, ``0 <= x <= upper`` with GLOP."""
    from ortools.linear_solver.python import model_builder_helper as mbh

    n_vars = len(objective)
    matrix = csr_matrix(
        (np.concatenate(rows.val), (np.concatenate(rows.row), np.concatenate(rows.col))),
        shape=(rows.count, n_vars),
    )
    row_upper = np.concatenate(rows.upper)
    # OR-Tools' stubs mistype the numpy arguments of this call; it takes float64 arrays.
    model: Any = mbh.ModelBuilderHelper()
    model.fill_model_from_sparse_data(
        np.zeros(n_vars),
        upper.astype(np.float64),
        -objective,  # GLOP minimises here: maximise by negating
        np.full(rows.count, -np.inf),
        row_upper,
        matrix,
    )
    solver = mbh.ModelSolverHelper("glop")
    if not solver.solver_is_supported():
        raise SolverUnavailableError("OR-Tools GLOP is not available")
    solver.solve(model)
    if not solver.has_solution():
        raise SolverUnavailableError(f"GLOP found no optimum: {solver.status_string()}")
    return np.clip(np.asarray(solver.variable_values(), dtype=np.float64), 0.0, None)
