"""Exhaustive search over every plan of a tiny scenario, for checking bounds against.

A plan is built trip by trip in order of loading start: a vehicle (at its
warehouse, free from some time) drives empty to a warehouse if needed,
waits for a free bay, loads, visits an ordered list of areas unloading a
whole number of units of each item at each, and returns. Loading as early as
the order allows is never worse, so searching every order of trips with
earliest times finds the best weighted on-time coverage of any valid plan.
Only for scenarios of a few areas, units and vehicles.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from supplyopt.model import Scenario
from supplyopt.network import build_travel_times

_EPS = 1e-9


@dataclass(frozen=True)
class _Vehicle:
    base: int
    type_idx: int


@dataclass
class _State:
    where: list[int]
    free_h: list[float]
    bays_free_h: list[list[float]]
    need: dict[tuple[int, int], int]
    stock: dict[tuple[int, int], int]
    last_start_h: float


def best_weighted_coverage(scenario: Scenario) -> float:
    """The best ``weighted_coverage_on_time`` of any valid plan (exhaustive search)."""
    travel = build_travel_times(scenario)
    items = scenario.item_ids
    n_w = len(scenario.warehouses)
    vehicles = [
        _Vehicle(w, k)
        for w, wh in enumerate(scenario.warehouses)
        for k, vt in enumerate(scenario.vehicle_types)
        for _ in range(wh.fleet.get(vt.id, 0))
    ]
    weighted_need = {
        i: sum(a.priority * a.demand.get(item, 0) for a in scenario.areas)
        for i, item in enumerate(items)
    }
    demanded = [i for i in range(len(items)) if weighted_need[i] > 0]
    value = {
        (a, i): area.priority / weighted_need[i] / len(demanded)
        for a, area in enumerate(scenario.areas)
        for i in demanded
    }
    state = _State(
        where=[v.base for v in vehicles],
        free_h=[scenario.warehouses[v.base].ready_hours for v in vehicles],
        bays_free_h=[[0.0] * (wh.loading_bays or len(vehicles)) for wh in scenario.warehouses],
        need={
            (a, i): area.demand.get(items[i], 0)
            for a, area in enumerate(scenario.areas)
            for i in range(len(items))
        },
        stock={
            (w, i): wh.stock.get(items[i], 0)
            for w, wh in enumerate(scenario.warehouses)
            for i in range(len(items))
        },
        last_start_h=0.0,
    )
    hours = [np.asarray(travel.duration_h[vt.id]) for vt in scenario.vehicle_types]
    search = _Search(scenario, vehicles, hours, value, n_w)
    return search.best(state)


class _Search:
    """Depth-first search over trips in order of loading start."""

    def __init__(
        self,
        scenario: Scenario,
        vehicles: list[_Vehicle],
        hours: list[np.ndarray],
        value: dict[tuple[int, int], float],
        n_w: int,
    ) -> None:
        self.scenario = scenario
        self.vehicles = vehicles
        self.hours = hours
        self.value = value
        self.n_w = n_w

    def best(self, state: _State) -> float:
        """Best value reachable from ``state`` (0 if no more trips)."""
        best = 0.0
        for v, vehicle in enumerate(self.vehicles):
            for w, wh in enumerate(self.scenario.warehouses):
                drive = float(self.hours[vehicle.type_idx][state.where[v], w])
                if not np.isfinite(drive):
                    continue
                arrive = state.free_h[v] + (0.0 if state.where[v] == w else drive)
                bay = int(np.argmin(state.bays_free_h[w]))
                start = max(arrive, wh.ready_hours, state.bays_free_h[w][bay])
                if start < state.last_start_h - _EPS:
                    continue  # canonical order: loading starts never decrease
                for stops, loads, gained, back in self._trips(state, vehicle, w, start):
                    child = _State(
                        where=[*state.where],
                        free_h=[*state.free_h],
                        bays_free_h=[[*b] for b in state.bays_free_h],
                        need=dict(state.need),
                        stock=dict(state.stock),
                        last_start_h=start,
                    )
                    child.where[v], child.free_h[v] = w, back
                    child.bays_free_h[w][bay] = start + wh.loading_hours
                    for a, load in zip(stops, loads, strict=True):
                        for i, q in enumerate(load):
                            child.need[a, i] -= q
                            child.stock[w, i] -= q
                    best = max(best, gained + self.best(child))
        return best

    def _trips(
        self, state: _State, vehicle: _Vehicle, w: int, start: float
    ) -> Iterator[tuple[tuple[int, ...], list[tuple[int, ...]], float, float]]:
        """Every trip from ``w`` loading at ``start``: stops, loads, value on time, return."""
        scenario = self.scenario
        vt = scenario.vehicle_types[vehicle.type_idx]
        hours = self.hours[vehicle.type_idx]
        depart = start + scenario.warehouses[w].loading_hours
        n_a = len(scenario.areas)
        for m in range(1, n_a + 1):
            for stops in itertools.permutations(range(n_a), m):
                times = self._arrivals(hours, w, stops, depart)
                if times is None:
                    continue
                arrivals, back = times
                on_time = [t <= scenario.deadline_hours + _EPS for t in arrivals]
                if not all(on_time):
                    continue  # a late stop is never worth making (it only delays others)
                for loads in self._loads(state, vt, w, stops):
                    gained = sum(
                        q * self.value.get((a, i), 0.0)
                        for a, load in zip(stops, loads, strict=True)
                        for i, q in enumerate(load)
                    )
                    yield stops, loads, gained, back

    def _arrivals(
        self, hours: np.ndarray, w: int, stops: tuple[int, ...], depart: float
    ) -> tuple[list[float], float] | None:
        """Arrival at each stop and return to ``w``; None when a leg has no road."""
        n_w = self.n_w
        t, here, out = depart, w, []
        for a in stops:
            leg = float(hours[here, n_w + a])
            if not np.isfinite(leg):
                return None
            t += leg
            out.append(t)
            t += self.scenario.areas[a].unloading_hours
            here = n_w + a
        back = float(hours[here, w])
        return out, t + (back if np.isfinite(back) else 1e9)

    def _loads(
        self, state: _State, vt: object, w: int, stops: tuple[int, ...]
    ) -> Iterator[list[tuple[int, ...]]]:
        """Whole-unit loads, at least one unit per stop, within capacity, need and stock."""
        items = self.scenario.items
        cap_kg = float(vt.capacity_kg)  # type: ignore[attr-defined]
        cap_m3 = float(vt.capacity_m3)  # type: ignore[attr-defined]
        per_stop = []
        for a in stops:
            ranges = [
                range(min(state.need[a, i], state.stock[w, i]) + 1) for i in range(len(items))
            ]
            per_stop.append([q for q in itertools.product(*ranges) if sum(q) > 0])
        for loads in itertools.product(*per_stop):
            kg = sum(q * it.weight_kg for load in loads for q, it in zip(load, items, strict=True))
            m3 = sum(q * it.volume_m3 for load in loads for q, it in zip(load, items, strict=True))
            if kg > cap_kg + _EPS or m3 > cap_m3 + _EPS:
                continue
            taken = [sum(load[i] for load in loads) for i in range(len(items))]
            if any(taken[i] > state.stock[w, i] for i in range(len(items))):
                continue
            yield list(loads)
