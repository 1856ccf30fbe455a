"""Keeping the orders not yet started that still work, and where the fleet stands.

Orders already given are kept verbatim when nothing the events changed
stops them, per vehicle as a prefix of its trips in loading order (once one
of a vehicle's orders cannot be kept, its later ones are planned again):
the vehicle is usable, at that warehouse and free by then; the stock left
covers the load; every leg, on the roads of today, arrives no later than
written; every unit delivered still fills a demand lot on time.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..model import Operation, Scenario, Trip
from .ledger import Ledger, stop_deliveries
from .legs import Legs
from .state import State, fleet_ids, trip_load

#: Slack on recomputed times against written ones (written times are rounded to 1e-4 h).
TIME_TOL_H = 0.001
#: Relative slack on an empty drive's km.
KM_TOL = 1e-3


@dataclass(frozen=True)
class Spot:
    """Where a vehicle is and from when it is free there."""

    warehouse: str
    free_hours: float


def positions(scenario: Scenario, trips: Iterable[Trip]) -> dict[str, Spot]:
    """Every fleet vehicle after these trips: at its last trip's warehouse on return, else at base."""
    spots = {
        vehicle: Spot(base, scenario.warehouse(base).ready_hours)
        for vehicle in fleet_ids(scenario)
        for base in (vehicle.split("/", 1)[0],)
    }
    for trip in sorted(trips, key=lambda t: t.load_start_hours):
        spots[trip.vehicle] = Spot(trip.warehouse, trip.return_hours)
    return spots


def keep_orders(
    state: State,
    legs: Legs,
    ledger: Ledger,
    under_way: list[Trip],
    stock: dict[tuple[str, str], int],
    why_not: dict[int, str] | None = None,
) -> list[tuple[int, Trip]]:
    """The orders not started that are kept verbatim, as (index in the plan, trip).

    ``ledger`` gains their deliveries (tagged ``("kept", index)``) and
    ``stock`` (units left per (warehouse, item)) loses their loads;
    ``why_not``, when given, gets why each other order was not kept.
    """
    why_not = why_not if why_not is not None else {}
    spots = positions(state.op.changed, under_way)
    voided = [(c.index, c.trip, False) for c in state.cancelled]
    orders = [(idx, trip, True) for idx, trip in state.not_started]
    blocked: set[str] = set()
    kept: list[tuple[int, Trip]] = []
    for idx, trip, open_order in sorted([*voided, *orders], key=lambda o: o[1].load_start_hours):
        if not open_order or trip.vehicle in blocked:
            if open_order:
                why_not[idx] = "an earlier trip of this vehicle changed"
            blocked.add(trip.vehicle)
            continue
        spot = spots.get(trip.vehicle)
        why = (
            _why_not_kept(state.op, legs, ledger, trip, spot, stock)
            if spot is not None
            else "the vehicle is not in the fleet"
        )
        if why is not None:
            why_not[idx] = why
            blocked.add(trip.vehicle)
            continue
        kept.append((idx, trip))
        ledger.add(("kept", idx), stop_deliveries(trip.stops))
        for item, qty in trip_load(trip).items():
            stock[trip.warehouse, item] = stock.get((trip.warehouse, item), 0) - qty
        spots[trip.vehicle] = Spot(trip.warehouse, trip.return_hours)
    return kept


def _why_not_kept(
    op: Operation,
    legs: Legs,
    ledger: Ledger,
    trip: Trip,
    spot: Spot,
    stock: Mapping[tuple[str, str], int],
) -> str | None:
    """Why the order cannot be kept verbatim, or ``None`` when it can."""
    if not op.usable(trip.vehicle, trip.warehouse, trip.load_start_hours):
        return "the vehicle or its warehouse is out of use"
    if not there_in_time(legs, trip, spot, op.now_hours):
        return f"the vehicle is back at {spot.free_hours:.1f} h, too late"
    if any(qty > stock.get((trip.warehouse, item), 0) for item, qty in trip_load(trip).items()):
        return f"not enough stock left at {trip.warehouse}"
    if not _legs_in_time(legs, trip):
        return "the roads changed under its route"
    if not ledger.fills_all(stop_deliveries(trip.stops)):
        return "what it unloads is no longer all needed on time"
    return None


def there_in_time(legs: Legs, trip: Trip, spot: Spot, now_hours: float) -> bool:
    """The vehicle reaches the warehouse by the loading, driving empty as written if it must.

    The drive of an order not started has not begun: it leaves no earlier than ``now_hours``.
    """
    if spot.warehouse == trip.warehouse:
        return spot.free_hours <= trip.load_start_hours + TIME_TOL_H
    leave = max(spot.free_hours, now_hours)
    hours, km = legs.leg(
        trip.vehicle_type,
        legs.warehouse_site(spot.warehouse),
        legs.warehouse_site(trip.warehouse),
        leave,
    )
    written = trip.empty_km or 0.0
    return (
        math.isfinite(hours)
        and leave + hours <= trip.load_start_hours + TIME_TOL_H
        and abs(km - written) <= KM_TOL * max(km, 1.0)
    )


def _legs_in_time(legs: Legs, trip: Trip) -> bool:
    """Every leg, on the roads of its start, arrives no later than the trip says."""
    site, leave = legs.warehouse_site(trip.warehouse), trip.depart_hours
    for stop in trip.stops:
        target = legs.area_site(stop.area)
        hours, _ = legs.leg(trip.vehicle_type, site, target, leave)
        if not (leave + hours <= stop.arrive_hours + TIME_TOL_H):
            return False
        site, leave = target, stop.arrive_hours + legs.unload_hours(stop.area)
    hours, _ = legs.leg(trip.vehicle_type, site, legs.warehouse_site(trip.warehouse), leave)
    return leave + hours <= trip.return_hours + TIME_TOL_H
