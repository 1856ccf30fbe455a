"""A scenario as arrays: the form every solver stage works on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Scenario, VehicleType
from ..network import TravelTimes

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Instance:
    """Arrays indexed by warehouse ``w``, area ``a``, item ``i`` and vehicle type ``k``.

    ``value[a, i]`` is what one unit of item ``i`` delivered on time to area
    ``a`` adds to the weighted on-time coverage (contract section 2): the
    area's priority over the item's priority-weighted total demand, divided
    by the number of items with demand.
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
    deadline_h: float

    @property
    def n_warehouses(self) -> int:
        """Number of warehouses."""
        return int(self.stock.shape[0])

    @property
    def n_areas(self) -> int:
        """Number of areas."""
        return int(self.demand.shape[0])

    @property
    def n_items(self) -> int:
        """Number of items."""
        return len(self.item_ids)

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

        With ``based_only`` only vehicle types based at the warehouse count (inf
        where none is); without it, every vehicle type does.
        """
        best = np.full((self.n_warehouses, self.n_areas), np.inf)
        start = self.ready_h + self.load_h
        for k in range(len(self.types)):
            arrival = start[:, None] + self.out_h(k)
            if based_only:
                arrival = np.where((self.fleet[:, k] > 0)[:, None], arrival, np.inf)
            best = np.minimum(best, arrival)
        return best


def build_instance(scenario: Scenario, travel: TravelTimes) -> Instance:
    """Turn a validated scenario and its travel matrices into solver arrays."""
    item_ids = scenario.item_ids
    types = list(scenario.vehicle_types)
    stock = np.array([[w.stock.get(i, 0) for i in item_ids] for w in scenario.warehouses], np.int64)
    demand = np.array([[a.demand.get(i, 0) for i in item_ids] for a in scenario.areas], np.int64)
    priority = np.array([a.priority for a in scenario.areas], dtype=np.float64)
    weighted_need = (priority[:, None] * demand).sum(axis=0)
    demanded = weighted_need > 0
    value = np.zeros(demand.shape)
    if demanded.any():
        value[:, demanded] = priority[:, None] / weighted_need[demanded] / demanded.sum()
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
        unload_h=np.array([a.unloading_hours for a in scenario.areas]),
        ready_h=np.array([w.ready_hours for w in scenario.warehouses]),
        load_h=np.array([w.loading_hours for w in scenario.warehouses]),
        bays=[w.loading_bays for w in scenario.warehouses],
        fleet=np.array(
            [[w.fleet.get(t.id, 0) for t in types] for w in scenario.warehouses], np.int64
        ),
        capacity_kg=np.array([t.capacity_kg for t in types]),
        capacity_m3=np.array([t.capacity_m3 for t in types]),
        value=value,
        deadline_h=scenario.deadline_hours,
    )
