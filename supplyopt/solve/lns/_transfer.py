"""The transfer move: a vehicle carries stock from warehouse A to warehouse B, B's vehicles take it on.

Picks a warehouse B whose vehicles could still reach need in time for
items B lacks (chance by the value of that shortfall), a warehouse A near
it holding those items (one of the nearest few), and a vehicle at A, whose
day is cut from the start of one of its trips. The vehicle loads the most
valuable of the missing units A can spare (value per share of the truck)
and drives them to B, where they join B's stock when the unloading ends
(docs/planner.md, "Stock transfers"). The days of B's vehicles are cut
from then, to be rebuilt (with the mover's) by the repair, which now finds
the units there. The move is kept only when the plan ranks higher than the best
and than the same days cut and rebuilt without the transfer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..dispatch import TimedTransfer, TimedTrip
from ..instance import FloatArray, IntArray
from ._days import DayPlan, Key
from ._model import SearchModel
from ._reload import reload_visits
from ._repair import rebuild

#: Warehouse A is drawn among this many nearest to B that hold what B lacks.
SOURCES = 3
#: At most this many of B's vehicles are cut from the transfer's arrival and rebuilt.
RECEIVERS = 6


Score = Callable[[list[TimedTrip]], tuple[float, ...]]


@dataclass(frozen=True)
class Move:
    """What a transfer move cut: (vehicle, from when) pairs, and the groups whose need it freed."""

    cuts: list[tuple[Key, float]]
    freed: set[int]


def shortfall(model: SearchModel, plan: DayPlan) -> FloatArray:
    """(W,) value of the need each warehouse's vehicles could reach in time but it lacks stock for.

    Reach is judged from the warehouse's ready time with its fastest own
    vehicle type; what is lacking is the need there beyond its stock left.
    """
    inst = model.inst
    out = np.zeros(inst.n_warehouses)
    for b in range(inst.n_warehouses):
        need = _reachable_need(model, plan, b, float(inst.ready_h[b]))
        if need is None:
            continue
        total = need.sum(axis=0)
        lack = np.maximum(total - plan.stock[b], 0) / np.maximum(total, 1)
        out[b] = float(((need * model.value).sum(axis=0) * lack).sum())
    return out


def _reachable_need(model: SearchModel, plan: DayPlan, b: int, from_h: float) -> IntArray | None:
    """(G, I) need that a loading at ``b`` starting at ``from_h`` could still unload in time."""
    inst = model.inst
    types = [k for k in range(len(inst.types)) if inst.fleet[b, k] > 0]
    if not types:
        return None
    depart = from_h + float(inst.load_h[b])
    arrive = np.min([depart + model.hours(k)[b, model.site] for k in types], axis=0)
    reach = np.isfinite(arrive) & (arrive <= model.max_due_h)
    if not reach.any():
        return None
    return model.group_need(plan.need, np.where(reach, arrive, np.inf))


def transfer_move(
    model: SearchModel, plan: DayPlan, rng: np.random.Generator, *, moves: bool
) -> Move | None:
    """Add one transfer trip to ``plan`` and cut the days it affects (None: nothing to try).

    ``moves``: the mover may drive empty to A first (else it must be there).
    """
    inst = model.inst
    lack = shortfall(model, plan)
    if lack.sum() <= 0:
        return None
    b = int(rng.choice(inst.n_warehouses, p=lack / lack.sum()))
    sources = _sources(model, plan, b)
    if not sources:
        return None
    a = sources[int(rng.integers(len(sources)))]
    movers = [key for key, day in plan.days.items() if _at(plan, key, day, a)]
    if not movers:
        return None
    mover = movers[int(rng.integers(len(movers)))]
    starts = [t.load_start_h for t in plan.days[mover]] or [0.0]
    cut_h = starts[int(rng.integers(len(starts)))]
    freed = plan.remove_from(mover, cut_h, model.group_of)
    trip = _transfer_trip(model, plan, mover, a, b, moves=moves)
    if trip is None:
        return None
    plan.add(mover, trip)
    receivers = _receivers(plan, b, trip.return_h, mover)
    for key, from_h in receivers:
        freed |= plan.remove_from(key, from_h, model.group_of)
    return Move([(mover, cut_h), *receivers], freed)


def _sources(model: SearchModel, plan: DayPlan, b: int) -> list[int]:
    """The nearest few warehouses with a road to ``b`` holding some item ``b`` lacks."""
    inst = model.inst
    need = _reachable_need(model, plan, b, float(inst.ready_h[b]))
    if need is None:
        return []
    missing = need.sum(axis=0) > plan.stock[b]
    hours = model.hours(0)[: inst.n_warehouses, b]
    held = [
        a
        for a in np.argsort(hours, kind="stable").tolist()
        if a != b and np.isfinite(hours[a]) and (plan.stock[a][missing] > 0).any()
    ]
    return held[:SOURCES]


def _at(plan: DayPlan, key: Key, day: list[TimedTrip], a: int) -> bool:
    """Whether the vehicle is based at ``a`` or loads there during its day."""
    return key[0] == a or any(t.warehouse_idx == a for t in day) or plan.position(key)[0] == a


def _transfer_trip(
    model: SearchModel, plan: DayPlan, key: Key, a: int, b: int, *, moves: bool
) -> TimedTrip | None:
    """The mover's next trip: from ``a`` to ``b`` with the most valuable units ``b`` lacks."""
    inst = model.inst
    base, k, idx = key
    at, free_h = plan.position(key)
    if at != a and not moves:
        return None
    hours, km = model.hours(k), inst.km(k)
    ready_at_a_h = max(free_h + (float(hours[at, a]) if at != a else 0.0), float(inst.ready_h[a]))
    start_h = plan.bays.earliest(a, ready_at_a_h)
    depart_h = start_h + float(inst.load_h[a])
    arrive_h = depart_h + float(hours[a, b])
    unload_start_h = plan.bays.earliest(b, max(arrive_h, float(inst.ready_h[b])))
    done_h = unload_start_h + float(inst.load_h[b])
    if not np.isfinite(done_h) or done_h >= inst.horizon_h:
        return None
    units = _load(model, plan, k, a, b, start_h, done_h)
    if units is None:
        return None
    return TimedTrip(
        warehouse_idx=a,
        vehicle_type_idx=k,
        vehicle_idx=idx,
        load_start_h=start_h,
        depart_h=depart_h,
        stops=[],
        return_h=done_h,
        distance_km=float(km[a, b]),
        base_idx=base if base != a else None,
        empty_km=float(km[at, a]) if at != a else 0.0,
        transfer=TimedTransfer(b, arrive_h, units),
    )


def _load(
    model: SearchModel, plan: DayPlan, k: int, a: int, b: int, start_h: float, done_h: float
) -> IntArray | None:
    """(I,) units for the transfer: what ``b`` lacks for need reachable after ``done_h``.

    Best average value per share of the truck first, within what ``a`` can
    spare at ``start_h`` and the vehicle's weight and volume.
    """
    inst = model.inst
    need = _reachable_need(model, plan, b, done_h)
    if need is None:
        return None
    total = need.sum(axis=0)
    lacking = np.maximum(total - plan.stock_at(b, done_h), 0)
    spare = plan.stock_at(a, start_h)
    worth = (need * model.value).sum(axis=0) / np.maximum(total, 1) / model.share[k]
    room_kg, room_m3 = float(inst.capacity_kg[k]), float(inst.capacity_m3[k])
    units = np.zeros(inst.n_items, dtype=np.int64)
    for i in np.argsort(-worth, kind="stable").tolist():
        fit = min(
            int((room_kg + 1e-9) // model.weight_kg[i]), int((room_m3 + 1e-9) // model.volume_m3[i])
        )
        q = min(int(lacking[i]), int(spare[i]), fit)
        if q <= 0 or worth[i] <= 0:
            continue
        units[i] = q
        room_kg -= q * model.weight_kg[i]
        room_m3 -= q * model.volume_m3[i]
    return units if units.any() else None


def _receivers(plan: DayPlan, b: int, from_h: float, mover: Key) -> list[tuple[Key, float]]:
    """Vehicles at ``b`` to rebuild from ``from_h``: those loading there then, else idle there.

    Each is cut from its first loading at ``b`` at or after ``from_h`` (or
    has nothing to cut); the earliest first, at most :data:`RECEIVERS`.
    """
    found: list[tuple[float, Key]] = []
    for key, day in plan.days.items():
        if key == mover:
            continue
        later = [t.load_start_h for t in day if t.warehouse_idx == b and t.load_start_h >= from_h]
        if later:
            found.append((min(later), key))
            continue
        at, free_h = plan.position(key)
        if at == b and free_h < plan.inst.horizon_h:
            found.append((max(free_h, from_h), key))
    found.sort(key=lambda f: f[0])
    return [(key, cut_h) for cut_h, key in found[:RECEIVERS]]


#: A transfer move is tried every this many iterations of the search; the interval doubles
#: after each move that does not give a better plan (up to TRY_EVERY_MAX) and is reset by
#: one that does, so that where transfers never help they cost little time.
TRY_EVERY = 10
TRY_EVERY_MAX = 320


class TransferTrials:
    """When the search tries a transfer move, and the move with its repair.

    Its own random generator, so that the search's other moves draw the same
    numbers whether or not transfers are tried.
    """

    def __init__(self, model: SearchModel, *, seed: int, moves: bool, noise: float) -> None:
        self.model = model
        self.moves = moves
        self.noise = noise
        self.rng = np.random.default_rng([seed, 13, 7])
        self.every = TRY_EVERY
        self.next_it = TRY_EVERY
        self.tried = 0
        self.kept = 0

    def due(self, it: int) -> bool:
        """Whether iteration ``it`` (counted from 1) is followed by a transfer move."""
        return it >= self.next_it

    def attempt(self, current: DayPlan, score: Score) -> tuple[DayPlan, tuple[float, ...]] | None:
        """``current`` with one transfer made and the days it cut rebuilt, and its score.

        None when no transfer could be made, or when the same days cut and
        rebuilt (with the same random draws) without the transfer rank as
        high: then it is the rebuild that gains, not the transfer.
        """
        self.tried += 1
        cand = current.copy()
        move = transfer_move(self.model, cand, self.rng, moves=self.moves)
        if move is None:
            return None
        draws = int(self.rng.integers(2**62))
        self._repair(cand, move.cuts, move.freed, draws)
        control = current.copy()
        freed: set[int] = set()
        for key, cut_h in move.cuts:
            freed |= control.remove_from(key, cut_h, self.model.group_of)
        self._repair(control, move.cuts, freed, draws)
        cand_score = score(cand.trips())
        if cand_score <= score(control.trips()):
            return None
        return cand, cand_score

    def _repair(
        self, plan: DayPlan, cuts: list[tuple[Key, float]], freed: set[int], draws: int
    ) -> None:
        """Settle the stock, reload the kept trips and rebuild the cut days (as the search does)."""
        settled, extra = plan.settle(self.model.group_of)
        reload_visits(self.model, plan, freed | settled)
        keys = [key for key, _ in cuts] + extra
        rng = np.random.default_rng(draws)
        rebuild(self.model, plan, keys, rng, noise=self.noise, moves=self.moves)

    def done(self, it: int, *, better: bool) -> None:
        """Record the outcome of the move after iteration ``it`` and when to try the next."""
        if better:
            self.kept += 1
            self.every = TRY_EVERY
        else:
            self.every = min(2 * self.every, TRY_EVERY_MAX)
        self.next_it = it + self.every
