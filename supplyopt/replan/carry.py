"""Carrying on with the plan: what still happens when nothing new is planned.

The orders not started go ahead as written where they can: a trip whose
vehicle or warehouse is out of use, or whose vehicle is not back in time,
is dropped; a load is cut to the stock left (the last stops lose first) and
each delivery to what its area's demand still allows; legs are driven on
the roads of their start, a stop no road reaches any more is dropped and a
slower leg delays the stops after it.
"""

from __future__ import annotations

import math

from ..model import Stop, Trip
from .keep import Spot, positions, there_in_time
from .ledger import Ledger, stop_deliveries
from .legs import Legs
from .state import State, trip_load

#: Decimals kept for hours in the plan file.
TIME_DECIMALS = 4


def carry_orders(
    state: State,
    legs: Legs,
    ledger: Ledger,
    under_way: list[Trip],
    stock: dict[tuple[str, str], int],
    why_not: dict[int, str],
) -> list[tuple[int, Trip]]:
    """The orders not started as they would go ahead, as (index in the plan, trip).

    ``ledger`` and ``stock`` are updated as trips are carried out;
    ``why_not`` gets why an order was dropped or changed.
    """
    op = state.op
    spots = positions(op.changed, under_way)
    carried: list[tuple[int, Trip]] = []
    for idx, trip in sorted(state.not_started, key=lambda o: o[1].load_start_hours):
        spot = spots.get(trip.vehicle)
        if not op.usable(trip.vehicle, trip.warehouse, trip.load_start_hours):
            why_not[idx] = "the vehicle or its warehouse is out of use"
            continue
        if spot is None or not there_in_time(legs, trip, spot, op.now_hours):
            why_not[idx] = "the vehicle is not back in time"
            continue
        revised = _go_ahead(legs, ledger, trip, stock)
        if revised is None:
            why_not[idx] = "nothing it carries can still be delivered"
            continue
        if revised is not trip:
            why_not[idx] = "stock, demand or roads changed"
        carried.append((idx, revised))
        ledger.add(("carried", idx), stop_deliveries(revised.stops))
        for item, qty in trip_load(revised).items():
            stock[trip.warehouse, item] = stock.get((trip.warehouse, item), 0) - qty
        spots[trip.vehicle] = Spot(trip.warehouse, revised.return_hours)
    return carried


def _go_ahead(
    legs: Legs, ledger: Ledger, trip: Trip, stock: dict[tuple[str, str], int]
) -> Trip | None:
    """The trip as it can still go ahead (``trip`` itself when unchanged), or ``None``."""
    loads = _cut_loads(trip, stock, ledger)
    home = legs.warehouse_site(trip.warehouse)
    stops: list[Stop] = []
    site, leave, km = home, trip.depart_hours, 0.0
    for stop, units in zip(trip.stops, loads, strict=True):
        if not units:
            continue
        hours, dist = legs.leg(trip.vehicle_type, site, legs.area_site(stop.area), leave)
        if not math.isfinite(hours):
            continue
        arrive = max(stop.arrive_hours, leave + hours)
        stops.append(Stop(area=stop.area, arrive_hours=round(arrive, TIME_DECIMALS), deliver=units))
        site, leave, km = (
            legs.area_site(stop.area),
            arrive + legs.unload_hours(stop.area),
            km + dist,
        )
    if not stops:
        return None
    hours, dist = legs.leg(trip.vehicle_type, site, home, leave)
    if not math.isfinite(hours):
        return None  # no road back from its last stop: it does not set out
    back = max(trip.return_hours, leave + hours)
    same = [(s.area, s.deliver, s.arrive_hours) for s in stops] == [
        (s.area, s.deliver, s.arrive_hours) for s in trip.stops
    ]
    if same and abs(back - trip.return_hours) < 1e-9:
        return trip
    return _timed(trip, stops, back, km + dist)


def _timed(trip: Trip, stops: list[Stop], return_h: float, km: float) -> Trip:
    return trip.model_copy(
        update={
            "stops": stops,
            "return_hours": round(return_h, TIME_DECIMALS),
            "distance_km": round(km, 3),
        }
    )


def _cut_loads(
    trip: Trip, stock: dict[tuple[str, str], int], ledger: Ledger
) -> list[dict[str, int]]:
    """Each stop's units within the stock left (last stops cut first) and the area's demand."""
    left = {item: max(stock.get((trip.warehouse, item), 0), 0) for item in trip_load(trip)}
    loads: list[dict[str, int]] = [{} for _ in trip.stops]
    for pos, stop in enumerate(trip.stops):
        for item, qty in stop.deliver.items():
            take = min(qty, left[item], ledger.cap((stop.area, item)))
            if take > 0:
                loads[pos][item] = take
                left[item] -= take
    return loads
