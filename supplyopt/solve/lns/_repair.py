"""Repair: rebuild vehicle-days trip by trip, the vehicle free first choosing first."""

from __future__ import annotations

import heapq

import numpy as np

from ..dispatch import TimedTrip
from ..instance import FloatArray
from ._days import DayPlan, Key
from ._model import SearchModel
from ._trip import Leg, Loaded, first_stops, grow, timed_trip

#: Stops are added to a trip while they bring more than this share of the plan's average
#: value per vehicle-hour per hour they add (0: while the trip's value per hour rises).
PRICE_SCALE = 0.0
#: First stops (the best by value per hour, over the warehouses tried) grown into a trip each;
#: the trip worth most per hour is made.
FIRST_CHOICES = 1
#: A vehicle may drive empty to this many other warehouses (the nearest with stock) to load.
MOVE_CHOICES = 2
#: ... and to this many more: those, among the other warehouses with stock, where it could
#: start loading soonest (its drive there and the bays' queue).
SOONEST_CHOICES = 1


def rebuild(
    model: SearchModel,
    plan: DayPlan,
    keys: list[Key],
    rng: np.random.Generator | None,
    *,
    noise: float,
    moves: bool,
) -> None:
    """Extend the days of ``keys`` with new trips until none of them can add value.

    The vehicle free first takes the next trip (as in the dispatch), so
    vehicles share bays and need in time order. With ``rng`` each first
    stop's value per hour is scaled by a factor drawn from [1 - noise, 1].
    A destroy's ``plan.focus`` (a warehouse these vehicles may also load
    at) holds for this repair only: it is cleared at the end.
    """
    price_h = PRICE_SCALE * plan.value_per_hour() if PRICE_SCALE > 0 else 0.0
    heap: list[tuple[float, int, Key, int]] = []
    for order, key in enumerate(keys):
        at, free_h = plan.position(key)
        heap.append((free_h, order, key, at))
    heapq.heapify(heap)
    while heap:
        free_h, order, key, at = heapq.heappop(heap)
        trip = best_trip(
            model, plan, key, at, free_h, rng, noise=noise, moves=moves, price_h=price_h
        )
        if trip is None:
            # Stock a transfer brings later may give it a trip then (stock transfers).
            later_h = plan.next_arrival(at, free_h)
            if later_h is not None:
                heapq.heappush(heap, (later_h, order, key, at))
            continue
        plan.add(key, trip)
        heapq.heappush(heap, (trip.return_h, order, key, trip.end_idx))
    plan.focus = None


def best_trip(
    model: SearchModel,
    plan: DayPlan,
    key: Key,
    at: int,
    free_h: float,
    rng: np.random.Generator | None,
    *,
    noise: float,
    moves: bool,
    price_h: float = 0.0,
) -> TimedTrip | None:
    """The vehicle's next trip by value per hour, from ``at`` or (``moves``) another warehouse.

    The other warehouses tried: the MOVE_CHOICES nearest with stock, the
    SOONEST_CHOICES farther ones where loading could start sooner than at any
    of those (:func:`_sooner`), and the destroy's ``plan.focus``.
    """
    inst = model.inst
    base, k, idx = key
    hours = inst.hours(k)
    # The warehouses tried, in order, each with its earliest loading start.
    starts = {at: _loading_start(model, plan, at, free_h, hours, at)}
    if moves:
        drive = hours[at, : inst.n_warehouses]
        near = np.argsort(drive, kind="stable")
        usable = np.isfinite(drive) & plan.stock.any(axis=1)
        usable[at] = False
        stocked = near[usable[near]].tolist()
        for w in stocked[:MOVE_CHOICES]:
            starts[w] = _loading_start(model, plan, at, free_h, hours, w)
        if SOONEST_CHOICES:
            starts.update(_sooner(model, plan, starts, stocked[MOVE_CHOICES:], at, free_h, hours))
        focus = plan.focus
        if focus is not None and focus not in starts and np.isfinite(hours[at, focus]):
            starts[focus] = _loading_start(model, plan, at, free_h, hours, focus)
    firsts: list[tuple[float, Leg, int]] = []
    for w, start in starts.items():
        if start + float(inst.load_h[w]) + float(model.min_out_h[k, w]) > inst.horizon_h:
            continue
        leg = Leg(k, w, start, free_h, price_h)
        _, ratio = first_stops(model, leg, plan.need, plan.stock_at(w, start))
        if rng is not None and noise > 0:
            ratio = ratio * rng.uniform(1.0 - noise, 1.0, ratio.shape[0])
        for g in _top(ratio, FIRST_CHOICES):
            if ratio[g] > 0:
                firsts.append((float(ratio[g]), leg, g))
    firsts.sort(key=lambda f: -f[0])
    best: tuple[float, Leg, Loaded] | None = None
    for _, leg, g in firsts[:FIRST_CHOICES]:
        loaded = grow(model, leg, g, plan.need, plan.stock_at(leg.w, leg.start_h))
        if loaded is not None and (best is None or leg.merit(model, loaded) > best[0]):
            best = (leg.merit(model, loaded), leg, loaded)
    if best is None:
        return None
    _, leg, loaded = best
    return timed_trip(model, leg, loaded, plan.need, vehicle=(base, idx), at=at)


def _top(ratio: FloatArray, n: int) -> list[int]:
    """The ``n`` indices of the largest ratios, best first, ties to the lowest index."""
    if n == 1 and ratio.size:  # argmax is the stable sort's first, without the sort
        return [int(np.argmax(ratio))]
    top: list[int] = np.argsort(-ratio, kind="stable")[:n].tolist()
    return top


def _loading_start(
    model: SearchModel, plan: DayPlan, at: int, free_h: float, hours: FloatArray, w: int
) -> float:
    """When a vehicle at ``at``, free from ``free_h``, could start loading at ``w``.

    After its empty drive there (none when ``w`` is ``at``), ``w``'s ready time
    and the first time a bay is free for the whole loading.
    """
    arrive_h = free_h + (float(hours[at, w]) if w != at else 0.0)
    return plan.bays.earliest(w, max(arrive_h, float(model.inst.ready_h[w])))


def _sooner(
    model: SearchModel,
    plan: DayPlan,
    starts: dict[int, float],
    farther: list[int],
    at: int,
    free_h: float,
    hours: FloatArray,
) -> dict[int, float]:
    """Up to SOONEST_CHOICES of ``farther`` (by drive from ``at``) where loading starts sooner.

    Sooner than at any warehouse with stock in ``starts`` (the warehouses
    already tried, with their loading starts); returned with their own starts.
    """
    soonest = min((start for w, start in starts.items() if plan.stock[w].any()), default=np.inf)
    found: list[tuple[float, int]] = []
    for w in farther:
        if free_h + float(hours[at, w]) >= soonest:
            break  # ``farther`` is by drive: none after it can start sooner
        start = _loading_start(model, plan, at, free_h, hours, w)
        if start < soonest:
            found.append((start, w))
    found.sort()
    return {w: start for start, w in found[:SOONEST_CHOICES]}
