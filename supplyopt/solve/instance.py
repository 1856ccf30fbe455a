"""A scenario as arrays: the form every solver stage works on.

Areas whose demand falls due at several times (demand lots, see
:mod:`supplyopt.model.lots`) become one *instance area* per due time, each
with its own demand row and due time; ``Instance.area_of`` maps them back.
Without lots, instance areas are the scenario's areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Scenario, VehicleType, demand_lots, has_lots
from ..network import TravelTimes
from .start import FleetVehicle, ResolvedStart

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Instance:
    """Arrays indexed by warehouse ``w``, instance area ``a``, item ``i`` and vehicle type ``k``.

    ``value[a, i]`` is what one unit of item ``i`` delivered on time to area
    ``a`` adds to the weighted on-time coverage (contract section 2): the
    area's priority over the item's priority-weighted total demand, divided
    by the number of items with demand.

    ``area_of[a]`` is the scenario area of instance area ``a`` and
    ``due_h[a]`` the time its units are due; ``travel`` is indexed by
    instance site (warehouses, then instance areas). ``fleet[w, k]`` counts
    the type-k vehicles that first load at ``w``; ``vehicles``, when the
    plan starts from a given state, lists them one by one (``None``: every
    vehicle at its base, free at its warehouse's ready time), and
    ``bays_free_h[w]`` when bays given busy are next free. ``ready_h`` is
    never before the start's ``not_before_hours``.
    """

    scenario: Scenario
    travel: TravelTimes
    item_ids: list[str]
    types: list[VehicleType]
    stock: IntArray  # (W, I)
    demand: IntArray  # (A, I)
    weight_kg: FloatArray  # (I,)
    volume_m3: FloatArray  # (I,)
    priority: FloatArray  # (A,)
    unload_h: FloatArray  # (A,)
    ready_h: FloatArray  # (W,)
    load_h: FloatArray  # (W,)
    bays: list[int | None]  # (W,)
    fleet: IntArray  # (W, K)
    capacity_kg: FloatArray  # (K,)
    capacity_m3: FloatArray  # (K,)
    value: FloatArray  # (A, I)
    due_h: FloatArray  # (A,)
    area_of: IntArray  # (A,)
    horizon_h: float
    vehicles: tuple[FleetVehicle, ...] | None = None
    bays_free_h: tuple[tuple[float, ...], ...] | None = None

    @property
    def n_warehouses(self) -> int:
        """Number of warehouses."""
        return int(self.stock.shape[0])

    @property
    def n_areas(self) -> int:
        """Number of instance areas."""
        return int(self.demand.shape[0])

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.item_ids)

    @property
    def split(self) -> bool:
        """True when some scenario area is split into several instance areas."""
        return self.n_areas != len(self.scenario.areas)

    def siblings(self, a: int) -> NDArray[np.bool_]:
        """(A,) instance areas of the same scenario area as ``a`` (``a`` included)."""
        return np.asarray(self.area_of == self.area_of[a])

    def per_scenario_area(self, per_area: IntArray) -> IntArray:
        """(A, ...) figures summed over each scenario area's instance areas."""
        if not self.split:
            return per_area
        out = np.zeros((len(self.scenario.areas), *per_area.shape[1:]), dtype=per_area.dtype)
        np.add.at(out, self.area_of, per_area)
        return out

    def hours(self, k: int) -> FloatArray:
        """Site-to-site travel hours for vehicle type ``k``."""
        return self.travel.duration_h[self.types[k].id]

    def km(self, k: int) -> FloatArray:
        """Site-to-site km for vehicle type ``k``."""
        return self.travel.distance_km[self.types[k].id]

    def out_h(self, k: int) -> FloatArray:
        """(W, A) hours from each warehouse to each area for type ``k``."""
        w = self.n_warehouses
        return self.hours(k)[:w, w:]

    def back_h(self, k: int) -> FloatArray:
        """(W, A) hours from each area back to each warehouse for type ``k``."""
        w = self.n_warehouses
        return self.hours(k)[w:, :w].T

    def earliest_arrival_h(self, *, based_only: bool = True) -> FloatArray:
        """(W, A) earliest arrival from each warehouse: ready + loading + fastest travel.

        With ``based_only`` only vehicles that load at the warehouse count
        (inf where none does), from when they are free; without it, every
        vehicle type does, from the warehouse's ready time.
        """
        best = np.full((self.n_warehouses, self.n_areas), np.inf)
        start = self.ready_h + self.load_h
        for k in range(len(self.types)):
            if based_only and self.vehicles is not None:
                arrival = (self._first_free_h(k) + self.load_h)[:, None] + self.out_h(k)
            else:
                arrival = start[:, None] + self.out_h(k)
            if based_only:
                arrival = np.where((self.fleet[:, k] > 0)[:, None], arrival, np.inf)
            best = np.minimum(best, arrival)
        return best

    def _first_free_h(self, k: int) -> FloatArray:
        """(W,) when a type-k vehicle of the start is first free at each warehouse (inf: none)."""
        first = np.full(self.n_warehouses, np.inf)
        for v in self.vehicles or ():
            if v.vehicle_type_idx == k:
                w = v.warehouse_idx
                first[w] = min(first[w], max(v.free_h, float(self.ready_h[w])))
        return first


def build_instance(
    scenario: Scenario, travel: TravelTimes, start: ResolvedStart | None = None
) -> Instance:
    """Turn a validated scenario and its travel matrices into solver arrays.

    ``start``, when given, is the only fleet, loading first where and when it
    says (see :mod:`supplyopt.solve.start`).
    """
    item_ids = scenario.item_ids
    types = list(scenario.vehicle_types)
    stock = np.array([[w.stock.get(i, 0) for i in item_ids] for w in scenario.warehouses], np.int64)
    area_of, due_h, demand = _instance_areas(scenario, item_ids)
    priority = np.array([scenario.areas[a].priority for a in area_of], dtype=np.float64)
    weighted_need = (priority[:, None] * demand).sum(axis=0)
    demanded = weighted_need > 0
    value = np.zeros(demand.shape)
    if demanded.any():
        value[:, demanded] = priority[:, None] / weighted_need[demanded] / demanded.sum()
    if len(area_of) != len(scenario.areas):
        travel = _expand_travel(travel, area_of)
    ready_h = np.array([w.ready_hours for w in scenario.warehouses])
    fleet = np.array([[w.fleet.get(t.id, 0) for t in types] for w in scenario.warehouses], np.int64)
    vehicles = bays_free = None
    if start is not None:
        ready_h = np.maximum(ready_h, start.not_before_h)
        vehicles, bays_free = start.vehicles, start.bays_free_h
        fleet = np.zeros_like(fleet)
        for v in vehicles:
            fleet[v.warehouse_idx, v.vehicle_type_idx] += 1
    return Instance(
        scenario=scenario,
        travel=travel,
        item_ids=item_ids,
        types=types,
        stock=stock,
        demand=demand,
        weight_kg=np.array([it.weight_kg for it in scenario.items]),
        volume_m3=np.array([it.volume_m3 for it in scenario.items]),
        priority=priority,
        unload_h=np.array([scenario.areas[a].unloading_hours for a in area_of]),
        ready_h=ready_h,
        load_h=np.array([w.loading_hours for w in scenario.warehouses]),
        bays=[w.loading_bays for w in scenario.warehouses],
        fleet=fleet,
        capacity_kg=np.array([t.capacity_kg for t in types]),
        capacity_m3=np.array([t.capacity_m3 for t in types]),
        value=value,
        due_h=due_h,
        area_of=area_of,
        horizon_h=float(due_h.max()) if len(due_h) else scenario.deadline_hours,
        vehicles=vehicles,
        bays_free_h=bays_free,
    )


def _instance_areas(
    scenario: Scenario, item_ids: list[str]
) -> tuple[IntArray, FloatArray, IntArray]:
    """Scenario area, due time and demand row of each instance area.

    An area without lots is one instance area due at the deadline (even with
    no demand); an area with lots one per due time, earliest first.
    """
    deadline = scenario.deadline_hours
    if not has_lots(scenario):
        demand = [[a.demand.get(i, 0) for i in item_ids] for a in scenario.areas]
        n = len(scenario.areas)
        return (
            np.arange(n, dtype=np.int64),
            np.full(n, deadline),
            np.array(demand, np.int64).reshape(n, len(item_ids)),
        )
    column = {item_id: i for i, item_id in enumerate(item_ids)}
    rows: dict[tuple[int, float], list[int]] = {}
    by_id = {area.id: a for a, area in enumerate(scenario.areas)}
    for a, area in enumerate(scenario.areas):
        if not area.lots:
            rows[a, deadline] = [area.demand.get(i, 0) for i in item_ids]
    for lot in demand_lots(scenario):
        a = by_id[lot.area]
        if scenario.areas[a].lots:
            row = rows.setdefault((a, lot.due_hours), [0] * len(item_ids))
            row[column[lot.item]] += lot.quantity
    for a, area in enumerate(scenario.areas):  # an area whose lots leave it no demand at all
        if area.lots and not any(key[0] == a for key in rows):
            rows[a, deadline] = [0] * len(item_ids)
    keys = sorted(rows)
    return (
        np.array([a for a, _ in keys], np.int64),
        np.array([due for _, due in keys], np.float64),
        np.array([rows[key] for key in keys], np.int64).reshape(len(keys), len(item_ids)),
    )


def _expand_travel(travel: TravelTimes, area_of: IntArray) -> TravelTimes:
    """The matrices indexed by instance site: warehouses, then each instance area's area."""
    n_w = travel.n_warehouses
    sites = np.concatenate([np.arange(n_w), n_w + area_of])
    grid = np.ix_(sites, sites)
    return TravelTimes(
        n_warehouses=n_w,
        n_areas=len(area_of),
        duration_h={k: np.ascontiguousarray(m[grid]) for k, m in travel.duration_h.items()},
        distance_km={k: np.ascontiguousarray(m[grid]) for k, m in travel.distance_km.items()},
        notes=travel.notes,
        horizon_h=travel.horizon_h,
        connected=None if travel.connected is None else travel.connected[:, sites],
    )
