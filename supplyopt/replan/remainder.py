"""Revising the remaining stops of trucks already on the road.

An under-way trip keeps its vehicle, warehouse, load and fixed stops
(contract §6). What it still carries may go where it now serves most:

(a) the planned remaining stops, retimed leg by leg on the roads of each
    leg's start (a stop no road reaches any more is dropped);
(b) the same stops in the best order (every order of up to six stops);
(c) the carried units re-assigned, greedily, to the areas whose lots they
    can still fill on time, most value per hour first.

The planned stops win unless another candidate delivers strictly more
on-time value (stability); between (b) and (c), more value, then the
earlier return. A vehicle that broke down during its trip makes no stop
after the breakdown; the trip ends there (``down_hours``) and what it
still carried is lost (``lost``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..model import Stop, Trip
from .ledger import Delivery, Ledger, stop_deliveries
from .legs import Legs, Route
from .state import State, UnderWay

#: A re-assigned remainder makes at most this many stops.
MAX_STOPS = 6
#: Orders of the planned stops are all tried up to this many stops.
MAX_PERMUTED = 6
#: The greedy re-assignment weighs this many nearest areas at each step.
NEAREST = 30
#: Value differences below this are ties (float noise).
VALUE_EPS = 1e-12
#: Times within this many hours are the same time (contract §2 rounding).
SAME_H = 0.01
#: Decimals kept for hours in the plan file.
TIME_DECIMALS = 4


@dataclass(frozen=True)
class Revision:
    """An under-way trip as the revision leaves it.

    ``kind`` is ``None`` when the trip is kept verbatim, else ``down``,
    ``rerouted`` (other areas or another order), ``reloaded`` (same areas,
    other quantities) or ``retimed`` (same stops and quantities, other times).
    """

    under_way: UnderWay
    trip: Trip
    kind: str | None


@dataclass(frozen=True)
class _Candidate:
    areas: tuple[str, ...]
    deliver: tuple[dict[str, int], ...]
    route: Route
    value: float

    def deliveries(self) -> list[Delivery]:
        return [
            (area, item, arrive, qty)
            for area, units, arrive in zip(
                self.areas, self.deliver, self.route.arrive_hours, strict=True
            )
            for item, qty in units.items()
            if qty > 0
        ]


def revision_tag(under_way: UnderWay) -> tuple[str, int]:
    """The ledger tag of an under-way trip's remainder."""
    return ("remainder", under_way.index)


def revise_remainders(
    state: State, legs: Legs, ledger: Ledger, *, reassign: bool = True
) -> list[Revision]:
    """Revise every under-way trip's remainder, earliest leaving first.

    ``ledger`` must hold the fixed stops, every remainder as planned (tagged
    :func:`revision_tag`) and whatever else the remainders should not take
    from (the orders not started); each remainder is weighed against all
    the others and replaced in the ledger by its revision. ``reassign=False``
    tries the planned stops only (retimed, dropped where no road leads).
    """
    order = sorted(state.under_way, key=lambda u: _leave_h(u, legs))
    revisions: list[Revision] = []
    for under_way in order:
        if under_way.down_hours is not None:
            revisions.append(_down(under_way, legs))
            continue
        if not under_way.remainder:
            revisions.append(_way_back(under_way, legs))
            continue
        ledger.remove(revision_tag(under_way))
        revision = _revise(under_way, legs, ledger, reassign=reassign)
        ledger.add(
            revision_tag(under_way), stop_deliveries(revision.trip.stops[len(under_way.fixed) :])
        )
        revisions.append(revision)
    by_index = {r.under_way.index: r for r in revisions}
    return [by_index[u.index] for u in state.under_way]


def _leave_h(under_way: UnderWay, legs: Legs) -> float:
    """When the remainder starts: the last fixed stop's departure, or the trip's."""
    if under_way.fixed:
        last = under_way.fixed[-1]
        return last.arrive_hours + legs.unload_hours(last.area)
    return under_way.trip.depart_hours


def _origin_site(under_way: UnderWay, legs: Legs) -> int:
    origin = under_way.origin
    return (
        legs.area_site(origin)
        if origin is not None
        else legs.warehouse_site(under_way.trip.warehouse)
    )


def _way_back(under_way: UnderWay, legs: Legs) -> Revision:
    """A trip with every stop made: as planned, unless its way back closed before it began."""
    trip = under_way.trip
    origin, leave = _origin_site(under_way, legs), _leave_h(under_way, legs)
    direct, _ = legs.leg(trip.vehicle_type, origin, legs.warehouse_site(trip.warehouse), leave)
    if math.isfinite(direct):
        return Revision(under_way, trip, None)
    route = legs.route(trip.vehicle_type, origin, leave, [], trip.warehouse)
    if not route.feasible:
        return Revision(under_way, trip, None)  # no way back at all: nothing better to write
    return _as_revision(under_way, _Candidate((), (), route, 0.0), legs)


def _down(under_way: UnderWay, legs: Legs) -> Revision:
    """The trip of a vehicle that broke down on it: fixed stops only, ending at the breakdown."""
    trip = under_way.trip
    down = under_way.down_hours
    assert down is not None
    km = legs.driven_km(
        trip.vehicle_type, legs.warehouse_site(trip.warehouse), trip.depart_hours, under_way.fixed
    )
    revised = trip.model_copy(
        update={
            "stops": list(under_way.fixed),
            "return_hours": down,
            "distance_km": round(km, 3),
        }
    )
    extra = {"down_hours": down, "lost": dict(under_way.carried)}
    revised = Trip.model_validate({**revised.model_dump(exclude_none=True), **extra})
    return Revision(under_way, revised, "down")


def _revise(under_way: UnderWay, legs: Legs, ledger: Ledger, *, reassign: bool) -> Revision:
    trip = under_way.trip
    origin = _origin_site(under_way, legs)
    leave = _leave_h(under_way, legs)
    planned = _planned(under_way, legs, ledger, origin, leave)
    best = planned
    if reassign:
        others = (
            _best_order(planned, under_way, legs, ledger, origin, leave) if planned else None,
            _greedy(under_way, legs, ledger, origin, leave),
        )
        for other in others:
            if other is not None and (best is None or _better(other, best, best is planned)):
                best = other
    if best is None:
        # No road back from anywhere it could go: keep the trip as planned.
        return Revision(under_way, trip, None)
    return _as_revision(under_way, best, legs)


def _better(cand: _Candidate, best: _Candidate, best_is_planned: bool) -> bool:
    """More value wins; on a tie the earlier return, except against the planned stops."""
    if cand.value > best.value + VALUE_EPS:
        return True
    tie = cand.value >= best.value - VALUE_EPS
    return tie and not best_is_planned and cand.route.return_hours < best.route.return_hours


def _planned(
    under_way: UnderWay, legs: Legs, ledger: Ledger, origin: int, leave: float
) -> _Candidate | None:
    """(a) The planned stops retimed; stops without a road dropped; loads within demand."""
    trip = under_way.trip
    areas: list[str] = []
    for stop in under_way.remainder:
        route = legs.route(trip.vehicle_type, origin, leave, [*areas, stop.area], trip.warehouse)
        if math.isfinite(route.arrive_hours[-1]):
            areas.append(stop.area)
    while True:
        route = legs.route(trip.vehicle_type, origin, leave, areas, trip.warehouse)
        if route.feasible:
            break
        if not areas:
            return None
        areas.pop()
    planned = {stop.area: stop.deliver for stop in under_way.remainder}
    deliver = tuple(_within_demand(area, planned[area], ledger) for area in areas)
    return _candidate(tuple(areas), deliver, route, ledger)


def _within_demand(area: str, units: dict[str, int], ledger: Ledger) -> dict[str, int]:
    """The planned units, cut to what the area's demand still allows."""
    return {item: min(qty, ledger.cap((area, item))) for item, qty in units.items()}


def _candidate(
    areas: tuple[str, ...], deliver: tuple[dict[str, int], ...], route: Route, ledger: Ledger
) -> _Candidate:
    value = ledger.gain(
        (area, item, arrive, qty)
        for area, units, arrive in zip(areas, deliver, route.arrive_hours, strict=True)
        for item, qty in units.items()
    )
    return _Candidate(areas, deliver, route, value)


def _best_order(
    planned: _Candidate, under_way: UnderWay, legs: Legs, ledger: Ledger, origin: int, leave: float
) -> _Candidate | None:
    """(b) The planned stops in the order that delivers most value, then returns first."""
    if not 2 <= len(planned.areas) <= MAX_PERMUTED:
        return None
    trip = under_way.trip
    units = dict(zip(planned.areas, planned.deliver, strict=True))
    best: _Candidate | None = None
    for order in itertools.permutations(planned.areas):
        if order == planned.areas:
            continue
        route = legs.route(trip.vehicle_type, origin, leave, order, trip.warehouse)
        if not route.feasible:
            continue
        cand = _candidate(order, tuple(units[a] for a in order), route, ledger)
        if best is None or (cand.value, -cand.route.return_hours) > (
            best.value + VALUE_EPS,
            -best.route.return_hours,
        ):
            best = cand
    return best


def _greedy(
    under_way: UnderWay, legs: Legs, ledger: Ledger, origin: int, leave: float
) -> _Candidate | None:
    """(c) Carried units to the areas they fill on time, most value per hour first."""
    trip = under_way.trip
    carried = dict(under_way.carried)
    home = legs.warehouse_site(trip.warehouse)
    all_areas = [area.id for area in legs.op.changed.areas]
    sites = [legs.area_site(area) for area in all_areas]
    areas: list[str] = []
    deliver: list[dict[str, int]] = []
    site, clock = origin, leave
    while len(areas) < MAX_STOPS and any(carried.values()):
        hours_row = legs.travel_at(clock).duration_h[trip.vehicle_type][site]
        items = [item for item, qty in carried.items() if qty > 0]
        near: list[str] = []
        for pos in np.argsort(hours_row[sites], kind="stable").tolist():
            area = all_areas[pos]
            if area not in areas and ledger.has_room(area, items, clock):
                near.append(area)
                if len(near) == NEAREST:
                    break
        best: tuple[float, str, dict[str, int]] | None = None
        for area in near:
            hours = float(hours_row[legs.area_site(area)])
            if not math.isfinite(hours):
                continue
            arrive = clock + hours
            leave_area = arrive + legs.unload_hours(area)
            back, _ = legs.leg(trip.vehicle_type, legs.area_site(area), home, leave_area)
            if not math.isfinite(back):
                continue
            units = {
                item: ledger.on_time_gain(area, item, arrive, min(qty, ledger.cap((area, item))))
                for item, qty in carried.items()
                if qty > 0
            }
            value = sum(q * ledger.value(area, item) for item, q in units.items())
            score = value / max(hours + legs.unload_hours(area), 1e-6)
            if value > VALUE_EPS and (best is None or score > best[0]):
                best = (score, area, {i: q for i, q in units.items() if q > 0})
        if best is None:
            break
        _, area, units = best
        areas.append(area)
        deliver.append(units)
        for item, qty in units.items():
            carried[item] -= qty
        site = legs.area_site(area)
        clock = clock + float(hours_row[site]) + legs.unload_hours(area)
    if not areas:
        return None
    route = legs.route(trip.vehicle_type, origin, leave, areas, trip.warehouse)
    if not route.feasible:
        return None
    return _candidate(tuple(areas), tuple(deliver), route, ledger)


def _as_revision(under_way: UnderWay, cand: _Candidate, legs: Legs) -> Revision:
    """The trip with this remainder; the planned trip itself when nothing differs."""
    trip = under_way.trip
    stops = [
        Stop(
            area=area,
            arrive_hours=round(arrive, TIME_DECIMALS),
            deliver={i: q for i, q in units.items() if q > 0},
        )
        for area, units, arrive in zip(
            cand.areas, cand.deliver, cand.route.arrive_hours, strict=True
        )
    ]
    stops = [s for s in stops if s.deliver]
    route = cand.route
    if len(stops) < len(cand.areas):
        # A stop left with nothing to unload is not made: time the route again without it.
        route = legs.route(
            trip.vehicle_type,
            _origin_site(under_way, legs),
            _leave_h(under_way, legs),
            [s.area for s in stops],
            trip.warehouse,
        )
        stops = [
            s.model_copy(update={"arrive_hours": round(t, TIME_DECIMALS)})
            for s, t in zip(stops, route.arrive_hours, strict=True)
        ]
    if route.via is not None:
        # The direct way back is closed: the truck drives back through this area.
        area, arrive = route.via
        stops.append(Stop(area=area, arrive_hours=round(arrive, TIME_DECIMALS), deliver={}))
    kind = _kind(under_way.remainder, stops, trip.return_hours, route.return_hours)
    if kind is None:
        return Revision(under_way, trip, None)
    fixed_km = legs.driven_km(
        trip.vehicle_type, legs.warehouse_site(trip.warehouse), trip.depart_hours, under_way.fixed
    )
    revised = trip.model_copy(
        update={
            "stops": [*under_way.fixed, *stops],
            "return_hours": round(route.return_hours, TIME_DECIMALS),
            "distance_km": round(fixed_km + route.distance_km, 3),
        }
    )
    return Revision(under_way, revised, kind)


def _kind(
    planned: Sequence[Stop], stops: Sequence[Stop], planned_return_h: float, return_h: float
) -> str | None:
    """How the revised remainder differs from the planned one (``None``: it does not)."""
    if [s.area for s in planned] != [s.area for s in stops]:
        return "rerouted"
    if any(_units(a.deliver) != _units(b.deliver) for a, b in zip(planned, stops, strict=True)):
        return "reloaded"
    late = [abs(a.arrive_hours - b.arrive_hours) for a, b in zip(planned, stops, strict=True)]
    if any(d > SAME_H for d in late) or abs(planned_return_h - return_h) > SAME_H:
        return "retimed"
    return None


def _units(deliver: dict[str, int]) -> dict[str, int]:
    return {item: qty for item, qty in deliver.items() if qty > 0}
