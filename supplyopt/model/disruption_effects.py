"""Apply the non-road disruptions of a scenario to the scenario itself."""

from __future__ import annotations

import math

from .disruptions import ROAD_DISRUPTION_KINDS, ReduceFleet, ScaleDemand, WarehouseOut
from .lots import set_total
from .scenario import Scenario


def apply_disruptions(scenario: Scenario) -> Scenario:
    """The scenario as the disruptions leave it, for planning and checking.

    ``warehouse_out`` empties that warehouse's stock and fleet (the site stays,
    so site indices and ids are unchanged); ``reduce_fleet`` keeps
    ``floor(count × factor)`` vehicles; ``scale_demand`` sets demand to
    ``round(demand × factor)`` (halves round up). Disruptions apply in list
    order. Road disruptions are kept: the road network applies them when it
    builds travel times. The result carries no non-road disruptions, so
    applying it again changes nothing.

    Parameters
    ----------
    scenario
        A validated scenario.

    Returns
    -------
    Scenario
        A new scenario; ``scenario`` is not modified.
    """
    warehouses = [w.model_copy(deep=True) for w in scenario.warehouses]
    areas = [a.model_copy(deep=True) for a in scenario.areas]
    for disruption in scenario.disruptions:
        if isinstance(disruption, WarehouseOut):
            for w in warehouses:
                if w.id == disruption.warehouse:
                    w.stock = {}
                    w.fleet = {}
        elif isinstance(disruption, ReduceFleet):
            for w in warehouses:
                if disruption.warehouse not in (None, w.id):
                    continue
                w.fleet = {
                    type_id: (
                        math.floor(count * disruption.factor + 1e-9)
                        if disruption.vehicle_type in (None, type_id)
                        else count
                    )
                    for type_id, count in w.fleet.items()
                }
        elif isinstance(disruption, ScaleDemand):
            for a_idx, a in enumerate(areas):
                if disruption.areas is not None and a.id not in disruption.areas:
                    continue
                for item, qty in list(a.demand.items()):
                    if disruption.items is None or item in disruption.items:
                        total = math.floor(qty * disruption.factor + 0.5)
                        # Units added at T0 are due at the deadline; a cut takes the latest lots first.
                        a = set_total(
                            a,
                            item,
                            total,
                            deadline_hours=scenario.deadline_hours,
                            due_hours=scenario.deadline_hours,
                        )
                areas[a_idx] = a
    roads_only = [d for d in scenario.disruptions if d.kind in ROAD_DISRUPTION_KINDS]
    return scenario.model_copy(
        update={"warehouses": warehouses, "areas": areas, "disruptions": roads_only}
    )
