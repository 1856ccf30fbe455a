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
        In area then item order. ``unreachable``: no road from any warehouse
        holding the item. ``deadline``: roads exist, but nothing can arrive
        from a holder by the deadline. ``fleet``: stock that could arrive in
        time is still in a warehouse within reach (no vehicle or bay was free,
        no vehicle is based there, or no vehicle there can carry one unit).
        ``stock``: no such stock is left. A shortfall is split into a ``fleet``
        and a ``stock`` entry when both hold for parts of it; stock left in
        reach is counted once across areas (areas in file order), so the
        ``fleet`` entries never add up to more than the stock that is left.
    """
    n_w = inst.n_warehouses
    reach = inst.earliest_arrival_h(based_only=False)
    in_time = reach <= inst.deadline_h + 1e-9
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
    spare = left_stock.copy()
    unmet: list[Unmet] = []
    for a, area in enumerate(inst.scenario.areas):
        for i, item_id in enumerate(inst.item_ids):
            short = int(inst.demand[a, i] - min(on_time[a, i], inst.demand[a, i]))
            if short <= 0:
                continue
            entry = _Entries(unmet, area.id, item_id)
            holders = inst.stock[:, i] > 0
            if not holders.any():
                entry.add(short, UnmetReason.STOCK, "no warehouse stocks it")
                continue
            if not (holders & connected[:, a]).any():
                entry.add(short, UnmetReason.UNREACHABLE, "no road from any warehouse holding it")
                continue
            sources = holders & in_time[:, a]
            if not sources.any():
                soonest = float(reach[holders, a].min())
                when = (
                    f"earliest possible arrival {soonest:.2f} h"
                    if np.isfinite(soonest)
                    else "no route within the search horizon"
                )
                entry.add(short, UnmetReason.DEADLINE, f"{when}, deadline {inst.deadline_h:g} h")
                continue
            left = 0
            held = np.zeros(n_w, dtype=bool)
            for w in np.flatnonzero(sources).tolist():
                take = min(short - left, int(spare[w, i]))
                if take > 0:
                    spare[w, i] -= take
                    left += take
                    held[w] = True
            if left > 0:
                entry.add(left, UnmetReason.FLEET, _fleet_detail(inst, held, i))
            if short > left:
                entry.add(short - left, UnmetReason.STOCK, "all stock within reach is used")
    return unmet


def _fleet_detail(inst: Instance, sources: np.ndarray, i: int) -> str:
    fleet = inst.fleet[sources]
    if fleet.sum() == 0:
        names = ", ".join(inst.scenario.warehouses[w].id for w in np.flatnonzero(sources))
        return f"stock within reach at {names}, but no vehicles are based there"
    fits = (inst.weight_kg[i] <= inst.capacity_kg) & (inst.volume_m3[i] <= inst.capacity_m3)
    if not (fleet[:, fits] > 0).any():
        return "stock within reach, but no vehicle based there can carry one unit"
    return "stock within reach; no vehicle or loading bay was free to carry it in time"


class _Entries:
    """Append entries for one (area, item)."""

    def __init__(self, out: list[Unmet], area: str, item: str) -> None:
        self._out, self._area, self._item = out, area, item

    def add(self, quantity: int, reason: UnmetReason, detail: str) -> None:
        self._out.append(
            Unmet(area=self._area, item=self._item, quantity=quantity, reason=reason, detail=detail)
        )
