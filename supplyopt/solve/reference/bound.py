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
- **fleet throughput**: per vehicle type and warehouse, the time of all
  on-time trips loading there (loading + travel out + unloading + travel
  back, each trip charged pro rata to the share of a truckload it carries,
  by weight and by volume separately) fits in the working time of the
  vehicles that load there. A vehicle based at ``u`` whose farthest
  warehouse (by shortest drive from ``u``) is ``c`` works at most
  ``deadline − ready(u) − drive(u, c)``: it must drive empty at least that
  far, as trips come back where they loaded (or, with stock transfers, drive
  that far empty or on transfers, see below; :mod:`._vehicle_time` has the
  classes by first-loading warehouse as built). How many of a base's vehicles
  are in each such class, and how they share their hours among the
  warehouses within reach of the class, is free (fractional). The last trip
  of each vehicle gets a free return: it need not drive back, nor finish
  its last stop's unloading, by the deadline. The free return is counted on
  what last trips carry: at most one truckload per vehicle, each unit
  credited the longest drive back and unloading of its band (0.05 h wide,
  0.25 h at province scale), the unloading at most one area's longest per
  vehicle (so at most ``n × longest return``, and less when last trips do
  not all go to the farthest areas);
- **unloading**: every stop unloads for the area's whole unloading time,
  however little it carries, and one stop counts at most the area's demand
  of each item (and at most a truckload). Up to ``PER_STOP_MAX`` delivery
  variables, columns ``s[w, a, v]`` count the stops (fractionally), at least
  ``x / demand`` for each item and at least the truckloads, and each pays the
  whole unloading (:func:`_add_stops`); an area sent its light items and none
  of its tents pays a whole stop. Above, pro rata: a share ``f`` of a
  truckload unloaded at an area whose demand is ``D ≤ 1`` truckloads is
  charged ``f/D`` of its unloading time (``f`` when ``D ≥ 1``), never more
  than the stops' count charges;
- **loading bays**: the loading time of those trips (pro rata again) fits in
  ``bays × (deadline − ready_hours − shortest travel)``, as a vehicle must
  leave the bay early enough to reach its first stop by the deadline; and
  for every ``τ``, the truckloads of deliveries whose loading must start by
  ``τ`` to arrive in time are at most the loadings the bays can start in
  ``[ready_hours, τ]``, ``bays × (floor((τ − ready) / loading) + 1)``
  (:func:`_add_bay_prefix_rows`);
- **stock transfers** (docs/planner.md, "Stock transfers"): columns
  ``t[A, B, v, i]``, units of item ``i`` carried from ``A`` to ``B`` on type
  ``v``, only where such a transfer can end in time for a counted use at
  ``B`` (:mod:`._transfers` says which, and why every other transfer can be
  left out). The stock rows become flow rows: per warehouse and item,
  deliveries and transfers out are at most the stock plus transfers in, and
  a warehouse that stocks none of an item may deliver it to the areas it
  reaches once the item can be there. A transfer is charged, pro rata, its
  loading at ``A`` and its unloading at ``B`` (``B``'s ``loading_hours``) in
  the hour row of (``v``, ``B``) and in the bay rows of ``A`` and ``B``; its
  drive through the vehicle classes, which count the farthest warehouse a
  vehicle loads *or unloads* at and, per class, both the drive lost to get
  there (R5) and the drive hours of its transfers (R8,
  :mod:`._vehicle_time`).

Why the last-trip credit is valid: a vehicle's trips run one after another
from its base's ``ready_hours``, with its empty drives (at least
``drive(u, c)`` in all) between them; its last on-time trip leaves the bay at
``s`` and each on-time stop ``k`` of it is reached by the deadline, so its
loading and outward drive fit in ``deadline − s``; only the unloading and
return, weighted by the stop's share ``f_k`` of the load (``Σ f_k ≤ 1``),
are extra, and these are what the credit variables ``z`` pay for.

A multi-stop trip is charged at most what it really takes: each stop's
share times the direct out-and-back to that stop, which the triangle
inequality keeps below the trip's actual duration, plus the stop's whole
unloading (counted by ``s`` no more often than the plan stops), or pro rata
that share of it over the most one stop can carry there (at most the
stop's unloading time). Queueing, vehicle
scheduling and route order are otherwise ignored, so the bound is loose where
the fleet or the bays bind, and close to achievable where stock and
reachability bind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from ...model import Scenario, SolverUnavailableError
from ...network import TravelTimes, build_travel_times
from .._lp import LinearProgram, LpStatus
from ._transfers import Legs, TransferArcs, available_hours, transfer_arcs, transfer_legs
from ._vd_data import closure_at_warehouses_h
from ._vehicle_time import add_vehicle_time

#: Slack on the deadline comparison (well below the contract's 0.01 h rounding).
_EPS_H = 1e-9
#: Width of the bands of drive back and unloading in which last trips are counted. Narrower
#: bands lose less (medium-tight-fleet seed 1: 0.7481 at 0.25 h, 0.7443 at 0.05 h, the same at
#: 0.01 h) but add columns; an LP with more than BAND_FINE_MAX delivery variables (province
#: scale) uses RETURN_BAND_WIDE_H so that it solves in minutes, not tens of minutes.
RETURN_BAND_H = 0.05
RETURN_BAND_WIDE_H = 0.25
BAND_FINE_MAX = 50_000
#: Width of the bands of latest loading starts in the bays' cumulative rows, and the slack
#: a bay's count of loadings allows for the plan checker's rounding of times.
BAY_PREFIX_BAND_H = 0.25
BAY_SLACK_H = 0.02
#: Up to this many delivery variables, stops are counted per (warehouse, area, type) and pay
#: the area's whole unloading (:func:`_add_stops`; medium-tight-fleet seed 1: 0.7435 → 0.7301).
#: Above, the unloading is charged pro rata to the truckload (:func:`_trips`): on
#: large-province seed 1 the stops' rows took the LP from 114 s to 19 minutes for 0.8965 →
#: 0.8948 (issue 13, tenth session).
PER_STOP_MAX = 50_000


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
    demand_duals, stock_duals
        What one more unit of demand per (area, item), or of stock per
        (warehouse, item), would add to the bound (the LP's duals, >= 0);
        ``None`` when no LP was solved. The vehicle-day bound starts from them.
    bay_duals
        Per warehouse, what one more bay-hour would add (the kg and m3 rows'
        duals summed; 0 without bay rows).
    fleet_costs
        (W, A, V, I) per delivery variable (warehouse, area, vehicle type,
        item), what one unit uses of the fleet, last-trip and bay rows,
        priced at their duals (``nan`` where there is no variable; ``None``
        without fleet rows). The vehicle-day bound takes these rows in.
    fleet_rows_value
        Those rows' duals times their right-hand sides, summed.
    transfer_columns
        How many transfer columns the LP had (0 unless ``transfers=True``).
    """

    weighted_coverage: float
    per_item: dict[str, float] = field(default_factory=dict)
    with_fleet: bool = True
    n_variables: int = 0
    n_constraints: int = 0
    solve_seconds: float = 0.0
    demand_duals: NDArray[np.float64] | None = None
    stock_duals: NDArray[np.float64] | None = None
    bay_duals: NDArray[np.float64] | None = None
    fleet_costs: NDArray[np.float64] | None = None
    fleet_rows_value: float = 0.0
    transfer_columns: int = 0


def coverage_upper_bound(
    scenario: Scenario, *, with_fleet: bool = True, transfers: bool = False
) -> CoverageBound:
    """Solve the LP relaxation of the relief problem for weighted on-time coverage.

    Parameters
    ----------
    scenario
        A validated scenario.
    with_fleet
        Include the fleet-throughput and loading-bay constraints (default).
        Without them the LP is a pure transportation bound (stock, demand,
        reachability).
    transfers
        Bound plans that may carry stock between warehouses (as
        ``plan_relief(transfers=True)`` makes): the LP gets transfer columns.
        False (default, as ``plan_relief``'s default): a bound for plans
        without transfers, never looser.

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
    scenario = _to_latest_due(scenario)
    travel = _closed_at_warehouses(build_travel_times(scenario), len(scenario.warehouses))
    item_ids = scenario.item_ids
    n_items = len(item_ids)
    demand = _demand(scenario)
    priority = np.array([area.priority for area in scenario.areas], dtype=np.float64)
    weighted_need = priority @ demand  # per item
    demanded = weighted_need > 0
    n_demanded = int(demanded.sum())
    if n_demanded == 0:
        return CoverageBound(weighted_coverage=0.0, with_fleet=with_fleet)

    legs = transfer_legs(scenario, travel.duration_h) if transfers else Legs([], [], [])
    available_h = available_hours(scenario, legs, demanded)
    variables = _variables(scenario, travel.duration_h, demand, available_h)
    var_w, var_a, var_v, var_i = variables
    n_vars = len(var_w)
    if n_vars == 0:
        return CoverageBound(weighted_coverage=0.0, with_fleet=with_fleet)
    out_h = _drive_h(scenario, travel.duration_h, variables)
    latest_start_h = scenario.deadline_hours - _loading_h(scenario)[var_w] - out_h
    arcs, latest_h = transfer_arcs(
        scenario, legs, available_h, _latest_loading_h(scenario, variables, latest_start_h)
    )
    stock = np.array(
        [[wh.stock.get(i, 0) for i in item_ids] for wh in scenario.warehouses], dtype=np.float64
    )
    lp = LinearProgram()
    lp.add_columns(np.minimum(demand[var_a, var_i], _most_at(stock, arcs)[var_w, var_i]).tolist())
    x_cols = np.arange(n_vars, dtype=np.int64)
    t_cols = np.array(lp.add_columns(stock.sum(axis=0)[arcs.item].tolist()), dtype=np.int64)
    lp.add_rows(demand.ravel(), row=var_a * n_items + var_i, col=x_cols, coef=1.0)
    # Flow per (warehouse, item): deliveries and transfers out <= stock + transfers in.
    lp.add_rows(
        stock.ravel(),
        row=np.concatenate(
            [
                var_w * n_items + var_i,
                arcs.src * n_items + arcs.item,
                arcs.dst * n_items + arcs.item,
            ]
        ),
        col=np.concatenate([x_cols, t_cols, t_cols]),
        coef=np.concatenate([np.ones(n_vars), np.ones(len(arcs)), -np.ones(len(arcs))]),
    )
    if with_fleet:
        trips = _trips(scenario, travel.duration_h, variables, out_h)
        moves = _Moves(arcs, t_cols, _per_unit(scenario))
        per_stop = n_vars <= PER_STOP_MAX
        _add_fleet_rows(lp, scenario, trips, variables, travel.duration_h, moves, per_stop)
        _add_bay_rows(lp, scenario, trips, var_w, moves, (latest_start_h, latest_h))
    # Minimise the negated coverage (as the bound always has).
    objective = priority[var_a] / (weighted_need[var_i] * n_demanded)
    if lp.solve(col=x_cols, coef=-objective, maximise=False) is LpStatus.FAILED:
        raise SolverUnavailableError("GLOP found no optimum for the coverage bound")
    values = np.clip(lp.values(range(n_vars)), 0.0, None)
    # Minimising the negated coverage: a binding row's dual is <= 0.
    duals = np.clip(-lp.duals(range(demand.size + stock.size)), 0.0, None)
    n_wh = len(scenario.warehouses)
    bay_duals = np.zeros(n_wh)
    fleet_costs, fleet_rows_value = None, 0.0
    if with_fleet:  # the bay rows come last: one block of W rows per share (kg, m3)
        last = np.clip(-lp.duals(range(lp.n_rows - 2 * n_wh, lp.n_rows)), 0.0, None)
        bay_duals = last[:n_wh] + last[n_wh:]
        fleet_costs, fleet_rows_value = _fleet_costs(
            scenario, lp, (var_w, var_a, var_v, var_i), objective, demand.size + stock.size
        )
    on_time = np.zeros(n_items)
    np.add.at(on_time, var_i, values * priority[var_a])
    per_item = {
        item_ids[i]: float(on_time[i] / weighted_need[i]) for i in range(n_items) if demanded[i]
    }
    return CoverageBound(
        weighted_coverage=min(1.0, float(np.mean(list(per_item.values())))),
        per_item=per_item,
        with_fleet=with_fleet,
        n_variables=lp.n_columns,
        n_constraints=lp.n_rows,
        solve_seconds=time.perf_counter() - started,
        demand_duals=duals[: demand.size].reshape(demand.shape),
        stock_duals=duals[demand.size :].reshape(stock.shape),
        bay_duals=bay_duals,
        fleet_costs=fleet_costs,
        fleet_rows_value=fleet_rows_value,
        transfer_columns=len(arcs),
    )


def _to_latest_due(scenario: Scenario) -> Scenario:
    """The scenario with its deadline moved to its latest lot's due time, when that is later.

    A unit counts when its stop is on time for its lot (contract §1, demand
    lots), which may be after ``deadline_hours``; every row below reads "by
    the deadline", so it must read the latest due time (a relaxation for the
    lots due earlier).
    """
    latest = max((lot.due_hours for area in scenario.areas for lot in area.lots), default=0.0)
    if latest > scenario.deadline_hours:
        return scenario.model_copy(update={"deadline_hours": latest})
    return scenario


def _closed_at_warehouses(travel: TravelTimes, n_wh: int) -> TravelTimes:
    """``travel`` with drives from and to warehouses made shortest through any sites.

    The rows read drives from a warehouse to an area and back as lower
    bounds on a route's legs (a trip through other stops, an empty drive
    through areas); that needs the triangle inequality, which a matrix with
    a closed zone on great-circle roads does not obey.
    """
    closed = {k: closure_at_warehouses_h(v, n_wh) for k, v in travel.duration_h.items()}
    return replace(travel, duration_h=closed)


def _fleet_costs(
    scenario: Scenario,
    lp: LinearProgram,
    variables: tuple[_Index, _Index, _Index, _Index],
    objective: NDArray[np.float64],
    n_first: int,
) -> tuple[NDArray[np.float64], float]:
    """Per delivery variable, its use of the rows after demand and stock, priced at their duals.

    The LP minimises ``-objective``, so with ``y = -duals`` (>= 0 on binding
    rows) and ``d`` the reduced cost, ``sum_r a_r y_r = d + objective``; the
    demand and stock rows (coefficient 1) are taken out.
    """
    var_w, var_a, var_v, var_i = variables
    n_vars = len(var_w)
    y = -lp.duals()
    n_items = len(scenario.item_ids)
    demand_y = y[var_a * n_items + var_i]
    stock_y = y[len(scenario.areas) * n_items + var_w * n_items + var_i]
    cost = lp.reduced_costs(range(n_vars)) + objective - demand_y - stock_y
    dense = np.full(
        (len(scenario.warehouses), len(scenario.areas), len(scenario.vehicle_types), n_items),
        np.nan,
    )
    dense[var_w, var_a, var_v, var_i] = cost
    upper = lp.row_uppers(range(n_first, lp.n_rows))
    rest = y[n_first:]
    finite = np.isfinite(upper)
    # The columns after the deliveries (last trips, class hours, class sizes) are left out
    # of the cost; they may be, as their reduced costs are >= 0 at an optimum (what they
    # add, -d y, is <= 0). Should GLOP leave one slightly negative, count it at its most
    # (every such column has a finite upper bound that every valid plan respects).
    rest_cols = range(n_vars, lp.n_columns)
    slack = float(
        (np.clip(-lp.reduced_costs(rest_cols), 0.0, None) * lp.column_uppers(rest_cols)).sum()
    )
    return dense, float((rest[finite] * upper[finite]).sum()) + slack


_Index = NDArray[np.int64]


@dataclass(frozen=True)
class _Reach:
    """Areas a (warehouse, type) reaches in time, the earliest start there, the drives out."""

    areas: _Index
    start_h: float
    out_h: NDArray[np.float64]


def _reachable(
    scenario: Scenario, duration_h: dict[str, NDArray[np.float64]]
) -> dict[tuple[int, int], _Reach]:
    """Areas each (warehouse, vehicle type) can reach by the deadline at the earliest.

    A vehicle may load at a warehouse other than its base after driving there
    empty, so type ``v`` can load at ``w`` from the soonest a vehicle of that
    type can be there: its base's ready time plus the drive (none from ``w``
    itself), and no earlier than ``w`` is ready.
    """
    n_wh = len(scenario.warehouses)
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses])
    out: dict[tuple[int, int], _Reach] = {}
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
                out[w_idx, v_idx] = _Reach(reach.astype(np.int64), start, out_h[reach])
    return out


def _variables(
    scenario: Scenario,
    duration_h: dict[str, NDArray[np.float64]],
    demand: NDArray[np.float64],
    available_h: NDArray[np.float64],
) -> tuple[_Index, _Index, _Index, _Index]:
    """One variable per reachable (warehouse, area, type) and item needed and there in time.

    Where the warehouse stocks the item, every area the (warehouse, type)
    reaches; where it can only receive it by transfer, those reached when the
    loading starts no earlier than ``available_h`` (the earliest the item can
    be there, :func:`._transfers.available_hours`; ``inf``: never).
    """
    cols: tuple[list[_Index], list[_Index], list[_Index], list[_Index]] = ([], [], [], [])
    deadline_h = scenario.deadline_hours + _EPS_H
    for (w_idx, v_idx), reach in _reachable(scenario, duration_h).items():
        wh = scenario.warehouses[w_idx]
        areas = reach.areas
        for i_idx, item_id in enumerate(scenario.item_ids):
            if not np.isfinite(available_h[w_idx, i_idx]):
                continue
            sel = demand[areas, i_idx] > 0
            if wh.stock.get(item_id, 0) <= 0:  # only what transfers bring, from their arrival
                start_h = max(reach.start_h, float(available_h[w_idx, i_idx]))
                sel &= start_h + wh.loading_hours + reach.out_h <= deadline_h
            cols[0].append(np.full(int(sel.sum()), w_idx, dtype=np.int64))
            cols[1].append(areas[sel])
            cols[2].append(np.full(int(sel.sum()), v_idx, dtype=np.int64))
            cols[3].append(np.full(int(sel.sum()), i_idx, dtype=np.int64))
    if not cols[0]:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    return (
        np.concatenate(cols[0]),
        np.concatenate(cols[1]),
        np.concatenate(cols[2]),
        np.concatenate(cols[3]),
    )


def _loading_h(scenario: Scenario) -> NDArray[np.float64]:
    """(W,) each warehouse's loading hours."""
    return np.array([wh.loading_hours for wh in scenario.warehouses])


def _demand(scenario: Scenario) -> NDArray[np.float64]:
    """(A, I) each area's whole demand of each item."""
    return np.array(
        [[area.demand.get(i, 0) for i in scenario.item_ids] for area in scenario.areas],
        dtype=np.float64,
    )


def _drive_h(
    scenario: Scenario,
    duration_h: dict[str, NDArray[np.float64]],
    variables: tuple[_Index, _Index, _Index, _Index],
    *,
    back: bool = False,
) -> NDArray[np.float64]:
    """Per delivery variable, its type's drive from its warehouse to its area (``back``: return)."""
    var_w, var_a, var_v, _var_i = variables
    n_wh = len(scenario.warehouses)
    out = np.empty(len(var_w))
    for v_idx, vt in enumerate(scenario.vehicle_types):
        sel = var_v == v_idx
        site = n_wh + var_a[sel]
        drive = duration_h[vt.id]
        out[sel] = drive[site, var_w[sel]] if back else drive[var_w[sel], site]
    return out


def _latest_loading_h(
    scenario: Scenario,
    variables: tuple[_Index, _Index, _Index, _Index],
    latest_start_h: NDArray[np.float64],
) -> NDArray[np.float64]:
    """(W, I) the latest start of a loading for an on-time delivery, per warehouse and item.

    ``latest_start_h``: per delivery variable, the latest start of its loading
    (deadline less loading and the drive out).
    """
    var_w, _var_a, _var_v, var_i = variables
    latest = np.full((len(scenario.warehouses), len(scenario.item_ids)), -np.inf)
    np.maximum.at(latest, (var_w, var_i), latest_start_h)
    return latest


def _most_at(stock: NDArray[np.float64], arcs: TransferArcs) -> NDArray[np.float64]:
    """(W, I) the most units of an item a warehouse can give: its stock, or all if it receives."""
    receives = np.zeros(stock.shape, dtype=bool)
    receives[arcs.dst, arcs.item] = True
    return np.where(receives, stock.sum(axis=0)[None, :], stock)


def _per_unit(scenario: Scenario) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(V, I) truckloads per unit, by weight and by volume."""
    weight_kg = np.array([item.weight_kg for item in scenario.items])
    volume_m3 = np.array([item.volume_m3 for item in scenario.items])
    cap_kg = np.array([vt.capacity_kg for vt in scenario.vehicle_types])
    cap_m3 = np.array([vt.capacity_m3 for vt in scenario.vehicle_types])
    return weight_kg[None, :] / cap_kg[:, None], volume_m3[None, :] / cap_m3[:, None]


@dataclass(frozen=True)
class _Moves:
    """The transfer columns of the LP: their arcs, column indices and truckloads per unit."""

    arcs: TransferArcs
    cols: _Index
    per_unit: tuple[NDArray[np.float64], NDArray[np.float64]]

    def shares(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per column, truckloads per unit by weight and by volume."""
        a = self.arcs
        return self.per_unit[0][a.vtype, a.item], self.per_unit[1][a.vtype, a.item]


@dataclass(frozen=True)
class _Trips:
    """Per delivery variable: the vehicle hours of its trip, by kg and by m3.

    Attributes
    ----------
    out_h
        Drive from the warehouse to the area.
    trip_h
        Per share (kg, m3), the hours one truckload of the variable's units
        stands for: loading, drive out, unloading and drive back (the
        deadline for a vehicle that can never come back, as it is busy until
        then at least). The unloading is the area's whole unloading time
        over the most of a truckload one stop there can carry (see
        :func:`_trips`).
    back_h
        Drive back from the area: what a last trip need not make by the deadline.
    unload_h
        Per share, the unloading charged per truckload (``trip_h``'s part).
    area_unload_h
        The area's whole unloading time (a last trip need not finish one of its stops').
    shares
        Truckloads per unit, by weight and by volume.
    """

    out_h: NDArray[np.float64]
    trip_h: tuple[NDArray[np.float64], NDArray[np.float64]]
    back_h: NDArray[np.float64]
    unload_h: tuple[NDArray[np.float64], NDArray[np.float64]]
    area_unload_h: NDArray[np.float64]
    shares: tuple[NDArray[np.float64], NDArray[np.float64]]


def _trips(
    scenario: Scenario,
    duration_h: dict[str, NDArray[np.float64]],
    variables: tuple[_Index, _Index, _Index, _Index],
    out_h: NDArray[np.float64],
) -> _Trips:
    """Trip hours and truckload shares of each delivery variable.

    Every stop unloads for the area's whole ``unloading_hours``, however
    little it carries, and carries at most ``cap(a) = min(1, the area's whole
    demand in truckloads)`` of counted units (by the share measured). So a
    stop carrying share ``f`` of a truckload costs at least
    ``f × unloading / cap(a)`` hours of unloading; today's pro-rata charge
    ``f × unloading`` is the case ``cap(a) = 1``. A trip's hours are still at
    least ``Σ_k f_k (loading + drive out and back to k + unloading_k / cap(k))``.
    ``out_h`` is each variable's drive out (:func:`_drive_h`).
    """
    var_w, var_a, var_v, var_i = variables
    back_h = _drive_h(scenario, duration_h, variables, back=True)
    back_h = np.where(np.isfinite(back_h), back_h, scenario.deadline_hours)
    unload_h = np.array([area.unloading_hours for area in scenario.areas])
    load_h = _loading_h(scenario)
    demand = _demand(scenario)
    per_unit = _per_unit(scenario)
    trip_h: list[NDArray[np.float64]] = []
    unload: list[NDArray[np.float64]] = []
    for share_vi in per_unit:  # (V, I) truckloads per unit
        whole = demand @ share_vi.T  # (A, V) an area's whole demand in truckloads
        stop_cap = np.clip(whole[var_a, var_v], 1e-12, 1.0)
        unload.append(unload_h[var_a] / stop_cap)
        trip_h.append(load_h[var_w] + out_h + unload[-1] + back_h)
    return _Trips(
        out_h=out_h,
        trip_h=(trip_h[0], trip_h[1]),
        back_h=back_h,
        unload_h=(unload[0], unload[1]),
        area_unload_h=unload_h[var_a],
        shares=(per_unit[0][var_v, var_i], per_unit[1][var_v, var_i]),
    )


def _add_fleet_rows(
    lp: LinearProgram,
    scenario: Scenario,
    trips: _Trips,
    variables: tuple[_Index, _Index, _Index, _Index],
    drive_h: dict[str, NDArray[np.float64]],
    moves: _Moves,
    per_stop: bool,
) -> None:
    """Fleet working time per vehicle type and warehouse, with last-trip and vehicle-class columns.

    Per (type ``v``, warehouse ``w``) and share (kg, m3): the pro-rata hours
    of the trips loading at ``w``, less the return legs last trips need not
    make in time (``z``), fit in ``Σ_(u,c) H[u, c, w]``: the hours that
    vehicles of the type based at ``u`` whose farthest warehouse (by shortest
    drive from ``u``) is ``c`` spend on trips at ``w``. Per (base, class),
    those hours fit in ``m[u, c] × (deadline − ready(u) − drive(u, c))``, as
    such a vehicle drives empty at least from ``u`` to ``c`` (its position
    changes only by empty drives, trips return where they loaded), and a
    class holds ``m[u, c]`` of the base's vehicles, ``Σ_c m[u, c] ≤ n(u)``.
    ``H`` and ``m`` are the same for both shares: each share's hours are a
    lower bound on the same real hours.

    A vehicle's last on-time trip need only reach its stops by the
    deadline: it need not drive back, nor finish unloading at its last stop.
    ``z[w, b]`` is the share of a truckload delivered on last trips, per
    type, warehouse and band ``b`` of the drive back, credited the band's
    longest drive back (banding only loosens the bound, never invalidates
    it); ``U[w]`` is the unloading credited, at most one area's longest
    unloading per vehicle of the type. (The charge of a last trip less
    these credits is at most its loading, its drive to its farthest stop
    and every unloading but one: the time to its last stop.)

    With ``per_stop`` the unloading is charged per stop instead, and its
    credit on last trips is counted per last trip (:func:`_add_stops`).

    A transfer ``A → B`` (``moves``) is charged its share of ``A``'s loading
    and ``B``'s unloading (``B``'s ``loading_hours``), both in ``B``'s row
    (the hours of trips loading at ``B`` and of transfers ending there): the
    vehicle is at ``B`` while it unloads, so ``B`` is among the warehouses its
    class reaches (:mod:`._vehicle_time`), and one row keeps the LP from
    paying the two halves from two classes. Its drive is paid by the class,
    twice over: a vehicle's empty drives and transfer drives together take
    it from its first loading's warehouse to the farthest it loads or unloads
    at (at least ``drive(w1, c)``), so the class's lost drive stands for them
    in R5 and a transfer's drive is not charged in the hour rows; and the
    class's trip hours plus ``G``, the drive hours of its transfers, fit in
    its whole time (R8; :func:`_add_transfer_drives` ties ``G`` to the
    transfers). (A vehicle making several transfers ``A → B`` also drives
    back empty between them; that drive is not charged, which only loosens
    the bound.)

    Every column added here has a finite upper bound that every valid plan
    respects (:func:`_fleet_costs` needs them); the columns follow the
    delivery and transfer columns.
    """
    var_w, _var_a, var_v, _var_i = variables
    n_vars = len(var_v)
    n_wh = len(scenario.warehouses)
    x_cols = np.arange(n_vars, dtype=np.int64)
    arcs = moves.arcs
    t_src = arcs.vtype * n_wh + arcs.src
    t_dst = arcs.vtype * n_wh + arcs.dst
    # The rows per (type, warehouse) that carry hours, and the vehicle columns feeding them.
    vw = np.unique(np.concatenate([var_v * n_wh + var_w, t_src, t_dst]))
    var_vw = np.searchsorted(vw, var_v * n_wh + var_w).astype(np.int64)
    t_rows = np.searchsorted(vw, t_dst).astype(np.int64)
    load_h = _loading_h(scenario)
    t_hours = load_h[arcs.src] + load_h[arcs.dst]
    fleet = np.array(
        [
            sum(wh.fleet.get(vt.id, 0) for wh in scenario.warehouses)
            for vt in scenario.vehicle_types
        ],
        dtype=np.float64,
    )
    moving = frozenset(np.unique(arcs.vtype).tolist())
    h_arr, h_rows, g_cols = add_vehicle_time(lp, scenario, vw, drive_h, moving)
    for t_share in moves.shares():
        _add_transfer_drives(lp, moves, t_share, g_cols)
    n_vw, n_h = len(vw), len(h_arr)
    stops = _add_stops(lp, scenario, trips, variables, vw, fleet) if per_stop else None
    most = np.zeros(len(scenario.vehicle_types))  # longest unloading per type
    np.maximum.at(most, var_v, trips.area_unload_h)
    for share, trip_h, unload_h, t_share in zip(
        trips.shares, trips.trip_h, trips.unload_h, moves.shares(), strict=True
    ):
        if stops is not None:  # the unloading is the stops' (their columns and credits)
            z_cols, z_row, back_h, _ = _last_trip_credit(
                lp, (trips.back_h, np.zeros(n_vars)), share, variables, vw, fleet, n_wh
            )
            # At most a truckload per last trip: sum_b z[v, w, b] - L[v, w] <= 0.
            lp.add_rows(
                np.zeros(n_vw),
                row=np.concatenate([z_row, np.arange(n_vw)]),
                col=np.concatenate([z_cols, stops.last_cols]),
                coef=np.concatenate([np.ones(len(z_cols)), -np.ones(n_vw)]),
            )
            trip_h = trip_h - unload_h
            c_cols = stops.credit_cols
            s_row, s_cols, s_unload_h = stops.row, stops.cols, stops.unload_h
        else:
            # Credits of last trips: the drive back, and the unloading (one area's at most per
            # vehicle).
            z_cols, z_row, back_h, unl_h = _last_trip_credit(
                lp, (trips.back_h, unload_h), share, variables, vw, fleet, n_wh
            )
            c_cols = np.array(lp.add_columns((most[vw // n_wh] * fleet[vw // n_wh]).tolist()))
            # C[v, w] <= the unloading of its last trips: sum unl * z.
            _add_at_most(lp, c_cols, z_row, z_cols, unl_h)
            # ... and one area's longest unloading per vehicle of the type.
            lp.add_rows(
                most * fleet, row=(vw // n_wh).astype(np.int64), col=c_cols, coef=np.ones(n_vw)
            )
            s_row = s_cols = np.zeros(0, dtype=np.int64)
            s_unload_h = np.zeros(0)
        # Trip hours (and stops' unloading) at (type, warehouse), less last trips' credits,
        # within the classes' hours.
        lp.add_rows(
            np.zeros(n_vw),
            row=np.concatenate([var_vw, s_row, t_rows, z_row, np.arange(n_vw), h_rows]),
            col=np.concatenate([x_cols, s_cols, moves.cols, z_cols, c_cols, h_arr]),
            coef=np.concatenate(
                [
                    share * trip_h,
                    s_unload_h,
                    t_share * t_hours,
                    -back_h,
                    -np.ones(n_vw),
                    -np.ones(n_h),
                ]
            ),
        )


@dataclass(frozen=True)
class _Stops:
    """The stop columns ``s[w, a, v]`` and the last trips' columns (:func:`_add_stops`).

    Attributes
    ----------
    cols
        The stop columns.
    row
        Each stop column's (type, warehouse), as an index into ``vw``.
    unload_h
        Each stop column's area's whole unloading time.
    credit_cols
        ``C[v, w]``, the last stops' unloading credited, one per entry of ``vw``.
    last_cols
        ``L[v, w]``, the vehicles whose last trip loads at ``w``, one per entry of ``vw``.
    """

    cols: _Index
    row: _Index
    unload_h: NDArray[np.float64]
    credit_cols: _Index
    last_cols: _Index


def _add_stops(
    lp: LinearProgram,
    scenario: Scenario,
    trips: _Trips,
    variables: tuple[_Index, _Index, _Index, _Index],
    vw: _Index,
    fleet: NDArray[np.float64],
) -> _Stops:
    """Stops per (warehouse, area, type), each paying the area's whole unloading time.

    ``s[w, a, v]`` counts the stops at ``a`` of trips loading at ``w`` on type
    ``v`` (fractionally). Each stop unloads for the area's whole
    ``unloading_hours`` however little it carries, and counts at most the
    area's demand of each item and at most a truckload, so
    ``s ≥ x[w, a, v, i] / demand[a, i]`` for every item and
    ``s ≥ Σ_i share_i × x[w, a, v, i]`` for either share. The pro-rata charge
    (``Σ_i share_i x_i / min(1, D)`` of the unloading for an area of ``D``
    truckloads, :func:`_trips`) is a weighted mean of these and never more:
    an area sent its light items and none of its tents now pays a whole
    stop. The truckload rows are added only where the items a variable has
    make more than a truckload; below, the item rows imply them.

    A vehicle's last trip need not finish unloading at its last stop by the
    deadline: ``C[v, w]`` credits that unloading. In a valid plan, with ``s``
    its stops, ``L[v, w]`` its vehicles whose last trip loads at ``w`` and
    ``C[v, w]`` their last stops' unloadings: ``C`` is at most the unloading
    of the stops made, ``Σ_a unloading_a s[w, a, v]``, and at most ``L``
    times the longest unloading of an area reached from ``w`` on ``v``;
    ``Σ_w L[v, w]`` is at most the type's fleet, and the last trips' loads
    ``z`` at ``(v, w)`` at most ``L[v, w]`` truckloads (in the caller).

    Every column has a finite upper bound a valid plan respects: a vehicle's
    stops at ``a`` from ``w`` are at most ``1 + deadline / h``, with ``h`` the
    loading, drive out and back and unloading of such a trip.
    """
    var_w, var_a, var_v, var_i = variables
    n_wh, n_areas = len(scenario.warehouses), len(scenario.areas)
    demand = _demand(scenario)
    key = (var_v * n_wh + var_w) * n_areas + var_a
    wav, var_s = np.unique(key, return_inverse=True)
    var_s = var_s.ravel().astype(np.int64)
    n_s, n_x = len(wav), len(var_w)
    s_vw = (wav // n_areas).astype(np.int64)
    unload_h = np.zeros(n_s)  # every variable of a stop column has its area
    unload_h[var_s] = trips.area_unload_h
    # A trip with a stop there: loading, drive out and back (trip_h less its unloading), unloading.
    shortest_h = np.full(n_s, np.inf)
    np.minimum.at(shortest_h, var_s, trips.trip_h[0] - trips.unload_h[0] + trips.area_unload_h)
    per_vehicle = 1.0 + np.floor(scenario.deadline_hours / np.maximum(shortest_h, 1e-3))
    s_cols = np.array(lp.add_columns((fleet[s_vw // n_wh] * per_vehicle).tolist()), dtype=np.int64)
    # x / demand - s <= 0 per delivery variable.
    lp.add_rows(
        np.zeros(n_x),
        row=np.concatenate([np.arange(n_x), np.arange(n_x)]),
        col=np.concatenate([np.arange(n_x, dtype=np.int64), s_cols[var_s]]),
        coef=np.concatenate([1.0 / demand[var_a, var_i], -np.ones(n_x)]),
    )
    for share in trips.shares:  # sum share * x - s <= 0 where that can be over a truckload
        whole = np.zeros(n_s)
        np.add.at(whole, var_s, share * demand[var_a, var_i])
        big = np.flatnonzero(whole > 1.0 + 1e-9)
        row_of = np.full(n_s, -1, dtype=np.int64)
        row_of[big] = np.arange(len(big))
        sel = np.flatnonzero(row_of[var_s] >= 0)
        lp.add_rows(
            np.zeros(len(big)),
            row=np.concatenate([row_of[var_s[sel]], np.arange(len(big))]),
            col=np.concatenate([sel.astype(np.int64), s_cols[big]]),
            coef=np.concatenate([share[sel], -np.ones(len(big))]),
        )
    s_row = np.searchsorted(vw, s_vw).astype(np.int64)
    n_vw = len(vw)
    most = np.zeros(n_vw)
    np.maximum.at(most, s_row, unload_h)
    credit_cols = np.array(lp.add_columns((most * fleet[vw // n_wh]).tolist()), dtype=np.int64)
    last_cols = np.array(lp.add_columns(fleet[vw // n_wh].tolist()), dtype=np.int64)
    # C <= sum unloading * s and C <= most * L per (type, warehouse).
    _add_at_most(lp, credit_cols, s_row, s_cols, unload_h)
    _add_at_most(lp, credit_cols, np.arange(n_vw), last_cols, most)
    # sum_w L <= fleet per type.
    lp.add_rows(fleet, row=(vw // n_wh).astype(np.int64), col=last_cols, coef=np.ones(n_vw))
    return _Stops(s_cols, s_row, unload_h, credit_cols, last_cols)


def _add_at_most(
    lp: LinearProgram,
    cols: _Index,
    row: _Index,
    terms: _Index,
    coef: NDArray[np.float64],
) -> None:
    """Rows ``cols[k] − Σ_(row[j] = k) coef[j] × terms[j] ≤ 0``, one per entry of ``cols``."""
    n = len(cols)
    lp.add_rows(
        np.zeros(n),
        row=np.concatenate([np.arange(n), row]),
        col=np.concatenate([cols, terms]),
        coef=np.concatenate([np.ones(n), -coef]),
    )


def _add_transfer_drives(
    lp: LinearProgram, moves: _Moves, t_share: NDArray[np.float64], g_cols: dict[int, list[int]]
) -> None:
    """Per type: its classes' transfer drive hours ``G`` cover the transfers' drives, pro rata.

    A real transfer trip carrying ``f`` truckloads (by the share measured)
    drives at least ``drive(A, B) ≥ f × drive(A, B)``; with ``G`` of a class
    the drives of its vehicles' transfers, pro rata by the larger share of
    each trip's load, ``Σ_classes G ≥ Σ share × drive × t`` for either share.
    """
    arcs = moves.arcs
    types = sorted(g_cols)
    if not types:
        return
    t_row = np.searchsorted(types, arcs.vtype).astype(np.int64)
    g_flat = [g for v in types for g in g_cols[v]]
    g_row = [k for k, v in enumerate(types) for _ in g_cols[v]]
    # sum share * drive * t - sum G <= 0
    lp.add_rows(
        np.zeros(len(types)),
        row=np.concatenate([t_row, np.array(g_row, dtype=np.int64)]),
        col=np.concatenate([moves.cols, np.array(g_flat, dtype=np.int64)]),
        coef=np.concatenate([t_share * arcs.drive_h, -np.ones(len(g_flat))]),
    )


def _last_trip_credit(
    lp: LinearProgram,
    hours: tuple[NDArray[np.float64], NDArray[np.float64]],
    share: NDArray[np.float64],
    variables: tuple[_Index, _Index, _Index, _Index],
    vw: _Index,
    fleet: NDArray[np.float64],
    n_wh: int,
) -> tuple[_Index, _Index, NDArray[np.float64], NDArray[np.float64]]:
    """Columns ``z[b]``: truckloads on last trips per (type, warehouse) and band of two hours.

    A band is a (type, warehouse) and a band (``RETURN_BAND_H`` wide) of each of the two
    ``hours`` per truckload (the drive back, the unloading). ``z[b]`` is at
    most the loads carried in band ``b`` and, summed over a type's bands, at
    most one truckload per vehicle. Each band is credited its longest hours
    of each kind (banding only loosens the bound). Returns the columns, the
    (type, warehouse) row of each (an index into ``vw``) and their hours of
    each kind per truckload.
    """
    var_w, _var_a, var_v, _var_i = variables
    band_h = RETURN_BAND_H if len(var_v) <= BAND_FINE_MAX else RETURN_BAND_WIDE_H
    first = np.floor(hours[0] / band_h).astype(np.int64)
    second = np.floor(hours[1] / band_h).astype(np.int64)
    n_second = int(second.max()) + 1
    n_bands = (int(first.max()) + 1) * n_second
    key = (var_v * n_wh + var_w) * n_bands + first * n_second + second
    band, var_b = np.unique(key, return_inverse=True)
    var_b = var_b.ravel().astype(np.int64)
    n_b = len(band)
    b_vw = (band // n_bands).astype(np.int64)
    b_type = b_vw // n_wh
    b_first, b_second = np.zeros(n_b), np.zeros(n_b)
    np.maximum.at(b_first, var_b, hours[0])
    np.maximum.at(b_second, var_b, hours[1])
    z_cols = np.array(lp.add_columns(fleet[b_type].tolist()), dtype=np.int64)
    # z[b] <= loads carried in band b: sum share * x.
    _add_at_most(lp, z_cols, var_b, np.arange(len(var_v), dtype=np.int64), share)
    # At most one last trip per vehicle of the type.
    lp.add_rows(fleet, row=b_type, col=z_cols, coef=np.ones(n_b))
    return z_cols, np.searchsorted(vw, b_vw).astype(np.int64), b_first, b_second


def _add_bay_rows(
    lp: LinearProgram,
    scenario: Scenario,
    trips: _Trips,
    var_w: _Index,
    moves: _Moves,
    latest_h: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> None:
    """Loading time per warehouse with limited bays, by kg and by m3.

    ``latest_h``: per delivery variable, the latest start of its loading; and
    (W, I) the latest counted use of an item at a warehouse (:mod:`._transfers`).

    A vehicle must leave the bay early enough to reach its first stop by the
    deadline, so each bay works from ready to the deadline less the shortest
    drive out. A transfer's loading at ``A`` must end early enough for its
    unloading at ``B`` to end by the latest counted use there
    (:mod:`._transfers`), which moves the end of ``A``'s window to at most
    that less ``B``'s unloading and the drive; its unloading at ``B`` occupies
    one of ``B``'s bays, and ends before that latest use starts, so within
    ``B``'s window.
    """
    n_wh = len(scenario.warehouses)
    load_h = _loading_h(scenario)
    latest_start_h, latest_use_h = latest_h
    arcs = moves.arcs
    end_h = np.full(n_wh, -np.inf)
    np.maximum.at(end_h, var_w, scenario.deadline_hours - trips.out_h)
    np.maximum.at(
        end_h, arcs.src, latest_use_h[arcs.dst, arcs.item] - load_h[arcs.dst] - arcs.drive_h
    )
    bay_h = np.full(n_wh, np.inf)
    for w_idx, wh in enumerate(scenario.warehouses):
        if wh.loading_bays is not None:
            window_h = end_h[w_idx] - wh.ready_hours
            bay_h[w_idx] = wh.loading_bays * max(0.0, float(window_h))
    x_cols = np.arange(len(var_w), dtype=np.int64)
    for share in trips.shares:
        _add_bay_prefix_rows(lp, scenario, share, var_w, latest_start_h)
    for share, t_share in zip(trips.shares, moves.shares(), strict=True):
        lp.add_rows(
            bay_h,
            row=np.concatenate([var_w, arcs.src, arcs.dst]),
            col=np.concatenate([x_cols, moves.cols, moves.cols]),
            coef=np.concatenate(
                [share * load_h[var_w], t_share * load_h[arcs.src], t_share * load_h[arcs.dst]]
            ),
        )


def _add_bay_prefix_rows(
    lp: LinearProgram,
    scenario: Scenario,
    share: NDArray[np.float64],
    var_w: _Index,
    latest_start_h: NDArray[np.float64],
) -> None:
    """Loadings due early at each warehouse with limited bays: a cumulative count per band.

    A delivery ``x`` from ``w`` to ``a`` on type ``v`` is on time only if its
    loading starts by ``s(x) = deadline − loading_hours − drive(w, a)``
    (later stops only add to the drive, by the triangle inequality). So for
    every ``τ``, the loadings starting in ``[ready, τ]`` carry every unit of
    the deliveries with ``s(x) ≤ τ``: ``Σ_(s(x) ≤ τ) share × x`` truckloads at
    most ``bays × (floor((τ − ready) / loading_hours) + 1)`` loadings, one bay
    taking one loading at a time. The total bay row is the case ``τ`` = the
    latest start; these rows bind where far areas can be served only by
    loadings early in the day. Kept through one running-sum column per band
    of ``BAY_PREFIX_BAND_H`` (``y_k = y_(k−1) + Σ_(band k) share × x``, bounded
    above by band ``k``'s count), so the rows add each delivery variable once.
    """
    for w_idx, wh in enumerate(scenario.warehouses):
        if wh.loading_bays is None or wh.loading_hours <= 0:
            continue
        cols = np.flatnonzero(var_w == w_idx)
        if len(cols) == 0:
            continue
        start_h = latest_start_h[cols]
        first_h = max(wh.ready_hours, float(start_h.min()))
        band = np.floor((start_h - first_h) / BAY_PREFIX_BAND_H + _EPS_H).astype(np.int64)
        band = np.maximum(band, 0)
        n_bands = int(band.max()) + 1
        # The band's upper edge: every delivery in it starts by then.
        edge_h = first_h + BAY_PREFIX_BAND_H * (np.arange(n_bands) + 1)
        edge_h[-1] = max(edge_h[-1], float(start_h.max()))
        slots = np.floor((edge_h - wh.ready_hours + BAY_SLACK_H) / wh.loading_hours) + 1.0
        running = np.array(lp.add_columns((wh.loading_bays * slots).tolist()), dtype=np.int64)
        # Row k: Σ_(band k) share × x + y_(k−1) − y_k = 0.
        lp.add_rows(
            np.zeros(n_bands),
            lower=0.0,
            row=np.concatenate([band, np.arange(1, n_bands), np.arange(n_bands)]),
            col=np.concatenate([cols, running[:-1], running]),
            coef=np.concatenate([share[cols], np.ones(n_bands - 1), -np.ones(n_bands)]),
        )
