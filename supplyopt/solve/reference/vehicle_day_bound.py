"""A column-generation upper bound on weighted on-time coverage, over whole vehicle-days.

A column is one vehicle's day: a type at a base, a sequence of trips from
warehouses (loading, stops, return; empty drives between warehouses), and
what it delivers on time. The master LP chooses how many vehicles of each
(base, type) run each day, under demand, stock and loading-bay rows. The
pricing (:mod:`._vd_pricing`) bounds the best reduced value of *any* day of
a relaxed set that contains every real day, so after every iteration the
Lagrangian bound

    Σ π d + Σ σ stock + Σ β bay-hours + Σ_(base, type) n × max(0, best reduced value)

is an upper bound on every plan's weighted on-time coverage, whatever the
duals: a bound cut short by the clock is still valid. The smallest over the
iterations is reported. The argument, and every relaxation, is in
``docs/planner.md`` ("The vehicle-day bound").
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ...model import Scenario
from ...network import TravelTimes, build_travel_times
from .._lp import LinearProgram, LpStatus
from ..instance import build_instance
from ._vd_data import FloatArray, VdData, build_data
from ._vd_pricing import (
    Column,
    DayTable,
    Duals,
    bay_costs,
    best_day,
    day_values,
    load_day,
    trip_values,
)
from .bound import coverage_upper_bound

#: Weight of the best duals so far when pricing (Wentges smoothing); 0 prices the master's duals.
SMOOTHING = 0.85


@dataclass(frozen=True)
class VehicleDayBound:
    """The vehicle-day bound on ``weighted_coverage_on_time`` and how it was reached.

    Attributes
    ----------
    weighted_coverage
        The bound: no plan scores higher (the smallest Lagrangian bound over
        the iterations, at most 1).
    master_coverage
        The restricted master's value: what its vehicle-days reach
        fractionally. Not a bound; the bound closes towards it.
    per_item
        Each demanded item's weighted coverage in the master's solution (an
        illustration of the balance, not a bound per item).
    iterations, columns
        Pricing rounds run and vehicle-days generated.
    converged
        Whether the bound met the master's value within the tolerance (else
        a time or iteration limit, or no progress, stopped it).
    master_failed
        Whether GLOP failed on the master LP, which stopped the iterations
        (the bound found by then stands: it never rests on the master).
    bucket_h
        Width of the time buckets.
    solve_seconds
        Wall-clock time.
    history
        The bound after each iteration.
    """

    weighted_coverage: float
    master_coverage: float = 0.0
    per_item: dict[str, float] = field(default_factory=dict)
    iterations: int = 0
    columns: int = 0
    converged: bool = True
    master_failed: bool = False
    bucket_h: float = 0.0
    solve_seconds: float = 0.0
    history: tuple[float, ...] = ()


def vehicle_day_bound(
    scenario: Scenario,
    *,
    time_limit_s: float = 120.0,
    max_iterations: int | None = None,
    bucket_h: float = 0.1,
    tolerance: float = 1e-3,
    travel: TravelTimes | None = None,
) -> VehicleDayBound:
    """Bound the weighted on-time coverage of every plan by column generation over vehicle-days.

    Parameters
    ----------
    scenario
        A validated scenario, planned from T0 (demand lots are respected:
        each lot's units count only by its own due time).
    time_limit_s
        Wall-clock budget; checked between iterations. The bound is valid
        whenever it stops.
    max_iterations
        Pricing rounds at most (``None``: until converged or out of time).
    bucket_h
        Width of the time buckets (smaller: tighter and slower); made
        smaller still if some trip could take less.
    tolerance
        Stop when the bound is within this share of the master's value.
    travel
        Travel matrices, when already built.

    Returns
    -------
    VehicleDayBound
        The bound and how it was reached.

    Raises
    ------
    ValueError
        When some trip could take no time at all (nothing would bound the
        number of trips).
    """
    started = time.perf_counter()
    travel = travel or build_travel_times(scenario)
    inst = build_instance(scenario, travel)
    if not (inst.value > 0).any() or not (inst.demand > 0).any():
        return VehicleDayBound(weighted_coverage=0.0)
    data = build_data(inst, bucket_h=bucket_h)
    master = _Master(data)
    duals = _lp_duals(data, scenario)
    centre: tuple[float, Duals] | None = None
    history: list[float] = []
    master_duals: Duals | None = None
    converged, failed, alpha = False, False, 0.0
    while max_iterations is None or len(history) < max_iterations:
        bound, columns = _price(data, duals)
        history.append(bound / data.scale)
        if centre is None or bound < centre[0]:
            centre = (bound, duals)
        if master_duals is not None and not any(
            master.reduced_value(c, master_duals) > 1e-9 for c in columns
        ):
            if alpha > 0:
                alpha, duals = 0.0, master_duals  # smoothing mispriced: price the master's duals
            else:  # the master learns nothing: step along a subgradient instead
                duals = _subgradient_step(data, duals, columns, bound - master.value)
            continue
        for column in columns:
            master.add(column)
        solved = master.solve()
        if solved is None:
            failed = True
            break  # the bound never rests on the master: keep the best so far
        master_duals = solved
        best = min(centre[0], data.scale)  # the bound is never above coverage 1
        if best - master.value <= tolerance * max(best, 1e-12):
            converged = True
            break
        if time.perf_counter() - started >= time_limit_s:
            break
        alpha = SMOOTHING
        duals = _blend(centre[1], master_duals, alpha)
    return VehicleDayBound(
        weighted_coverage=min(1.0, *history),
        master_coverage=master.value / data.scale,
        per_item=master.per_item(),
        iterations=len(history),
        columns=master.n_columns,
        converged=converged,
        master_failed=failed,
        bucket_h=data.delta_h,
        solve_seconds=time.perf_counter() - started,
        history=tuple(history),
    )


def _lp_duals(data: VdData, scenario: Scenario) -> Duals:
    """First multipliers: the demand and stock duals of today's LP bound (any are valid).

    They already price units by how scarce trucks make them, so the first
    Lagrangian bound is close to the LP bound instead of far above it.
    """
    lp = coverage_upper_bound(scenario)
    demand = np.zeros_like(data.value)
    stock = np.zeros_like(data.stock)
    bay = [np.zeros(len(s)) for s in data.bay_start]
    if lp.demand_duals is not None and lp.stock_duals is not None:
        demand = lp.demand_duals[data.inst.area_of] * data.scale
        stock = lp.stock_duals * data.scale
    if lp.bay_duals is not None:  # the LP's whole-day bay-hour price, on the first window
        for w, windows in enumerate(bay):
            if len(windows):
                windows[0] = float(lp.bay_duals[w]) * data.scale
    return Duals(demand=demand, stock=stock, bay=bay)


def _blend(centre: Duals, other: Duals, alpha: float) -> Duals:
    """``alpha × centre + (1 − alpha) × other`` (non-negative when both are)."""
    return Duals(
        demand=alpha * centre.demand + (1 - alpha) * other.demand,
        stock=alpha * centre.stock + (1 - alpha) * other.stock,
        bay=[alpha * c + (1 - alpha) * o for c, o in zip(centre.bay, other.bay, strict=True)],
    )


def _subgradient_step(data: VdData, duals: Duals, columns: list[Column], gap: float) -> Duals:
    """Move the duals against the rows the priced days over-use (Polyak step on ``gap``).

    The days read back from the pricing stand in for its maximisers, so this
    is only an approximate subgradient; any non-negative duals give a valid
    bound, so it can only cost iterations, never validity.
    """
    inst = data.inst
    used_demand = np.zeros_like(data.demand)
    used_stock = np.zeros_like(data.stock)
    used_bay = [np.zeros(len(c)) for c in data.bay_cap_h]
    for column in columns:
        n = float(inst.fleet[column.base, column.vehicle_type])
        for (a, i), q in column.deliver.items():
            used_demand[a, i] += n * q
        for (w, i), q in column.take.items():
            used_stock[w, i] += n * q
        for (w, m), hours in column.bay_h.items():
            used_bay[w][m] += n * hours
    g_demand = data.demand - used_demand
    g_stock = data.stock - used_stock
    g_bay = [cap - used for cap, used in zip(data.bay_cap_h, used_bay, strict=True)]
    norm = float((g_demand**2).sum() + (g_stock**2).sum() + sum((g**2).sum() for g in g_bay))
    step = max(gap, 0.0) / norm if norm > 0 else 0.0
    return Duals(
        demand=np.maximum(0.0, duals.demand - step * g_demand),
        stock=np.maximum(0.0, duals.stock - step * g_stock),
        bay=[np.maximum(0.0, b - step * g) for b, g in zip(duals.bay, g_bay, strict=True)],
    )


def _price(data: VdData, duals: Duals) -> tuple[float, list[Column]]:
    """The Lagrangian bound at ``duals`` (scaled) and one best day per (base, type)."""
    inst = data.inst
    bound = float((duals.demand * data.demand).sum() + (duals.stock * data.stock).sum())
    bound += sum(float(b @ c) for b, c in zip(duals.bay, data.bay_cap_h, strict=True))
    bays = [bay_costs(data, duals, w) for w in range(inst.n_warehouses)]
    columns: list[Column] = []
    for k in range(len(inst.types)):
        bases = np.flatnonzero(inst.fleet[:, k] > 0)
        if not len(bases):
            continue
        tables = [trip_values(data, duals, w, k) for w in range(inst.n_warehouses)]
        day = day_values(data, k, tables, bays)
        for base in bases.tolist():
            best = _start_value(data, day, base)
            bound += float(inst.fleet[base, k]) * max(0.0, best)
            if best > 1e-12:
                trips = best_day(data, day, tables, bays, k=k, base=base)
                columns.append(load_day(data, duals, trips, tables, k=k, base=base))
    return bound, columns


def _start_value(data: VdData, day: DayTable, base: int) -> float:
    """Best reduced value of a day starting at ``base`` when it is ready."""
    return float(day.value[base, int(data.ready_bucket[base])])


class _Master:
    """The restricted master LP: vehicle-days under demand, stock, fleet and bay rows."""

    def __init__(self, data: VdData) -> None:
        self.data = data
        self.lp = LinearProgram()
        inst = data.inst
        self._demand_row = self._rows(data.demand, data.demand > 0)
        self._stock_row = self._rows(data.stock, data.stock > 0)
        self._fleet_row = self._rows(inst.fleet.astype(np.float64), inst.fleet > 0)
        self._bay_row = [
            np.asarray(self.lp.add_rows(caps, row=[], col=[], coef=[]), dtype=np.int64)
            for caps in data.bay_cap_h
        ]
        self._columns: list[Column] = []
        self._values: list[float] = []
        self.value = 0.0
        self._solution = np.zeros(0)

    @property
    def n_columns(self) -> int:
        """Columns in the master."""
        return len(self._columns)

    def _rows(self, upper: FloatArray, used: np.ndarray) -> np.ndarray:
        """One ``<=`` row per used entry of ``upper``; -1 elsewhere."""
        index = np.full(upper.shape, -1, dtype=np.int64)
        rows = self.lp.add_rows(upper[used], row=[], col=[], coef=[])
        index[used] = np.asarray(rows, dtype=np.int64)
        return index

    def add(self, column: Column) -> None:
        """Add a vehicle-day as a column."""
        (col,) = self.lp.add_columns([np.inf])
        rows = [int(self._fleet_row[column.base, column.vehicle_type])]
        coefs = [1.0]
        for (a, i), q in column.deliver.items():
            rows.append(int(self._demand_row[a, i]))
            coefs.append(q)
        for (w, i), q in column.take.items():
            rows.append(int(self._stock_row[w, i]))
            coefs.append(q)
        for (w, m), hours in column.bay_h.items():
            rows.append(int(self._bay_row[w][m]))
            coefs.append(hours)
        keep = [r >= 0 for r in rows]
        self.lp.add_terms(
            row=[r for r, ok in zip(rows, keep, strict=True) if ok],
            col=[col] * sum(keep),
            coef=[c for c, ok in zip(coefs, keep, strict=True) if ok],
        )
        self._columns.append(column)
        self._values.append(column.value)

    def solve(self) -> Duals | None:
        """Solve the master; return its (non-negative) duals, or None when GLOP fails."""
        n = len(self._columns)
        status = self.lp.solve(col=range(n), coef=self._values, maximise=True)
        if status is not LpStatus.OPTIMAL:
            return None
        self.value = self.lp.objective_value()
        self._solution = np.clip(self.lp.values(range(n)), 0.0, None)
        return Duals(
            demand=self._duals(self._demand_row),
            stock=self._duals(self._stock_row),
            bay=[self._duals(rows) for rows in self._bay_row],
        )

    def _duals(self, index: np.ndarray) -> FloatArray:
        """Row duals laid out like ``index`` (0 where there is no row), clipped at 0."""
        out = np.zeros(index.shape)
        used = index >= 0
        if used.any():
            out[used] = np.clip(self.lp.duals(index[used].tolist()), 0.0, None)
        return out

    def reduced_value(self, column: Column, duals: Duals) -> float:
        """A column's value less its rows' duals (the fleet row's excluded)."""
        rc = column.value
        rc -= sum(q * duals.demand[a, i] for (a, i), q in column.deliver.items())
        rc -= sum(q * duals.stock[w, i] for (w, i), q in column.take.items())
        rc -= sum(h * duals.bay[w][m] for (w, m), h in column.bay_h.items())
        return float(rc)

    def per_item(self) -> dict[str, float]:
        """Weighted coverage per demanded item in the master's solution."""
        inst = self.data.inst
        delivered = np.zeros_like(self.data.value)
        solved = self._columns[: len(self._solution)]  # columns added after a failed solve: none
        for lam, column in zip(self._solution.tolist(), solved, strict=True):
            for (a, i), q in column.deliver.items():
                delivered[a, i] += lam * q
        demanded = (inst.value > 0).any(axis=0) & (inst.demand > 0).any(axis=0)
        n_demanded = int(demanded.sum())
        covered = (inst.value * delivered).sum(axis=0) * n_demanded
        return {inst.item_ids[i]: float(covered[i]) for i in np.flatnonzero(demanded).tolist()}
