"""An upper bound on weighted on-time coverage over whole vehicle-days (Lagrangian form).

A vehicle-day is one vehicle's day: a type at a base, a sequence of trips
from warehouses (loading in a bay, stops, return; empty drives between
warehouses), and what it delivers on time. Its column-generation master
would choose how many vehicles run each day under demand, stock and
loading-bay rows; this module works on that master's Lagrangian dual
instead. For any non-negative multipliers ``(pi, sigma, beta)`` of those
rows, the pricing (:mod:`._vd_pricing`) bounds the best reduced value
``P(u, k)`` of *any* day of a relaxed set that contains every real day, so

    pi.d + sigma.stock + beta.bay-hours + sum_(base, type) n × max(0, P(base, type))

is an upper bound on every plan's weighted on-time coverage, whatever the
multipliers. The smallest over the iterations is reported: a bound cut
short by the clock is still valid. The multipliers start at today's LP
bound's duals and move by projected subgradient steps (Polyak's rule) whose
subgradients are the pricing's own relaxed days (:mod:`._vd_subgradient`);
the master's duals were tried first and priced far worse (see
``docs/planner.md``, "The vehicle-day bound"). The best multipliers are
priced once more with time buckets four times narrower at the end.

Stock transfers (docs/planner.md, "Stock transfers") are not among the days:
the stock rows are per warehouse as the scenario gives it, and the LP rows it
takes in are those of the LP bound for plans without transfers (the
planner's default). With one warehouse no transfer exists and the bound
covers every plan (``covers_transfers``); elsewhere it bounds the plans
without transfers, and ``coverage_upper_bound(..., transfers=True)`` is the
one for plans with them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ...model import Scenario
from ...network import TravelTimes, build_travel_times
from ..instance import build_instance
from ._vd_data import FloatArray, VdData, build_data, with_lp_rows
from ._vd_pricing import (
    DayTable,
    Duals,
    bay_costs,
    best_day,
    day_values,
    reduced_value,
    trip_caps,
    trip_values,
)
from ._vd_subgradient import Usage, add_trip_usage
from .bound import CoverageBound, coverage_upper_bound

#: Polyak target: this share of the best bound so far (the step aims a little below it).
TARGET_SHARE = 0.985
#: Steps without a better bound before the step length is halved (from the best multipliers).
PATIENCE = 5
#: The last pricing's buckets are this many times narrower (less rounding, slower).
POLISH_FINER = 4
#: Stop when the step length factor falls below this.
MIN_STEP = 1.0 / 512


@dataclass(frozen=True)
class VehicleDayBound:
    """The vehicle-day bound on ``weighted_coverage_on_time`` and how it was reached.

    Attributes
    ----------
    weighted_coverage
        The bound: no plan scores higher (the smallest Lagrangian bound over
        the iterations and the final fine pricing, at most 1).
    first
        The bound at the first multipliers (today's LP bound's duals).
    iterations
        Pricing rounds run (the final fine pricing not counted).
    best_iteration
        The round whose multipliers gave the smallest bound (1-based).
    stopped
        Why the iterations stopped: ``"steps"`` (the step length ran
        out), ``"time"``, ``"iterations"`` or ``"zero"`` (nothing to deliver,
        or a bound of 0 reached).
    polished
        The bound from the final pricing at the best multipliers with
        buckets ``POLISH_FINER`` times narrower (``nan`` when it was not run).
    bucket_h
        Width of the time buckets.
    solve_seconds
        Wall-clock time.
    history
        The bound after each iteration.
    covers_transfers
        Whether the bound holds for plans with stock transfers too: true with
        one warehouse; false means it bounds only plans without transfers
        (use ``coverage_upper_bound(..., transfers=True)`` for those).
    """

    weighted_coverage: float
    first: float = float("nan")
    iterations: int = 0
    best_iteration: int = 0
    stopped: str = "zero"
    polished: float = float("nan")
    bucket_h: float = 0.0
    solve_seconds: float = 0.0
    history: tuple[float, ...] = ()
    covers_transfers: bool = True


def vehicle_day_bound(
    scenario: Scenario,
    *,
    time_limit_s: float = 120.0,
    max_iterations: int | None = None,
    bucket_h: float = 0.1,
    polish: bool = True,
    travel: TravelTimes | None = None,
) -> VehicleDayBound:
    """Bound the weighted on-time coverage of every plan by a Lagrangian over vehicle-days.

    Parameters
    ----------
    scenario
        A validated scenario, planned from T0 (demand lots are respected:
        each lot's units count only by its own due time).
    time_limit_s
        Wall-clock budget for the iterations; checked between them (the
        final fine pricing comes after). The bound is valid whenever it stops.
    max_iterations
        Pricing rounds at most (``None``: until the step runs out or the time).
    bucket_h
        Width of the time buckets (smaller: tighter and slower); made
        smaller still if some trip could take less.
    polish
        Price the best multipliers once more with buckets ``POLISH_FINER`` times narrower.
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
    lp = coverage_upper_bound(scenario)
    data = with_lp_rows(build_data(inst, bucket_h=bucket_h), lp.fleet_costs, lp.fleet_rows_value)
    history: list[float] = []
    priced: list[tuple[float, Duals, Usage]] = []
    for start in _starts(data, lp):
        if history and max_iterations is not None and len(history) >= max_iterations:
            break
        bound, usage = _price(data, start)
        history.append(bound / data.scale)
        priced.append((bound, start, usage))
    # Steps begin at the first start; the second (the LP's own point, where every day is
    # worth at most nothing) counts for the bound but gives no direction to step in.
    best = priced[0]
    bound, duals, usage = best
    step, since, stopped = 1.0, 0, "iterations"
    while True:
        if best[0] <= 1e-12:
            stopped = "zero"
            break
        if step < MIN_STEP:
            stopped = "steps"
            break
        if time.perf_counter() - started >= time_limit_s:
            stopped = "time"
            break
        if max_iterations is not None and len(history) >= max_iterations:
            break
        duals = _step(data, duals, usage, step * (bound - TARGET_SHARE * best[0]))
        bound, usage = _price(data, duals)
        history.append(bound / data.scale)
        if bound < best[0] - 1e-12:
            best, since = (bound, duals, usage), 0
        else:
            since += 1
            if since >= PATIENCE:  # back to the best multipliers, with shorter steps
                step, since = step / 2, 0
                bound, duals, usage = best
    polished = float("nan")
    if polish and best[0] > 1e-12:
        fine = with_lp_rows(
            build_data(inst, bucket_h=data.delta_h / POLISH_FINER),
            lp.fleet_costs,
            lp.fleet_rows_value,
        )
        polished = _price(fine, _rebucket(best[1], fine))[0] / fine.scale
    return VehicleDayBound(
        weighted_coverage=min(
            1.0, *history, *([polished] if polish and polished == polished else [])
        ),
        first=history[0],
        iterations=len(history),
        best_iteration=1 + int(np.argmin(history)),
        stopped=stopped,
        polished=polished,
        bucket_h=data.delta_h,
        solve_seconds=time.perf_counter() - started,
        history=tuple(history),
        covers_transfers=len(scenario.warehouses) < 2,
    )


def _starts(data: VdData, lp: CoverageBound) -> list[Duals]:
    """First multipliers, both from today's LP bound (any non-negative ones are valid).

    Its demand and stock duals price units by how scarce trucks make them
    (plus what its column bounds priced, :func:`_bargains`). With them,
    either its whole-day bay-hour price goes on each warehouse's first bay
    window (``kappa = 0``: the day's own time and bay rows do the rest; the
    steps begin here), or its fleet, last-trip and bay rows are priced whole
    (``kappa = 1``): every unit's reduced value is then its LP reduced cost,
    at most 0, so no day is worth anything and the bound is the LP's dual
    value, the LP bound itself when the column bounds' prices land on the
    demand rows exactly (as on every family measured).
    """
    demand = np.zeros_like(data.value)
    stock = np.zeros_like(data.stock)
    if lp.demand_duals is not None and lp.stock_duals is not None:
        demand = lp.demand_duals[data.inst.area_of] * data.scale
        stock = lp.stock_duals * data.scale
    bay = [np.zeros(len(s)) for s in data.bay_start]
    if lp.bay_duals is not None:
        for w, windows in enumerate(bay):
            if len(windows):
                windows[0] = float(lp.bay_duals[w]) * data.scale
    raise_demand, raise_stock = _bargains(data, demand, stock)
    demand, stock = demand + raise_demand, stock + raise_stock
    starts = [Duals(demand=demand, stock=stock, bay=bay)]
    if data.lp_cost is not None:
        zero = [np.zeros(len(s)) for s in data.bay_start]
        starts.append(Duals(demand=demand, stock=stock, bay=zero, kappa=1.0))
    return starts


def _bargains(data: VdData, demand: FloatArray, stock: FloatArray) -> tuple[FloatArray, FloatArray]:
    """What the LP's column bounds priced, moved onto the demand or stock rows.

    A delivery variable of the LP at its upper bound (the smaller of the
    area's demand and the warehouse's stock) may keep a positive reduced
    value that no row's dual pays; every vehicle-day could then claim it.
    Raising the dual of the row with the smaller right-hand side by the
    largest such value prices it once for all. Returns the raises, (A, I)
    and (W, I).
    """
    if data.lp_cost is None or data.lp_allowed is None:
        return np.zeros_like(demand), np.zeros_like(stock)
    rv = data.value[None, None] - demand[None, None] - stock[:, None, None, :] - data.lp_cost
    rv = np.clip(np.where(data.lp_allowed, rv, 0.0), 0.0, None)  # (W, K, A, I)
    by_stock = (data.stock[:, None, :] < data.demand[None, :, :])[:, None]  # (W, 1, A, I)
    raise_demand = np.where(by_stock, 0.0, rv).max(axis=(0, 1))
    raise_stock = np.where(by_stock, rv, 0.0).max(axis=(1, 2))
    return np.asarray(raise_demand, dtype=np.float64), np.asarray(raise_stock, dtype=np.float64)


def _rebucket(duals: Duals, data: VdData) -> Duals:
    """The same multipliers on ``data``'s bay windows (window ``m`` keeps its multiplier).

    Windows start every hour from each warehouse's ready bucket, so the
    ``m``-th window is about the same hour at any bucket width; any
    non-negative multipliers are valid, so the match need not be exact.
    """
    bay = []
    for old, caps in zip(duals.bay, data.bay_cap_h, strict=True):
        new = np.zeros(len(caps))
        n = min(len(old), len(caps))
        new[:n] = old[:n]
        bay.append(new)
    return Duals(demand=duals.demand, stock=duals.stock, bay=bay, kappa=duals.kappa)


def _step(data: VdData, duals: Duals, usage: Usage, gap: float) -> Duals:
    """Projected subgradient step of Polyak length ``gap / |g|²`` (multipliers stay >= 0).

    ``g`` is each row's right-hand side less what the pricing's best days
    use: a subgradient of the bound, so moving against it lowers the bound
    for a short enough step. Any non-negative multipliers give a valid
    bound, so a poor step costs only iterations.
    """
    g_demand = data.demand - usage.demand
    g_stock = data.stock - usage.stock
    g_bay = [cap - used for cap, used in zip(data.bay_cap_h, usage.bay, strict=True)]
    norm = float((g_demand**2).sum() + (g_stock**2).sum() + sum((g**2).sum() for g in g_bay))
    g_kappa = data.lp_rows - usage.lp
    norm += g_kappa**2
    size = max(gap, 0.0) / norm if norm > 0 else 0.0
    return Duals(
        demand=np.maximum(0.0, duals.demand - size * g_demand),
        stock=np.maximum(0.0, duals.stock - size * g_stock),
        bay=[np.maximum(0.0, b - size * g) for b, g in zip(duals.bay, g_bay, strict=True)],
        kappa=max(0.0, duals.kappa - size * g_kappa) if data.lp_cost is not None else 0.0,
    )


def _price(data: VdData, duals: Duals) -> tuple[float, Usage]:
    """The Lagrangian bound at ``duals`` (scaled) and what its best days use."""
    inst = data.inst
    usage = Usage.empty(data)
    bound = float((duals.demand * data.demand).sum() + (duals.stock * data.stock).sum())
    bound += sum(float(b @ c) for b, c in zip(duals.bay, data.bay_cap_h, strict=True))
    bound += duals.kappa * data.lp_rows
    bays = [bay_costs(data, duals, w) for w in range(inst.n_warehouses)]
    for k in range(len(inst.types)):
        bases = np.flatnonzero(inst.fleet[:, k] > 0)
        if not len(bases):
            continue
        tables = [trip_values(data, duals, w, k) for w in range(inst.n_warehouses)]
        day = day_values(data, k, tables, bays)
        for base in bases.tolist():
            best = _start_value(data, day, base)
            bound += float(inst.fleet[base, k]) * max(0.0, best)
            if best <= 1e-12:
                continue
            for trip in best_day(data, day, tables, bays, k=k, base=base):
                add_trip_usage(
                    data,
                    usage,
                    rv=reduced_value(data, duals, trip.warehouse, k),
                    caps=trip_caps(data, trip.warehouse, k),
                    w=trip.warehouse,
                    k=k,
                    start=trip.start,
                    length=trip.length,
                    grid=tables[trip.warehouse].grid[trip.grid],
                    vehicles=float(inst.fleet[base, k]),
                )
    return bound, usage


def _start_value(data: VdData, day: DayTable, base: int) -> float:
    """Best reduced value of a day starting at ``base`` when it is ready."""
    return float(day.value[base, int(data.ready_bucket[base])])
