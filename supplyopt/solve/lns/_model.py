"""What the search needs of an instance, precomputed: stops by scenario area, items by density.

A trip stops at a scenario area once (contract §2); with demand lots an
area is several instance areas (one per due time), all unloaded in that
stop, each lot counted only if the stop is on time for it. Here a *group*
is a scenario area, and its *lots* are its instance areas.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..instance import FloatArray, Instance, IntArray


@dataclass(frozen=True)
class SearchModel:
    """Arrays indexed by group ``g`` (scenario area), item ``i`` and vehicle type ``k``."""

    inst: Instance
    group_of: IntArray  # (A,) group of each instance area
    rep: IntArray  # (G,) one instance area of each group (travel sites are the same)
    site: IntArray  # (G,) travel-matrix index of each group
    unload_h: FloatArray  # (G,)
    value: FloatArray  # (G, I) value of one unit on time (the same for all lots of a group)
    lots: tuple[IntArray, ...]  # (G,) instance areas of each group, earliest due first
    share: FloatArray  # (K, I) share of a truck one unit takes (the larger of kg and m3)
    order: IntArray  # (K, I) items by value per share of truck, best first
    min_out_h: FloatArray  # (K, W) fastest drive from each warehouse to any area
    max_due_h: FloatArray  # (G,) latest due time of each group's lots
    density: FloatArray  # (K, G, I) value per share of truck
    weight_kg: list[float]  # (I,) as Python floats, for loops
    volume_m3: list[float]  # (I,)

    @property
    def n_groups(self) -> int:
        """Number of groups (scenario areas)."""
        return int(self.rep.shape[0])

    def group_need(self, need: IntArray, arrive_h: FloatArray) -> IntArray:
        """(G, I) what each group still needs that counts if unloaded at ``arrive_h`` (G,)."""
        inst = self.inst
        on_time = inst.due_h >= arrive_h[self.group_of]
        counted = np.where(on_time[:, None], need, 0)
        if not inst.split:
            return counted
        out = np.zeros((self.n_groups, inst.n_items), dtype=np.int64)
        np.add.at(out, self.group_of, counted)
        return out

    def need_at(self, need: IntArray, g: int, arrive_h: float) -> IntArray:
        """(I,) what group ``g`` still needs that counts if unloaded at ``arrive_h``."""
        lots = self.lots[g]
        if len(lots) == 1:
            a = int(lots[0])
            return need[a] if self.inst.due_h[a] >= arrive_h else np.zeros_like(need[a])
        on_time = lots[self.inst.due_h[lots] >= arrive_h]
        out: IntArray = need[on_time].sum(axis=0)
        return out

    def hours(self, k: int) -> FloatArray:
        """Site-to-site hours for vehicle type ``k``."""
        return self.inst.hours(k)


def build_model(inst: Instance) -> SearchModel:
    """Precompute the search's arrays for ``inst``."""
    n_w = inst.n_warehouses
    groups, rep = np.unique(inst.area_of, return_index=True)
    group_of = np.searchsorted(groups, inst.area_of).astype(np.int64)
    lots = tuple(
        np.flatnonzero(group_of == g)[np.argsort(inst.due_h[group_of == g], kind="stable")]
        for g in range(len(groups))
    )
    rep = rep.astype(np.int64)
    share = np.maximum(
        inst.weight_kg[None, :] / inst.capacity_kg[:, None],
        inst.volume_m3[None, :] / inst.capacity_m3[:, None],
    )
    per_priority = (inst.value / np.maximum(inst.priority, 1e-12)[:, None]).max(axis=0)
    order = np.argsort(-per_priority[None, :] / share, axis=1, kind="stable").astype(np.int64)
    min_out = np.array(
        [
            np.min(inst.out_h(k), axis=1, initial=np.inf) if inst.n_areas else np.full(n_w, np.inf)
            for k in range(len(inst.types))
        ]
    )
    return SearchModel(
        inst=inst,
        group_of=group_of,
        rep=rep,
        site=n_w + rep,
        unload_h=inst.unload_h[rep],
        value=inst.value[rep],
        lots=lots,
        share=share,
        order=order,
        min_out_h=min_out,
        max_due_h=np.array([inst.due_h[lot].max() for lot in lots]),
        density=inst.value[rep][None, :, :] / share[:, None, :],
        weight_kg=[float(x) for x in inst.weight_kg],
        volume_m3=[float(x) for x in inst.volume_m3],
    )


def fill(
    model: SearchModel, k: int, avail: IntArray, room: tuple[FloatArray, FloatArray]
) -> IntArray:
    """(G, I) units loaded per group into ``room`` (kg, m3 per group), best value per share first.

    ``room`` is updated in place.
    """
    inst = model.inst
    room_kg, room_m3 = room
    units = np.zeros_like(avail)
    for i in model.order[k]:
        fit = np.minimum(
            np.floor((room_kg + 1e-9) / inst.weight_kg[i]),
            np.floor((room_m3 + 1e-9) / inst.volume_m3[i]),
        )
        q = np.minimum(avail[:, i], np.maximum(fit, 0).astype(np.int64))
        units[:, i] = q
        room_kg -= q * inst.weight_kg[i]
        room_m3 -= q * inst.volume_m3[i]
    return units


def lot_split(
    model: SearchModel, g: int, units: NDArray[np.int64], need: IntArray, arrive_h: float
) -> list[tuple[int, IntArray]]:
    """Units for group ``g`` shared among its lots on time at ``arrive_h``, earliest due first."""
    inst = model.inst
    left = units.copy()
    out: list[tuple[int, IntArray]] = []
    for a in model.lots[g]:
        if inst.due_h[a] < arrive_h or not left.any():
            continue
        take = np.minimum(left, need[a])
        if take.any():
            out.append((int(a), take))
            left -= take
    return out
