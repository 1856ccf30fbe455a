"""The allocation LP's columns and rows, in the order that fixes which optimum GLOP returns.

Columns: for each candidate pair (area ``a``, warehouse ``w``), in candidate
order, the units ``x[w, a, i]`` of each item it may ship, then the
truckloads ``t[w, a, k]`` of each vehicle type arriving in time; after all
pairs, the vehicles moved empty ``y[u, w, k]``. Rows: each pair's kg and m3
capacity, then stock per (w, i), need per (a, i), vehicle hours per (w, k),
vehicles sent away per (u, k) and bay loadings per w.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._candidates import Candidates, MoveSources
from ._lp import LinearProgram
from .instance import FloatArray, Instance, IntArray

if TYPE_CHECKING:
    from .allocation import FleetState


@dataclass
class Block:
    """Columns of one kind: their keys, indices and a coefficient per column.

    The coefficient is the on-time value of a unit for ``x``, the hours of a
    round trip for ``t`` and the hours of the empty drive for ``y``.
    """

    keys: list[tuple[int, int, int]] = field(default_factory=list)
    cols: list[int] = field(default_factory=list)
    coefs: list[float] = field(default_factory=list)

    def append(self, key: tuple[int, int, int], col: int, coef: float) -> None:
        """Record one column."""
        self.keys.append(key)
        self.cols.append(col)
        self.coefs.append(coef)


@dataclass(frozen=True)
class AllocationModel:
    """The allocation LP and what its columns mean.

    Attributes
    ----------
    lp
        The programme, ready for the first (value) stage.
    units
        ``x[w, a, i]``, keyed ``(w, a, i)``, with the value of one unit.
    trips
        ``t[w, a, k]``, keyed ``(w, a, k)``, with the hours of a round trip.
    moves
        ``y[u, w, k]``, keyed ``(u, w, k)``, with the hours of the empty drive.
    """

    lp: LinearProgram
    units: Block
    trips: Block
    moves: Block


def build_model(
    inst: Instance,
    stock: IntArray,
    need: IntArray,
    fleet: FleetState,
    candidates: Candidates,
    *,
    fleet_scale: FloatArray,
    bay_scale: FloatArray,
) -> AllocationModel | None:
    """Build the allocation LP over the candidate pairs; ``None`` when nothing can ship.

    ``fleet_scale`` (W, K) and ``bay_scale`` (W,) multiply the vehicle-hour
    budget of each warehouse and type and the bay budget of each warehouse
    (see :func:`supplyopt.solve.allocation.allocate`).
    """
    lp = LinearProgram()
    units, trips = _add_pairs(lp, inst, stock, need, candidates)
    if not units.keys:
        return None
    _add_totals(lp, units, stock, need)
    budget_rows = _add_fleet_budgets(lp, inst, fleet, trips, fleet_scale)
    moves = _add_moves(lp, inst, fleet, candidates.move_from, budget_rows, fleet_scale)
    _add_bay_budgets(lp, inst, fleet, trips, bay_scale)
    return AllocationModel(lp, units, trips, moves)


def _add_pairs(
    lp: LinearProgram,
    inst: Instance,
    stock: IntArray,
    need: IntArray,
    candidates: Candidates,
) -> tuple[Block, Block]:
    """Columns ``x`` and ``t`` of each candidate pair, and its kg and m3 capacity rows."""
    units, trips = Block(), Block()
    for a, warehouses in enumerate(candidates.warehouses):
        for w in warehouses:
            items = [
                i
                for i in range(inst.n_items)
                if need[a, i] > 0 and stock[w, i] > 0 and inst.value[a, i] > 0
            ]
            if not items:
                continue
            upper = [float(min(need[a, i], stock[w, i])) for i in items]
            x_cols = list(lp.add_columns(upper))
            for i, col in zip(items, x_cols, strict=True):
                units.append((w, a, i), col, float(inst.value[a, i]))
            kinds = [
                k for k in range(len(inst.types)) if candidates.arrival_h[w, a, k] <= inst.due_h[a]
            ]
            t_cols = _add_trips(lp, inst, w, a, kinds, trips)
            _add_capacity_rows(lp, inst, items, kinds, x_cols + t_cols)
    return units, trips


def _add_trips(
    lp: LinearProgram, inst: Instance, w: int, a: int, kinds: list[int], trips: Block
) -> list[int]:
    """Columns ``t[w, a, k]`` for the vehicle types ``kinds``, with their round-trip hours."""
    t_cols = list(lp.add_columns([np.inf] * len(kinds)))
    for k, col in zip(kinds, t_cols, strict=True):
        back = float(inst.back_h(k)[w, a]) + float(inst.unload_h[a])
        cycle = float(inst.load_h[w] + inst.out_h(k)[w, a]) + back
        trips.append((w, a, k), col, cycle)
    return t_cols


def _add_capacity_rows(
    lp: LinearProgram, inst: Instance, items: list[int], kinds: list[int], cols: list[int]
) -> None:
    """A pair's kg and m3 rows: what its ``x`` (items) weigh within what its ``t`` (kinds) carry."""
    for item_size, capacity in (
        (inst.weight_kg, inst.capacity_kg),
        (inst.volume_m3, inst.capacity_m3),
    ):
        coefs = [float(item_size[i]) for i in items] + [-float(capacity[k]) for k in kinds]
        lp.add_row(cols, coefs, upper=0.0)


def _add_totals(lp: LinearProgram, units: Block, stock: IntArray, need: IntArray) -> None:
    """Stock rows per (w, i), then need rows per (a, i), in order of first use."""
    by_stock: dict[tuple[int, int], list[int]] = {}
    by_need: dict[tuple[int, int], list[int]] = {}
    for (w, a, i), col in zip(units.keys, units.cols, strict=True):
        by_stock.setdefault((w, i), []).append(col)
        by_need.setdefault((a, i), []).append(col)
    for (w, i), cols in by_stock.items():
        lp.add_row(cols, [1.0] * len(cols), upper=float(stock[w, i]))
    for (a, i), cols in by_need.items():
        lp.add_row(cols, [1.0] * len(cols), upper=float(need[a, i]))


def _by_warehouse_and_type(trips: Block) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """Trip columns and their round-trip hours per (w, k), in order of first use."""
    out: dict[tuple[int, int], list[tuple[int, float]]] = {}
    for (w, _, k), col, cycle in zip(trips.keys, trips.cols, trips.coefs, strict=True):
        out.setdefault((w, k), []).append((col, cycle))
    return out


def _add_fleet_budgets(
    lp: LinearProgram, inst: Instance, fleet: FleetState, trips: Block, fleet_scale: FloatArray
) -> dict[tuple[int, int], int]:
    """Vehicle hours per (w, k): round trips within the hours the vehicles have left."""
    rows: dict[tuple[int, int], int] = {}
    for (w, k), uses in _by_warehouse_and_type(trips).items():
        budget = float(fleet_scale[w, k]) * hours_left(fleet.vehicle_free_h[w][k], inst, w)
        rows[w, k] = lp.add_row(
            [col for col, _ in uses], [cycle for _, cycle in uses], upper=budget
        )
    return rows


def _add_moves(
    lp: LinearProgram,
    inst: Instance,
    fleet: FleetState,
    move_from: MoveSources,
    budget_rows: dict[tuple[int, int], int],
    fleet_scale: FloatArray,
) -> Block:
    """Add ``y[u, w, k]``: vehicles moved, with their hours taken from u's budget to w's."""
    moves = Block()
    row: list[int] = []
    col: list[int] = []
    coef: list[float] = []
    sent: dict[tuple[int, int], list[int]] = {}
    for (w, k), sources in move_from.items():
        row_w = budget_rows.get((w, k))
        if row_w is None:  # w has no trips of type k worth planning
            continue
        for u, start in sources:
            free = fleet.vehicle_free_h[u][k]
            mean_h = hours_left(free, inst, u) / len(free)
            y = lp.add_columns([float(len(free))])[0]
            moves.append((u, w, k), y, float(inst.hours(k)[u, w]))
            # Gained at w: the hours from its arrival to the horizon ...
            row.append(row_w)
            col.append(y)
            coef.append(-float(fleet_scale[w, k]) * max(0.0, inst.horizon_h - start))
            # ... lost at u: a vehicle's mean working hours there.
            row_u = budget_rows.get((u, k))
            if row_u is not None:
                row.append(row_u)
                col.append(y)
                coef.append(float(fleet_scale[u, k]) * mean_h)
            sent.setdefault((u, k), []).append(y)
    lp.add_terms(row=row, col=col, coef=coef)
    for (u, k), ys in sent.items():
        lp.add_row(ys, [1.0] * len(ys), upper=float(len(fleet.vehicle_free_h[u][k])))
    return moves


def _add_bay_budgets(
    lp: LinearProgram, inst: Instance, fleet: FleetState, trips: Block, bay_scale: FloatArray
) -> None:
    """Loadings per warehouse with limited bays: within the bay hours left over loading hours."""
    by_warehouse: dict[int, list[int]] = {}
    for (w, _, _), col in zip(trips.keys, trips.cols, strict=True):
        by_warehouse.setdefault(w, []).append(col)
    for w, cols in by_warehouse.items():
        bays = fleet.bay_free_h[w]
        if bays and inst.load_h[w] > 0:
            budget = hours_left(bays, inst, w)
            upper = float(bay_scale[w]) * budget / float(inst.load_h[w])
            lp.add_row(cols, [1.0] * len(cols), upper=upper)


def hours_left(free_h: list[float], inst: Instance, w: int) -> float:
    """Hours from when each vehicle or bay is free (and ``w`` is ready) to the horizon, summed.

    The horizon is the latest due time (the deadline unless demand lots fall due later).
    """
    ready = float(inst.ready_h[w])
    return sum(max(0.0, inst.horizon_h - max(f, ready)) for f in free_h)
