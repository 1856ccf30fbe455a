"""Why demand is left short: the binding reason for each (area, item)."""

from __future__ import annotations

import numpy as np

from ..model import Unmet, UnmetReason
from .instance import Instance, IntArray


def explain_unmet(inst: Instance, on_time: IntArray, left_stock: IntArray) -> list[Unmet]:
    """List every (area, item) short of demand, with the reason that binds.

    Parameters
    ----------
    inst
        The instance.
    on_time
        (A, I) units delivered by the deadline.
    left_stock
        (W, I) units left in each warehouse after the plan.

    Returns
    -------
    list[Unmet]
        In area then item order. A shortfall is split in two entries when part
        of it is stock that no vehicle could carry in time (``fleet``) and the
        rest does not exist within reach (``stock``).
    """
    arrival = inst.earliest_arrival_h()  # (W, A); inf without vehicles
    n_w = inst.n_warehouses
    connected = np.array(
        [
            [
                inst.travel.road_from_warehouse(w, inst.travel.area_site(a))
                for a in range(inst.n_areas)
            ]
            for w in range(n_w)
        ],
        dtype=bool,
    ).reshape(n_w, inst.n_areas)
    has_fleet = inst.fleet.sum(axis=1) > 0
    deadline = inst.deadline_h
    unmet: list[Unmet] = []
    for a, area in enumerate(inst.scenario.areas):
        for i, item_id in enumerate(inst.item_ids):
            short = int(inst.demand[a, i] - min(on_time[a, i], inst.demand[a, i]))
            if short <= 0:
                continue
            holders = inst.stock[:, i] > 0
            if not holders.any():
                unmet.append(
                    _unmet(area.id, item_id, short, UnmetReason.STOCK, "no warehouse stocks it")
                )
                continue
            if not (holders & connected[:, a]).any():
                unmet.append(
                    _unmet(
                        area.id,
                        item_id,
                        short,
                        UnmetReason.UNREACHABLE,
                        "no road from any warehouse holding it",
                    )
                )
                continue
            in_time = holders & (arrival[:, a] <= deadline + 1e-9)
            if not in_time.any():
                if (holders & ~has_fleet & connected[:, a]).any():
                    reason, detail = UnmetReason.FLEET, "warehouses within reach have no vehicles"
                else:
                    soonest = float(arrival[holders, a].min())
                    reason = UnmetReason.DEADLINE
                    detail = f"earliest possible arrival {soonest:.2f} h"
                unmet.append(_unmet(area.id, item_id, short, reason, detail))
                continue
            spare = int(left_stock[in_time, i].sum())
            carried = min(short, spare)
            if carried > 0:
                unmet.append(
                    _unmet(
                        area.id,
                        item_id,
                        carried,
                        UnmetReason.FLEET,
                        f"{spare} units still in warehouses within reach; no vehicle or "
                        "loading bay free to carry them in time",
                    )
                )
            if short > carried:
                unmet.append(
                    _unmet(
                        area.id,
                        item_id,
                        short - carried,
                        UnmetReason.STOCK,
                        "all stock within reach is used",
                    )
                )
    return unmet


def _unmet(area: str, item: str, quantity: int, reason: UnmetReason, detail: str) -> Unmet:
    return Unmet(area=area, item=item, quantity=quantity, reason=reason, detail=detail)
