"""What each vehicle does, as plain text a dispatcher can read out on the radio.

One block per vehicle: its type and base, then each trip in order: where it
loads and what, when it leaves, each stop with its arrival time and what it
unloads there, and when it is back. Times are from T0 (the dispatch order),
as ``T+hh:mm``; a stop after the deadline is marked ``LATE``.
"""

from __future__ import annotations

from collections import defaultdict

from ..model import Plan, Scenario, Trip
from ..model.kpi import DEADLINE_EPS_H
from ._format import format_hours


def _label(entry_id: str, name: str | None) -> str:
    return f"{name} ({entry_id})" if name and name != entry_id else entry_id


def _goods(quantities: dict[str, int], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(item, item)} × {qty:,}" for item, qty in quantities.items())


def trip_load(trip: Trip) -> dict[str, int]:
    """Units of each item a trip carries (what its stops unload, in stop order, or its transfer)."""
    load: dict[str, int] = {}
    for stop in trip.stops:
        for item_id, qty in stop.deliver.items():
            load[item_id] = load.get(item_id, 0) + qty
    if trip.transfer is not None:
        for item_id, qty in trip.transfer.deliver.items():
            load[item_id] = load.get(item_id, 0) + qty
    return load


def _trip_lines(scenario: Scenario, plan: Plan, trip: Trip, number: int) -> list[str]:
    areas = {a.id: _label(a.id, a.name) for a in scenario.areas}
    items = {i.id: i.name or i.id for i in scenario.items}
    where = "its base" if trip.base == trip.warehouse else trip.warehouse
    lines = [
        f"  trip {number}: load at {where} from {format_hours(trip.load_start_hours)}, "
        f"depart {format_hours(trip.depart_hours)}"
    ]
    if trip.base != trip.warehouse and trip.empty_km:
        lines.append(f"    first drives empty {trip.empty_km:.1f} km from {trip.base}")
    lines.append(f"    carrying {_goods(trip_load(trip), items) or 'nothing'}")
    for stop in trip.stops:
        late = "  LATE" if stop.arrive_hours > plan.deadline_hours + DEADLINE_EPS_H else ""
        lines.append(
            f"    {format_hours(stop.arrive_hours)}  {areas.get(stop.area, stop.area)}: "
            f"{_goods(stop.deliver, items)}{late}"
        )
    if trip.transfer is not None:
        lines.append(
            f"    {format_hours(trip.transfer.arrive_hours)}  at warehouse "
            f"{trip.transfer.warehouse}: unloads into its stock (stock transfer)"
        )
        lines.append(
            f"    {format_hours(trip.return_hours)}  unloaded, stays at {trip.transfer.warehouse} "
            f"({trip.distance_km:,.1f} km)"
        )
        return lines
    lines.append(
        f"    {format_hours(trip.return_hours)}  back at {trip.warehouse} "
        f"({trip.distance_km:,.1f} km)"
    )
    return lines


def trucks_text(scenario: Scenario, plan: Plan) -> str:
    """Every vehicle's trips, loads, stops with arrival times and return, as plain text.

    Parameters
    ----------
    scenario
        Names of warehouses, areas and items.
    plan
        The plan whose trips are read out.

    Returns
    -------
    str
        One block per vehicle that makes a trip, vehicles sorted by id; a
        single line when the plan has no trips.
    """
    by_vehicle: defaultdict[str, list[Trip]] = defaultdict(list)
    for trip in plan.trips:
        by_vehicle[trip.vehicle].append(trip)
    if not by_vehicle:
        return "no trips in this plan"
    warehouses = {w.id: w.name for w in scenario.warehouses}
    blocks = [
        f"Trucks: {len(by_vehicle)} vehicles, {len(plan.trips)} trips; times from T0 "
        f"(the dispatch order), deadline {format_hours(plan.deadline_hours)}"
    ]
    for vehicle in sorted(by_vehicle):
        trips = sorted(by_vehicle[vehicle], key=lambda t: t.load_start_hours)
        first = trips[0]
        lines = [
            f"{vehicle} ({first.vehicle_type}, based at "
            f"{_label(first.base, warehouses.get(first.base))})"
        ]
        for number, trip in enumerate(trips, start=1):
            lines += _trip_lines(scenario, plan, trip, number)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
