"""Rounds of allocation and dispatch: the LP-driven plan and the greedy first plan.

A round shares what is still needed among the warehouses (the allocation LP,
a greedy sweep when the LP is stuck, or, for the first plan, each area's
nearest holders), then dispatches every warehouse's share with real, timed
trips. What a round could not carry goes into the next round.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ._allocation_model import hours_left
from .allocation import allocate
from .dispatch import Guest, TimedTrip, WarehouseDispatcher, fleet_state
from .instance import FloatArray, Instance, IntArray
from .progress import Clock

#: Allocation/dispatch rounds at most; a round that delivers nothing new ends the loop.
MAX_ROUNDS = 8
#: First-area rules tried by the dispatcher, per warehouse and round.
DISPATCH_RULES = ("slack", "density", "density-last")


@dataclass
class RoundState:
    """Dispatchers, stock, deliveries and trips carried from round to round."""

    inst: Instance
    dispatchers: list[WarehouseDispatcher]
    stock: IntArray
    on_time: IntArray
    trips: list[TimedTrip] = field(default_factory=list)

    @classmethod
    def start(cls, inst: Instance) -> RoundState:
        """Every vehicle where the instance starts it; nothing shipped.

        By default every vehicle is at its base, free at its warehouse's ready time.
        """
        return cls(
            inst,
            [WarehouseDispatcher.create(inst, w) for w in range(inst.n_warehouses)],
            inst.stock.copy(),
            np.zeros_like(inst.demand),
        )

    @property
    def need(self) -> IntArray:
        """(A, I) demand not yet delivered on time."""
        return self.inst.demand - self.on_time

    def dispatch(
        self,
        pending: IntArray,
        clock: Clock,
        rng: np.random.Generator | None = None,
    ) -> list[TimedTrip]:
        """Dispatch each warehouse's share ``pending`` (W, A, I); return the new trips.

        ``pending`` is left holding what could not be carried. Stops between
        warehouses when the clock says so (recorded as cut short).
        """
        inst = self.inst
        new: list[TimedTrip] = []
        spare_need = np.maximum(self.need - pending.sum(axis=0), 0)
        for w in range(inst.n_warehouses):
            if not pending[w].any():
                continue
            if clock.stopped():
                clock.cut_short("dispatch of a round")
                break  # out of time: keep the warehouses dispatched so far
            spare_stock = np.maximum(self.stock[w] - pending[w].sum(axis=0), 0)
            self.dispatchers[w], trips_w, spare_need = _dispatch_best(
                inst, self.dispatchers[w], pending[w], spare_need, spare_stock, rng
            )
            new += trips_w
        return new

    def add(self, new: list[TimedTrip]) -> int:
        """Record a round's trips; return the units they deliver."""
        delivered = units_delivered(self.inst, new)
        self.trips += new
        self.on_time += delivered
        self.stock -= units_taken(self.inst, new)
        return int(delivered.sum())

    def coverage(self) -> float:
        """Weighted on-time coverage so far."""
        inst = self.inst
        return float((inst.value * np.minimum(self.on_time, inst.demand)).sum())


def first_plan(inst: Instance) -> list[TimedTrip]:
    """A complete plan in milliseconds, before any LP: each area from its nearest holders.

    Round by round, every area's remaining need is given to the warehouses
    that can reach it in time, nearest first, up to their stock (areas by
    priority, highest first), and dispatched. A warehouse that could not
    carry all of its share has no vehicle left that can make another on-time
    trip for it, so later rounds give that need to the next nearest.
    Not interrupted by the clock: it is the plan returned whatever happens.
    """
    state = RoundState.start(inst)
    never = Clock(math.inf)
    usable = inst.fleet.sum(axis=1) > 0
    for _ in range(MAX_ROUNDS):
        need = state.need
        if not need.any() or not usable.any():
            break
        left = nearest_allocation(inst, state.stock, need, usable)
        new = state.dispatch(left, never)
        usable &= ~left.any(axis=(1, 2))  # these have no vehicle left for that need
        if state.add(new) == 0:
            break
    return state.trips


def nearest_allocation(
    inst: Instance, stock: IntArray, need: IntArray, usable: NDArray[np.bool_]
) -> IntArray:
    """(W, A, I) each area's need from its nearest ``usable`` holders that arrive in time."""
    pending = np.zeros((inst.n_warehouses, inst.n_areas, inst.n_items), dtype=np.int64)
    left = stock.copy()
    arrival = inst.earliest_arrival_h()
    in_time = (arrival <= inst.due_h[None, :]) & usable[:, None]
    for a in np.argsort(-inst.priority, kind="stable").tolist():
        rest = need[a].copy()
        holders = np.flatnonzero(in_time[:, a])
        for w in holders[np.argsort(arrival[holders, a], kind="stable")].tolist():
            take = np.minimum(rest, left[w])
            pending[w, a] = take
            left[w] -= take
            rest -= take
    return pending


@dataclass(frozen=True)
class FirstRound:
    """What the first round's LP allocated and what its dispatch made of it.

    Attributes
    ----------
    allocated
        (W, A, I) units the LP gave each warehouse.
    left
        (W, A, I) of those units the dispatch could not carry.
    trips
        The round's trips.
    vehicle_h_before, vehicle_h_after
        (W, K) vehicle hours left to the horizon at each warehouse (moved
        vehicles counted where they load), before and after the dispatch.
    bay_h_before, bay_h_after
        (W,) loading-bay hours left to the horizon (0 for unlimited bays).
    """

    allocated: IntArray
    left: IntArray
    trips: list[TimedTrip]
    vehicle_h_before: FloatArray
    vehicle_h_after: FloatArray
    bay_h_before: FloatArray
    bay_h_after: FloatArray


@dataclass(frozen=True)
class Rounds:
    """A plan of rounds: its trips and, when an LP round ran first, that round's record."""

    trips: list[TimedTrip]
    first: FirstRound | None


def plan_rounds(
    inst: Instance,
    clock: Clock,
    fleet_scale: float | FloatArray,
    *,
    bay_scale: float | FloatArray = 1.0,
    span: tuple[float, float] = (0.05, 0.95),
    label: str = "",
    reposition: bool = False,
    rng: np.random.Generator | None = None,
) -> Rounds:
    """Rounds of allocation LP and dispatch until nothing more is carried or time is up.

    ``fleet_scale``, ``bay_scale`` and ``reposition`` apply to the first
    round's LP only (see ``allocate``). Returns the trips and the first
    round's record (what the feedback of :mod:`.feedback` measures).
    """
    state = RoundState.start(inst)
    greedy = False
    first_round: FirstRound | None = None
    for round_no in range(1, MAX_ROUNDS + 1):
        need = state.need
        if need.sum() == 0:
            break
        if clock.stopped():
            clock.cut_short("allocation and dispatch rounds")
            break
        if greedy:
            pending = _greedy_allocation(inst, state.stock, need, state.dispatchers)
        else:
            first = round_no == 1
            pending = _allocate_round(
                state,
                clock,
                fleet_scale if first else 1.0,
                bay_scale if first else 1.0,
                moves=reposition and first,
            )
        allocated = pending.copy()
        before = _hours_left(inst, state.dispatchers) if round_no == 1 else None
        new = state.dispatch(pending, clock, rng)  # leaves in pending what it could not carry
        if before is not None:
            after = _hours_left(inst, state.dispatchers)
            first_round = FirstRound(
                allocated, pending.copy(), new, before[0], after[0], before[1], after[1]
            )
        if state.add(new) == 0:
            if greedy:
                break
            greedy = True  # the LP's relaxed fleet view is stuck: try a plain sweep
            continue
        clock.report(
            "dispatch",
            span[0] + (span[1] - span[0]) * round_no / MAX_ROUNDS,
            f"{label + ', ' if label else ''}round {round_no}: {len(state.trips)} trips, "
            f"weighted coverage {state.coverage():.3f}",
        )
    return Rounds(state.trips, first_round)


def _hours_left(
    inst: Instance, dispatchers: list[WarehouseDispatcher]
) -> tuple[FloatArray, FloatArray]:
    """(W, K) vehicle hours and (W,) bay hours left to the horizon at each warehouse."""
    vehicle_h = np.zeros((inst.n_warehouses, len(inst.types)))
    bay_h = np.zeros(inst.n_warehouses)
    for w, dispatcher in enumerate(dispatchers):
        per_type, bays = dispatcher.fleet_state()
        for k, free_h in enumerate(per_type):
            vehicle_h[w, k] = hours_left(free_h, inst, w)
        bay_h[w] = hours_left(bays, inst, w)
    return vehicle_h, bay_h


def _allocate_round(
    state: RoundState,
    clock: Clock,
    fleet_scale: float | FloatArray,
    bay_scale: float | FloatArray,
    *,
    moves: bool,
) -> IntArray:
    """The LP's share for this round; moved vehicles replace the dispatchers (first round)."""
    inst = state.inst
    allocation = allocate(
        inst,
        state.stock,
        state.need,
        state.on_time,
        fleet_state(state.dispatchers),
        time_limit_s=max(0.5, clock.remaining_s / 2),
        fleet_scale=fleet_scale,
        bay_scale=bay_scale,
        moves=moves,
    )
    if allocation.cut:  # a stage stopped by its time limit before its optimum
        clock.cut_short("an allocation LP stage")
    if allocation.moves is not None:
        state.dispatchers = _moved_dispatchers(inst, _round_moves(inst, allocation.moves))
    return allocation.units


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
                    base_idx=int(u),
                    vehicle_type_idx=int(k),
                    vehicle_idx=int(stay[u, k]),
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
    ``pending`` is left as the best rule left it (what it could not carry).
    """
    best: tuple[float, WarehouseDispatcher, list[TimedTrip], IntArray, IntArray] | None = None
    for rule in ("density-last",) if rng is not None else DISPATCH_RULES:
        trial = dispatcher.clone()
        need_left = spare_need.copy()
        left = pending.copy()
        trips = trial.run(
            left,
            rule=rule,
            spare_need=need_left,
            spare_stock=spare_stock.copy(),
            rng=rng,
        )
        value = float((inst.value * units_delivered(inst, trips)).sum())
        if best is None or value > best[0] + 1e-12:
            best = (value, trial, trips, need_left, left)
    assert best is not None
    pending[...] = best[4]
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
        reach = np.flatnonzero(arrival[w] <= inst.due_h)
        left = stock[w].copy()
        for a in reach[np.argsort(arrival[w, reach], kind="stable")]:
            pending[w, a] = np.maximum(np.minimum(need[a], left), 0)
            need[a] -= pending[w, a]
            left -= pending[w, a]
    return pending


def units_delivered(inst: Instance, trips: list[TimedTrip]) -> IntArray:
    """(A, I) units the trips unload (on time: trips never arrive late)."""
    out = np.zeros_like(inst.demand)
    for trip in trips:
        for stop in trip.stops:
            out[stop.area_idx] += stop.units
    return out


def units_taken(inst: Instance, trips: list[TimedTrip]) -> IntArray:
    """(W, I) units the trips load at each warehouse, less what transfers bring there."""
    out = np.zeros_like(inst.stock)
    for trip in trips:
        for stop in trip.stops:
            out[trip.warehouse_idx] += stop.units
        if trip.transfer is not None:
            out[trip.warehouse_idx] += trip.transfer.units
            out[trip.transfer.warehouse_idx] -= trip.transfer.units
    return out
