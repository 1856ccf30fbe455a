"""The LP bound's stock transfers: which ones it counts, when stock can be at a warehouse.

A transfer trip (docs/planner.md, "Stock transfers") loads units of an item
at warehouse ``A`` on a vehicle of type ``v``, drives to ``B`` and unloads
them there in one of ``B``'s bays for ``B``'s ``loading_hours``; the units
may be loaded at ``B`` from the end of that unloading on. The bound keeps a
column ``t[A, B, v, i]`` (units of item ``i``) only where such a transfer can
matter, decided by two times per (warehouse, item), both found by a
shortest-path fixed point over the warehouses:

- ``available_h[w, i]``, the earliest a loading at ``w`` can take units of
  ``i``: ``w``'s ``ready_hours`` where it stocks ``i``, else the earliest end
  of a transfer of ``i`` into ``w``, with each leg at its earliest: a
  vehicle of the type at ``A`` (its base's ready time plus the shortest drive
  from the base), ``A`` ready, the units there; ``A``'s loading, the shortest
  drive ``A → B`` (through any sites), ``B`` ready, ``B``'s unloading. No real
  transfer ends earlier, so no real loading at ``w`` can take units ``w`` does
  not stock before ``available_h`` (the checker's stock-in-time rule).
- ``latest_use_h[w, i]``, the latest start of a *counted use* of ``i`` at
  ``w``: a loading of an on-time delivery (``deadline − loading − drive out``
  over the LP's delivery variables there), or a counted transfer out of
  ``w`` (its unloading at ``B`` ending by ``latest_use_h[B, i]``).

A transfer of a real plan is *counted* when its unloading ends by the start
of the latest counted use of its item at ``B`` (the least fixed point, from
the on-time deliveries back). A counted transfer has a column: its end is at
least the earliest above and at most ``latest_use_h[B, i]``. Why the flow
rows (per warehouse and item: deliveries and counted transfers out, at most
stock plus counted transfers in) hold: at the latest counted use at ``B``,
starting at ``s``, the checker's rule bounds every loading at ``B`` started
by ``s`` (every counted use among them) by ``B``'s stock plus the transfers
ended by ``s``, which are all counted. Transfers not counted are left out
of every row: they end after every counted use at their ``B``, and leaving
one out of ``A``'s row only loosens it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ...model import Scenario

_Index = NDArray[np.int64]
_Float = NDArray[np.float64]

#: Slack on time comparisons (in the optimistic direction; far below the contract's 0.01 h).
EPS_H = 1e-9


@dataclass(frozen=True)
class TransferArcs:
    """The transfer columns of the LP bound and the times that chose them.

    Attributes
    ----------
    src, dst, vtype, item
        Per column: loading warehouse ``A``, receiving warehouse ``B``, vehicle type, item.
    drive_h
        Per column: the shortest drive ``A → B`` for the type (through any sites).
    end_h
        Per column: the earliest end of its unloading at ``B``.
    available_h
        (W, I) the earliest a loading at a warehouse can take units of an item
        (``inf``: never).
    """

    src: _Index
    dst: _Index
    vtype: _Index
    item: _Index
    drive_h: _Float
    end_h: _Float
    available_h: _Float

    def __len__(self) -> int:
        """Number of transfer columns."""
        return len(self.src)


@dataclass(frozen=True)
class Legs:
    """Per vehicle type with vehicles: shortest drives between warehouses, earliest presence."""

    drive_h: list[_Float]  # (W, W) each
    there_h: list[_Float]  # (W,) each: earliest a vehicle of the type can be at a warehouse
    types: list[int]


def transfer_legs(scenario: Scenario, duration_h: dict[str, _Float]) -> Legs:
    """Shortest drives between warehouses per type, and when a vehicle can first be at each.

    ``duration_h`` has its drives from warehouses already shortest through any
    sites (:func:`._vd_data.closure_at_warehouses_h`, as the LP bound builds it).
    """
    n_wh = len(scenario.warehouses)
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses], dtype=np.float64)
    drives, there, types = [], [], []
    for v_idx, vt in enumerate(scenario.vehicle_types):
        based = np.array([wh.fleet.get(vt.id, 0) > 0 for wh in scenario.warehouses])
        if not based.any():
            continue
        sp = np.array(duration_h[vt.id][:n_wh, :n_wh], dtype=np.float64)
        np.fill_diagonal(sp, 0.0)
        drives.append(sp)
        there.append((ready_h[based, None] + sp[based]).min(axis=0))
        types.append(v_idx)
    return Legs(drive_h=drives, there_h=there, types=types)


def _ends_h(scenario: Scenario, legs: Legs, k: int, available_h: _Float) -> _Float:
    """(A, B, I) the earliest end of a transfer on the ``k``-th type with vehicles."""
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses], dtype=np.float64)
    load_h = np.array([wh.loading_hours for wh in scenario.warehouses], dtype=np.float64)
    start_h = np.maximum(np.maximum(legs.there_h[k], ready_h)[:, None], available_h)  # (W, I)
    arrive_h = start_h[:, None, :] + load_h[:, None, None] + legs.drive_h[k][:, :, None]
    ends = np.maximum(arrive_h, ready_h[None, :, None]) + load_h[None, :, None]
    n_wh = len(ready_h)
    ends[np.arange(n_wh), np.arange(n_wh), :] = np.inf  # a transfer goes to another warehouse
    return np.where(np.isnan(ends), np.inf, ends)


def available_hours(scenario: Scenario, legs: Legs, demanded: NDArray[np.bool_]) -> _Float:
    """(W, I) the earliest a loading at each warehouse can take units of each demanded item."""
    item_ids = scenario.item_ids
    stocked = np.array(
        [[wh.stock.get(i, 0) > 0 for i in item_ids] for wh in scenario.warehouses], dtype=bool
    )
    ready_h = np.array([wh.ready_hours for wh in scenario.warehouses], dtype=np.float64)
    available = np.where(stocked & demanded[None, :], ready_h[:, None], np.inf)
    for _ in range(len(ready_h)):  # Bellman-Ford: one more leg per round
        reached = available.copy()
        for k in range(len(legs.types)):
            reached = np.minimum(reached, _ends_h(scenario, legs, k, available).min(axis=0))
        if np.array_equal(reached, available):
            break
        available = reached
    return available


def transfer_arcs(
    scenario: Scenario,
    legs: Legs,
    available_h: _Float,
    latest_x_h: _Float,
) -> tuple[TransferArcs, _Float]:
    """The transfer columns worth keeping, and ``latest_use_h`` (W, I).

    Parameters
    ----------
    scenario
        The scenario.
    legs
        From :func:`transfer_legs`.
    available_h
        (W, I) from :func:`available_hours`.
    latest_x_h
        (W, I) the latest start of a loading for an on-time delivery of the
        item from the warehouse, over the LP's delivery variables (``-inf``: none).
    """
    load_h = np.array([wh.loading_hours for wh in scenario.warehouses], dtype=np.float64)
    ends = [_ends_h(scenario, legs, k, available_h) for k in range(len(legs.types))]
    latest = latest_x_h.copy()
    for _ in range(len(load_h) + 1):  # longest path backwards: one more leg per round
        later = latest.copy()
        for k, end_h in enumerate(ends):
            kept = end_h <= latest[None, :, :] + EPS_H  # (A, B, I)
            start_h = latest[None, :, :] - load_h[None, :, None] - legs.drive_h[k][:, :, None]
            start_h = start_h - load_h[:, None, None]
            later = np.maximum(later, np.where(kept, start_h, -np.inf).max(axis=1))
        if np.array_equal(later, latest):
            break
        latest = later
    cols: list[tuple[_Index, ...]] = []
    drives: list[_Float] = []
    first_h: list[_Float] = []
    for k, end_h in enumerate(ends):
        src, dst, item = np.nonzero(end_h <= latest[None, :, :] + EPS_H)
        cols.append((src, dst, np.full(len(src), legs.types[k]), item))
        drives.append(legs.drive_h[k][src, dst])
        first_h.append(end_h[src, dst, item])
    if not cols:
        empty = np.zeros(0, dtype=np.int64)
        arcs = TransferArcs(empty, empty, empty, empty, np.zeros(0), np.zeros(0), available_h)
        return arcs, latest
    src, dst, vtype, item = (
        np.concatenate([c[j] for c in cols]).astype(np.int64) for j in range(4)
    )
    arcs = TransferArcs(
        src, dst, vtype, item, np.concatenate(drives), np.concatenate(first_h), available_h
    )
    return arcs, latest
