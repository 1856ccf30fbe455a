"""The residual scenario: what new trips still have to do, from what is left.

The changed scenario with each area's demand cut to the lots' room left
(after every delivery the revision has decided, lots keep their due times,
lots due by ``now_hours`` dropped: nothing new reaches them), each
warehouse's stock cut to what is left (a warehouse out of action holds
none). Planned with :func:`~supplyopt.solve.plan_relief` from the fleet's
real positions, it gives the revision's new trips.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from ..model import DemandLot, Operation, Scenario
from .ledger import Ledger
from .state import State


def stock_left(state: State) -> dict[tuple[str, str], int]:
    """Units per (warehouse, item): the changed stock less what under-way trips loaded."""
    stock = {
        (w.id, item): qty for w in state.op.changed.warehouses for item, qty in w.stock.items()
    }
    for key, qty in state.loaded().items():
        stock[key] = stock.get(key, 0) - qty
    return stock


def residual_scenario(
    op: Operation, ledger: Ledger, stock: Mapping[tuple[str, str], int]
) -> Scenario:
    """The scenario left to plan from ``op.now_hours`` (see the module docstring)."""
    changed = op.changed
    room: defaultdict[str, defaultdict[str, defaultdict[float, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for lot in ledger.residual(op.now_hours):
        room[lot.area][lot.item][lot.due_hours] += lot.quantity
    areas = []
    for area in changed.areas:
        parts: Mapping[str, Mapping[float, int]] = room.get(area.id, {})
        demand = {item: sum(due.values()) for item, due in parts.items()}
        lots = [
            DemandLot(item=item, quantity=qty, due_hours=hours)
            for item, due in parts.items()
            for hours, qty in sorted(due.items())
            if hours != changed.deadline_hours
        ]
        areas.append(area.model_copy(update={"demand": demand, "lots": lots}))
    warehouses = [
        w.model_copy(
            update={
                "stock": {
                    item: max(stock.get((w.id, item), 0), 0)
                    for item in w.stock
                    if w.id not in op.out
                }
            }
        )
        for w in changed.warehouses
    ]
    return changed.model_copy(update={"areas": areas, "warehouses": warehouses})


def residual_units(scenario: Scenario) -> int:
    """Units of demand a residual scenario still holds."""
    return sum(sum(area.demand.values()) for area in scenario.areas)
