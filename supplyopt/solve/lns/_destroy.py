"""Destroy operators: which vehicle-days to cut, and from when.

Each returns ``(vehicle, cut_h)`` pairs: the vehicle's trips that start
loading at or after ``cut_h`` are removed (0 removes its whole day).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..instance import IntArray
from ._days import DayPlan, Key
from ._model import SearchModel
from ._repair import MOVE_CHOICES

Cut = list[tuple[Key, float]]
Operator = Callable[[SearchModel, DayPlan, np.random.Generator, int], Cut]
#: Areas around a random centre whose visits the region operator removes.
REGION_AREAS = 12


def _sample(keys: list[Key], n: int, rng: np.random.Generator) -> list[Key]:
    if len(keys) <= n:
        return keys
    return [keys[int(i)] for i in sorted(rng.choice(len(keys), size=n, replace=False))]


def random_days(model: SearchModel, plan: DayPlan, rng: np.random.Generator, n: int) -> Cut:
    """``n`` vehicles at random; half of the time their whole day, else from a random time."""
    keys = _sample(list(plan.days), n, rng)
    horizon = model.inst.horizon_h
    return [(key, 0.0 if rng.random() < 0.5 else float(rng.uniform(0, horizon))) for key in keys]


def warehouse_days(model: SearchModel, plan: DayPlan, rng: np.random.Generator, n: int) -> Cut:
    """Up to ``n`` vehicles loading at one warehouse, from their first loading there."""
    used = sorted({t.warehouse_idx for day in plan.days.values() for t in day})
    if not used:
        return random_days(model, plan, rng, n)
    w = used[int(rng.integers(len(used)))]
    first = {
        key: min(t.load_start_h for t in day if t.warehouse_idx == w)
        for key, day in plan.days.items()
        if any(t.warehouse_idx == w for t in day)
    }
    return [(key, first[key]) for key in _sample(list(first), n, rng)]


def region_days(model: SearchModel, plan: DayPlan, rng: np.random.Generator, n: int) -> Cut:
    """Up to ``n`` vehicles stopping near a random area, from their first trip there."""
    inst = model.inst
    centre = int(rng.integers(model.n_groups))
    hours = inst.hours(0)
    near = np.argsort(hours[model.site[centre], model.site], kind="stable")[:REGION_AREAS]
    region = frozenset(int(a) for g in near for a in model.lots[int(g)])  # instance areas
    first: dict[Key, float] = {}
    for key, day in plan.days.items():
        for trip in day:
            if not region.isdisjoint(trip.area_set):
                first[key] = trip.load_start_h
                break
    if not first:
        return random_days(model, plan, rng, n)
    return [(key, first[key]) for key in _sample(list(first), n, rng)]


def poorest_days(model: SearchModel, plan: DayPlan, rng: np.random.Generator, n: int) -> Cut:
    """``n`` of the 2n vehicles whose days bring the least value per hour, whole days."""
    inst = model.inst
    keys = list(plan.days)
    day_of: list[int] = []
    areas: list[int] = []
    units: list[IntArray] = []
    hours = np.ones(len(keys))
    for j, key in enumerate(keys):
        day = plan.days[key]
        for trip in day:
            for stop in trip.stops:
                day_of.append(j)
                areas.append(stop.area_idx)
                units.append(stop.units)
        if day:
            hours[j] = day[-1].return_h - float(inst.ready_h[key[0]])
    per_stop = np.zeros(0)
    if units:  # every stop's value at once, summed per day
        per_stop = (inst.value[np.asarray(areas)] * np.stack(units)).sum(axis=1)
    value = np.bincount(np.asarray(day_of, dtype=np.int64), weights=per_stop, minlength=len(keys))
    rates = value / np.maximum(hours, 1e-6)
    pool = [keys[int(j)] for j in np.argsort(rates, kind="stable")[: 2 * n]]
    return [(key, 0.0) for key in _sample(pool, n, rng)]


def pull_days(model: SearchModel, plan: DayPlan, rng: np.random.Generator, n: int) -> Cut:
    """``n`` of the 3n vehicles based nearest a warehouse with stock left, which they may load at.

    The warehouse is drawn by the truckloads of stock it has left; the vehicles'
    days are cut whole half of the time, else from a random time, and the
    repair lets them drive empty to that warehouse (``plan.focus``) even when it
    is not among the nearest to them. So stock in a remote warehouse, which no
    vehicle's own search would reach, gets a fleet.
    """
    inst = model.inst
    left = np.maximum(plan.stock, 0) @ model.share[0]
    if not (left > 0).any():
        return random_days(model, plan, rng, n)
    w = int(rng.choice(inst.n_warehouses, p=left / left.sum()))
    keys = list(plan.days)
    drive = np.array([float(inst.hours(k)[base, w]) for base, k, _ in keys])
    pool = [keys[int(j)] for j in np.argsort(drive, kind="stable")[: 3 * n]]
    plan.focus = w
    horizon = inst.horizon_h
    return [
        (key, 0.0 if rng.random() < 0.5 else float(rng.uniform(0, horizon)))
        for key in _sample(pool, n, rng)
    ]


OPERATORS: tuple[Operator, ...] = (random_days, warehouse_days, region_days, poorest_days)


def operators(model: SearchModel) -> tuple[Operator, ...]:
    """The operators for ``model``; :func:`pull_days` too unless a repair tries every warehouse.

    A repair already tries the vehicle's own warehouse and the
    ``MOVE_CHOICES`` nearest others with stock: with no more warehouses than
    that, pulling finds nothing new (and the search draws as it always did).
    """
    if model.inst.n_warehouses > MOVE_CHOICES + 1:
        return (*OPERATORS, pull_days)
    return OPERATORS
