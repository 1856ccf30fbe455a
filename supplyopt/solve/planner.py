"""The relief planner: allocation LP and dispatch, in rounds, within a time limit."""

from __future__ import annotations

import copy

import numpy as np
from numpy.typing import NDArray

from ..model import Plan, Scenario, Stop, Trip, apply_disruptions, assemble_plan
from ..network import build_travel_times
from .allocation import allocate
from .dispatch import Guest, TimedTrip, WarehouseDispatcher, fleet_state
from .instance import Instance, IntArray, build_instance
from .progress import Clock, ProgressCallback, StopCallback
from .sequence import resequence_trips
from .unmet import explain_unmet

#: Allocation/dispatch rounds at most; a round that delivers nothing new ends the loop.
MAX_ROUNDS = 8
#: Variants tried in order while time allows, the best plan kept. Each sets, for the first
#: allocation round, the scale of the vehicle-hour budgets and of the bay-hour budgets (see
#: ``allocate``'s ``fleet_scale`` and ``bay_scale``) and whether vehicles may be sent empty
#: to load at other warehouses. Province-scale scenarios have time for the first one or
#: two, the best there (large-province seeds 1-3, xl seed 1; docs/planner.md); smaller
#: ones try them all.
VARIANTS: tuple[tuple[float, float, bool], ...] = (
    (0.5, 0.5, True),
    (0.7, 0.7, True),
    (0.5, 1.0, True),
    (0.7, 1.0, True),
    (0.35, 1.0, True),
    (1.0, 1.0, True),
    (1.0, 1.0, False),
    (0.7, 1.0, False),
    (0.5, 1.0, False),
)
#: Randomised restarts after the variants: RESTART_WORK // (areas × warehouses), at most
#: MAX_RESTARTS (a 30-area, one-warehouse scenario gets 40; province scale none).
RESTART_WORK = 20_000
MAX_RESTARTS = 40
#: First-area rules tried by the dispatcher, per warehouse and round.
DISPATCH_RULES = ("slack", "density", "density-last")
#: Share of the time limit the stages plan within (the rest is margin).
SAFETY = 0.95
#: Decimals kept for hours in the plan file (0.0001 h = 0.36 s).
TIME_DECIMALS = 4


def plan_relief(
    scenario: Scenario,
    *,
    time_limit_s: float = 30.0,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    should_stop: StopCallback | None = None,
    reposition: bool = True,
) -> Plan:
    """Plan which warehouse sends what, on which vehicle, arriving when.

    Parameters
    ----------
    scenario
        The scenario; validated again here, so one changed in code is safe.
    time_limit_s
        Wall-clock budget. The best plan found by then is returned.
    seed
        Seed of the randomised restarts and of the routing engine that
        re-sequences multi-stop trips; recorded in the plan. Same scenario
        and seed give the same plan unless the time limit cuts a stage short.
    progress
        Called with a :class:`~supplyopt.solve.progress.Progress` as stages finish.
    should_stop
        Polled between stages; when it returns True the best plan so far is
        returned (a partial plan is still a valid plan).
    reposition
        Allow sending vehicles empty from their base to load at another
        warehouse (such trips carry ``based_at`` and ``empty_km``). False
        keeps every vehicle loading at its own base.

    Returns
    -------
    Plan
        Trips, unmet demand with reasons and the contract's KPIs. Never
        raises for an infeasible scenario: what cannot be done is in ``unmet``.

    Raises
    ------
    ScenarioError
        If the scenario is invalid.
    ValueError
        If ``seed`` is negative.
    """
    from ..io import parse_scenario

    if seed < 0:
        raise ValueError(f"seed: must be >= 0 (got {seed})")
    # The stages plan within 95 % of the limit: an LP being built or a warehouse being
    # dispatched is not interrupted, and the plan must still be explained and assembled.
    clock = Clock(SAFETY * time_limit_s, progress, should_stop)
    scenario = apply_disruptions(parse_scenario(scenario.model_dump(by_alias=True)))
    clock.report("travel", 0.0, "computing travel times")
    travel = build_travel_times(scenario)
    inst = build_instance(scenario, travel)
    timed = _plan_best(inst, clock, reposition=reposition, seed=seed)
    timed = resequence_trips(inst, timed, clock, seed=seed)
    trips = [_to_trip(inst, trip) for trip in timed]
    trips.sort(key=lambda t: (t.load_start_hours, t.warehouse, t.vehicle_type, _number(t.vehicle)))
    on_time = _units_delivered(inst, timed)
    left = inst.stock - _units_taken(inst, timed)
    unmet = explain_unmet(inst, on_time, left)
    plan = assemble_plan(
        scenario,
        trips,
        unmet,
        solve_seconds=round(clock.elapsed_s, 3),
        seed=seed,
        time_limit_s=time_limit_s,
        notes=list(travel.notes),
    )
    clock.report(
        "done", 1.0, f"{len(trips)} trips, coverage {plan.summary.weighted_coverage_on_time:.3f}"
    )
    return plan


def _number(vehicle: str) -> int:
    """The running number at the end of a vehicle id (``w/truck/12`` → 12)."""
    tail = vehicle.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _plan_best(inst: Instance, clock: Clock, *, reposition: bool, seed: int) -> list[TimedTrip]:
    """Plan with each variant, then restarts of the best one, while time allows; keep the best.

    Ranked in the contract's objective order: on-time value first, then the
    worst area's coverage, then the mean arrival of a unit, then the distance
    driven (empty drives included).
    """
    variants = [variant for variant in VARIANTS if reposition or not variant[2]]
    n_runs = len(variants)
    best: tuple[tuple[float, ...], list[TimedTrip]] | None = None
    best_variant = variants[0]
    last_run_s = 0.0

    def attempt(
        variant: tuple[float, float, bool],
        span: tuple[float, float],
        label: str,
        rng: np.random.Generator | None = None,
    ) -> bool:
        """Plan one variant unless time is short; keep it if best. False: out of time."""
        nonlocal best, best_variant, last_run_s
        if best is not None and (clock.stopped() or clock.remaining_s < 1.5 * last_run_s):
            return False
        started = clock.elapsed_s
        scale, bay_scale, moves = variant
        trips = _plan_trips(
            inst,
            clock,
            scale,
            bay_scale=bay_scale,
            span=span,
            label=label,
            reposition=moves,
            rng=rng,
        )
        last_run_s = clock.elapsed_s - started
        score = _score(inst, trips)
        if best is None or score > best[0]:
            best, best_variant = (score, trips), variant
        return True

    for run, variant in enumerate(variants):
        span = (0.05 + 0.9 * run / n_runs, 0.05 + 0.9 * (run + 1) / n_runs)
        if not attempt(variant, span, f"variant {run + 1}/{n_runs}"):
            break
    # Randomised restarts of the best variant's dispatch, a number fixed by the size.
    winner = best_variant
    for restart in range(_restarts(inst)):
        rng = np.random.default_rng([seed, restart])
        if not attempt(winner, (0.95, 0.95), f"restart {restart + 1}", rng):
            break
    assert best is not None
    return best[1]


def _restarts(inst: Instance) -> int:
    """How many randomised restarts: many on small scenarios, none at province scale."""
    size = inst.n_areas * inst.n_warehouses
    return min(MAX_RESTARTS, RESTART_WORK // max(size, 1))


def _score(inst: Instance, trips: list[TimedTrip]) -> tuple[float, ...]:
    """The contract's objective order as a tuple to maximise (rounded so noise cannot decide)."""
    on_time = np.minimum(_units_delivered(inst, trips), inst.demand)
    units = sum(int(stop.units.sum()) for trip in trips for stop in trip.stops)
    unit_hours = sum(stop.arrive_h * int(stop.units.sum()) for trip in trips for stop in trip.stops)
    km = sum(trip.distance_km + trip.empty_km for trip in trips)
    return (
        round(float((inst.value * on_time).sum()), 9),
        round(_min_area_coverage(inst, on_time), 9),
        -round(unit_hours / max(units, 1), 6),
        -round(km, 3),
    )


def _min_area_coverage(inst: Instance, on_time: IntArray) -> float:
    demanded = inst.demand > 0
    ratio = np.where(demanded, on_time / np.maximum(inst.demand, 1), 0.0)
    counts = demanded.sum(axis=1)
    per_area = ratio.sum(axis=1)[counts > 0] / counts[counts > 0]
    return float(per_area.min()) if per_area.size else 0.0


def _plan_trips(
    inst: Instance,
    clock: Clock,
    fleet_scale: float,
    *,
    bay_scale: float = 1.0,
    span: tuple[float, float] = (0.05, 0.95),
    label: str = "",
    reposition: bool = False,
    rng: np.random.Generator | None = None,
) -> list[TimedTrip]:
    dispatchers = [WarehouseDispatcher.create(inst, w) for w in range(inst.n_warehouses)]
    stock = inst.stock.copy()
    on_time = np.zeros_like(inst.demand)
    trips: list[TimedTrip] = []
    greedy = False
    for round_no in range(1, MAX_ROUNDS + 1):
        if clock.stopped():
            break
        need = inst.demand - on_time
        if need.sum() == 0:
            break
        if greedy:
            pending = _greedy_allocation(inst, stock, need, dispatchers)
        else:
            budget = max(0.5, clock.remaining_s / 2)
            allocation = allocate(
                inst,
                stock,
                need,
                on_time,
                fleet_state(dispatchers),
                time_limit_s=budget,
                fleet_scale=fleet_scale if round_no == 1 else 1.0,
                bay_scale=bay_scale if round_no == 1 else 1.0,
                moves=reposition and round_no == 1,
            )
            pending = allocation.units
            if allocation.moves is not None:
                dispatchers = _moved_dispatchers(inst, _round_moves(inst, allocation.moves))
        new: list[TimedTrip] = []
        spare_need = np.maximum(need - pending.sum(axis=0), 0)
        for w in range(inst.n_warehouses):
            if clock.stopped():
                break  # out of time: keep the warehouses dispatched so far
            if pending[w].any():
                spare_stock = np.maximum(stock[w] - pending[w].sum(axis=0), 0)
                dispatchers[w], trips_w, spare_need = _dispatch_best(
                    inst, dispatchers[w], pending[w], spare_need, spare_stock, rng
                )
                new += trips_w
        delivered = _units_delivered(inst, new)
        if delivered.sum() == 0:
            if greedy:
                break
            greedy = True  # the LP's relaxed fleet view is stuck: try a plain sweep
            continue
        trips += new
        on_time += delivered
        stock -= _units_taken(inst, new)
        coverage = float((inst.value * np.minimum(on_time, inst.demand)).sum())
        clock.report(
            "dispatch",
            span[0] + (span[1] - span[0]) * round_no / MAX_ROUNDS,
            f"{label + ', ' if label else ''}round {round_no}: {len(trips)} trips, "
            f"weighted coverage {coverage:.3f}",
        )
    return trips


def _round_moves(inst: Instance, moves: NDArray[np.float64]) -> IntArray:
    """Whole vehicles to move, ``(u, w, k)``: the LP's moves rounded to the nearest.

    Never more than the base has of that type.
    """
    whole = np.floor(moves + 1e-6).astype(np.int64)
    frac = moves - whole
    n_w, _, n_k = moves.shape
    for u in range(n_w):
        for k in range(n_k):
            spare = int(inst.fleet[u, k]) - int(whole[u, :, k].sum())
            for w in np.argsort(-frac[u, :, k], kind="stable")[: max(spare, 0)]:
                if frac[u, w, k] >= 0.5:
                    whole[u, w, k] += 1
    return whole


def _moved_dispatchers(inst: Instance, moved: IntArray) -> list[WarehouseDispatcher]:
    """Fresh dispatchers with ``moved[u, w, k]`` vehicles sent empty from u to w at u's ready time.

    The vehicles sent are the base's highest-numbered ones of their type.
    """
    n_w = inst.n_warehouses
    guests: list[list[Guest]] = [[] for _ in range(n_w)]
    stay = inst.fleet.copy()
    for u, w, k in zip(*np.nonzero(moved), strict=True):
        hours, km = inst.hours(int(k)), inst.km(int(k))
        for _ in range(int(moved[u, w, k])):
            stay[u, k] -= 1
            guests[w].append(
                Guest(
                    base=int(u),
                    k=int(k),
                    number=int(stay[u, k]),
                    free_h=float(inst.ready_h[u] + hours[u, w]),
                    empty_km=float(km[u, w]),
                )
            )
    return [
        WarehouseDispatcher.create(inst, w, fleet=stay[w], guests=guests[w]) for w in range(n_w)
    ]


def _dispatch_best(
    inst: Instance,
    dispatcher: WarehouseDispatcher,
    pending: IntArray,
    spare_need: IntArray,
    spare_stock: IntArray,
    rng: np.random.Generator | None = None,
) -> tuple[WarehouseDispatcher, list[TimedTrip], IntArray]:
    """Dispatch with each first-area rule; keep the one that delivers more value.

    Returns the dispatcher's new state, its trips and the spare need left.
    """
    best: tuple[float, WarehouseDispatcher, list[TimedTrip], IntArray] | None = None
    for rule in ("density-last",) if rng is not None else DISPATCH_RULES:
        trial = copy.deepcopy(dispatcher)
        need_left = spare_need.copy()
        trips = trial.run(
            pending.copy(),
            rule=rule,
            spare_need=need_left,
            spare_stock=spare_stock.copy(),
            rng=rng,
        )
        value = float((inst.value * _units_delivered(inst, trips)).sum())
        if best is None or value > best[0] + 1e-12:
            best = (value, trial, trips, need_left)
    assert best is not None
    return best[1], best[2], best[3]


def _greedy_allocation(
    inst: Instance, stock: IntArray, need: IntArray, dispatchers: list[WarehouseDispatcher]
) -> NDArray[np.int64]:
    """Share what is left warehouse by warehouse, nearest areas first, most valuable first."""
    pending = np.zeros((inst.n_warehouses, inst.n_areas, inst.n_items), dtype=np.int64)
    need = need.copy()
    arrival = inst.earliest_arrival_h()
    for w in range(inst.n_warehouses):
        if not any(dispatchers[w].fleet_state()[0]):
            continue
        reach = np.flatnonzero(arrival[w] <= inst.deadline_h)
        for a in reach[np.argsort(arrival[w, reach], kind="stable")]:
            take = np.minimum(need[a], stock[w] - pending[w].sum(axis=0))
            pending[w, a] = np.maximum(take, 0)
            need[a] -= pending[w, a]
    return pending


def _units_delivered(inst: Instance, trips: list[TimedTrip]) -> IntArray:
    out = np.zeros_like(inst.demand)
    for trip in trips:
        for stop in trip.stops:
            out[stop.area] += stop.units
    return out


def _units_taken(inst: Instance, trips: list[TimedTrip]) -> IntArray:
    out = np.zeros_like(inst.stock)
    for trip in trips:
        for stop in trip.stops:
            out[trip.warehouse] += stop.units
    return out


def _hours(value: float) -> float:
    return round(value, TIME_DECIMALS)


def _to_trip(inst: Instance, trip: TimedTrip) -> Trip:
    scenario = inst.scenario
    warehouse = scenario.warehouses[trip.warehouse]
    base = scenario.warehouses[trip.base] if trip.base >= 0 else warehouse
    vtype = inst.types[trip.vehicle_type]
    stops = [
        Stop(
            area=scenario.areas[stop.area].id,
            arrive_hours=_hours(stop.arrive_h),
            deliver={inst.item_ids[i]: int(q) for i, q in enumerate(stop.units) if q > 0},
        )
        for stop in trip.stops
    ]
    return Trip(
        vehicle=f"{base.id}/{vtype.id}/{trip.vehicle + 1}",
        warehouse=warehouse.id,
        vehicle_type=vtype.id,
        load_start_hours=_hours(trip.load_start_h),
        depart_hours=_hours(trip.depart_h),
        stops=stops,
        return_hours=_hours(trip.return_h),
        distance_km=round(trip.distance_km, 3),
        based_at=base.id if base is not warehouse else None,
        empty_km=round(trip.empty_km, 3) if trip.empty_km else None,
    )
