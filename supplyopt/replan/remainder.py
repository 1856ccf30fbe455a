"""Revising the remaining stops of trucks already on the road.

An under-way trip keeps its vehicle, warehouse, load and fixed stops
(contract §6). What it still carries may go where it now serves most:

(a) the planned remaining stops, retimed leg by leg on the roads of each
    leg's start (a stop no road reaches any more is dropped);
(b) the same stops in a better order (every order of up to four stops; for
    five or six, a local search from the planned order: moving one stop or
    reversing a run of stops, while that adds value or returns earlier);
(c) the carried units re-assigned, greedily, to the areas whose lots they
    can still fill on time, most value per hour first.

The planned stops win unless another candidate delivers strictly more
on-time value (stability); between (b) and (c), more value, then the
earlier return. Every stop unloads something, and a stop not reached by
now is reached after now. A vehicle that broke down during its trip makes
no stop after the breakdown; the trip ends there (``down_hours``) and what
it still carried is lost (``lost``). Past a given moment (the revision's
time share) the trucks not reached yet keep their planned stops, retimed
(anytime: the revision is still complete, only less searched). A truck with no road back to its
warehouse from any of these is *stranded*: it delivers the planned stops it
still reaches and stays at the last one (or where it is); the trip ends
there (``stranded_hours``, ``return_hours`` equal to it, ``lost`` what is
still aboard) and the vehicle is not used again.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import time
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
MAX_PERMUTED = 4
#: Beyond MAX_PERMUTED and up to this many stops, a local search improves the order.
MAX_REORDERED = 6
#: Routes the local search times at most for one truck.
MAX_REORDER_TRIES = 150
#: The greedy re-assignment weighs this many nearest areas at each step.
NEAREST = 30
#: Value differences below this are ties (float noise).
VALUE_EPS = 1e-12
#: Times within this many hours are the same time (contract §2 rounding; the checker's TIME_TOL_H).
SAME_H = 0.0101
#: Decimals kept for hours in the plan file.
TIME_DECIMALS = 4
#: A stop not reached by now is reached at least this long after now.
AFTER_NOW_H = 0.01
#: Extension fields of a trip that say how it ended; a revision writes them afresh.
END_FIELDS = ("down_hours", "stranded_hours", "lost")


@dataclass(frozen=True)
class Revision:
    """An under-way trip as the revision leaves it.

    ``kind`` is ``None`` when the trip is kept verbatim, else ``down``,
    ``stranded`` (no road back: it stays at its last site),
    ``rerouted`` (other areas or another order), ``reloaded`` (same areas,
    other quantities) or ``retimed`` (same stops and quantities, other times).
    """

    under_way: UnderWay
    trip: Trip
    kind: str | None
    #: False when the time share ran out first: the planned stops, retimed, were the only try.
    searched: bool = True

    @property
    def stranded_hours(self) -> float | None:
        """When the truck is stranded (no road back from its last site), else ``None``."""
        value = (self.trip.model_extra or {}).get("stranded_hours")
        return float(value) if isinstance(value, int | float) else None


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
    state: State,
    legs: Legs,
    ledger: Ledger,
    *,
    reassign: bool = True,
    deadline: float | None = None,
) -> list[Revision]:
    """Revise every under-way trip's remainder, earliest leaving first.

    ``ledger`` must hold the fixed stops, every remainder as planned (tagged
    :func:`revision_tag`) and whatever else the remainders should not take
    from (the orders not started); each remainder is weighed against all
    the others and replaced in the ledger by its revision. ``reassign=False``
    tries the planned stops only (retimed, dropped where no road leads).
    Once ``time.perf_counter()`` passes ``deadline`` the trucks left are
    revised that way too (their revisions say ``searched=False``).
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
        late = reassign and deadline is not None and time.perf_counter() > deadline
        revision = _revise(under_way, legs, ledger, reassign=reassign and not late)
        if late:
            revision = dataclasses.replace(revision, searched=False)
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
    """A trip with every stop made: as planned, unless no road leads back (stranded)."""
    trip = under_way.trip
    route = legs.route(
        trip.vehicle_type,
        _origin_site(under_way, legs),
        _leave_h(under_way, legs),
        [],
        trip.warehouse,
    )
    if route.feasible:
        return Revision(under_way, trip, None)
    return _as_stranded(under_way, _Candidate((), (), route, 0.0), legs)


def _down(under_way: UnderWay, legs: Legs) -> Revision:
    """The trip of a vehicle that broke down on it: fixed stops only, ending at the breakdown."""
    trip = under_way.trip
    down = under_way.down_hours
    assert down is not None
    km = legs.driven_km(
        trip.vehicle_type, legs.warehouse_site(trip.warehouse), trip.depart_hours, under_way.fixed
    )
    revised = _rewritten(
        trip,
        {"stops": list(under_way.fixed), "return_hours": down, "distance_km": round(km, 3)},
        {"down_hours": down, "lost": dict(under_way.carried)},
    )
    return Revision(under_way, revised, "down")


def _rewritten(trip: Trip, update: dict[str, object], extra: dict[str, object]) -> Trip:
    """The trip with ``update`` and how it ends (``extra``) written afresh."""
    data = {k: v for k, v in trip.model_dump(exclude_none=True).items() if k not in END_FIELDS}
    return Trip.model_validate({**data, **update, **extra})


def _revise(under_way: UnderWay, legs: Legs, ledger: Ledger, *, reassign: bool) -> Revision:
    origin = _origin_site(under_way, legs)
    leave = _leave_h(under_way, legs)
    planned, stuck = _planned(under_way, legs, ledger, origin, leave)
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
        # No road back from anywhere it could go: stranded where its planned stops leave it.
        assert stuck is not None
        return _as_stranded(under_way, stuck, legs)
    return _as_revision(under_way, best, legs)


def _better(cand: _Candidate, best: _Candidate, best_is_planned: bool) -> bool:
    """More value wins; on a tie the earlier return, except against the planned stops."""
    if cand.value > best.value + VALUE_EPS:
        return True
    tie = cand.value >= best.value - VALUE_EPS
    return tie and not best_is_planned and cand.route.return_hours < best.route.return_hours


def _planned(
    under_way: UnderWay, legs: Legs, ledger: Ledger, origin: int, leave: float
) -> tuple[_Candidate | None, _Candidate | None]:
    """(a) The planned stops retimed, and the truck stranded when no road leads back.

    Loads are cut to what demand still allows and a stop left with nothing
    to unload is not made; a stop no road reaches is dropped; stops are
    dropped from the end until a road leads back. Returns (the route back,
    or ``None`` when none does; the stops still reached, stranded at the
    last one, when none does).
    """
    trip = under_way.trip
    after = _after_now(legs)
    units = {s.area: _within_demand(s.area, s.deliver, ledger) for s in under_way.remainder}
    areas: list[str] = []
    for stop in under_way.remainder:
        if not any(q > 0 for q in units[stop.area].values()):
            continue
        route = legs.route(
            trip.vehicle_type,
            origin,
            leave,
            [*areas, stop.area],
            trip.warehouse,
            not_before_h=after,
        )
        if route.reached:
            areas.append(stop.area)
    reached = list(areas)
    while True:
        route = legs.route(
            trip.vehicle_type, origin, leave, areas, trip.warehouse, not_before_h=after
        )
        if route.feasible:
            deliver = tuple(units[area] for area in areas)
            return _candidate(tuple(areas), deliver, route, ledger), None
        if not areas:
            break
        areas.pop()
    route = legs.route(
        trip.vehicle_type, origin, leave, reached, trip.warehouse, not_before_h=after
    )
    deliver = tuple(units[area] for area in reached)
    return None, _candidate(tuple(reached), deliver, route, ledger)


def _after_now(legs: Legs) -> float:
    """The earliest arrival at a stop not reached by now."""
    return legs.op.now_hours + AFTER_NOW_H


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
    """(b) The planned stops in an order that delivers more value, or as much and returns first.

    Every order up to :data:`MAX_PERMUTED` stops; up to :data:`MAX_REORDERED`,
    a local search from the planned order. ``None`` when no other order works.
    """
    n_stops = len(planned.areas)
    if not 2 <= n_stops <= MAX_REORDERED:
        return None
    if n_stops > MAX_PERMUTED:
        return _reordered(planned, under_way, legs, ledger, origin, leave)
    best: _Candidate | None = None
    for order in itertools.permutations(planned.areas):
        if order == planned.areas:
            continue
        cand = _ordered(order, planned, under_way, legs, ledger, origin, leave)
        if cand is None:
            continue
        if best is None or (cand.value, -cand.route.return_hours) > (
            best.value + VALUE_EPS,
            -best.route.return_hours,
        ):
            best = cand
    return best


def _ordered(
    order: tuple[str, ...],
    planned: _Candidate,
    under_way: UnderWay,
    legs: Legs,
    ledger: Ledger,
    origin: int,
    leave: float,
) -> _Candidate | None:
    """The planned stops' units delivered in ``order``, or ``None`` without a road back."""
    trip = under_way.trip
    route = legs.route(
        trip.vehicle_type, origin, leave, order, trip.warehouse, not_before_h=_after_now(legs)
    )
    if not route.feasible:
        return None
    units = dict(zip(planned.areas, planned.deliver, strict=True))
    return _candidate(order, tuple(units[a] for a in order), route, ledger)


def _neighbours(order: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Orders one move away: a run of stops reversed, or one stop moved elsewhere."""
    n = len(order)
    out: dict[tuple[str, ...], None] = {}
    for i in range(n - 1):
        for j in range(i + 1, n):
            out[order[:i] + order[i : j + 1][::-1] + order[j + 1 :]] = None
    for i in range(n):
        rest = order[:i] + order[i + 1 :]
        for j in range(n):
            if j != i:
                out[(*rest[:j], order[i], *rest[j:])] = None
    out.pop(order, None)
    return list(out)


def _reordered(
    planned: _Candidate, under_way: UnderWay, legs: Legs, ledger: Ledger, origin: int, leave: float
) -> _Candidate | None:
    """A local search from the planned order (first improvement, bounded tries).

    A move is taken when it adds value, or keeps the value and returns
    earlier. ``None`` when no other order was better than the planned one.
    """
    current, best = planned, None
    tried: set[tuple[str, ...]] = {planned.areas}
    tries = 0
    improved = True
    while improved and tries < MAX_REORDER_TRIES:
        improved = False
        for order in _neighbours(current.areas):
            if order in tried:
                continue
            tried.add(order)
            tries += 1
            cand = _ordered(order, planned, under_way, legs, ledger, origin, leave)
            if cand is not None and (
                cand.value > current.value + VALUE_EPS
                or (
                    cand.value >= current.value - VALUE_EPS
                    and cand.route.return_hours < current.route.return_hours - 1e-9
                )
            ):
                current = best = cand
                improved = True
                break
            if tries >= MAX_REORDER_TRIES:
                break
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
    made = {stop.area for stop in under_way.fixed}  # never the same area twice on one trip
    areas: list[str] = []
    deliver: list[dict[str, int]] = []
    site, clock = origin, leave
    while len(areas) < MAX_STOPS and any(carried.values()):
        hours_row = legs.travel_at(clock).duration_h[trip.vehicle_type][site]
        items = [item for item, qty in carried.items() if qty > 0]
        near: list[str] = []
        for pos in np.argsort(hours_row[sites], kind="stable").tolist():
            area = all_areas[pos]
            if area not in areas and area not in made and ledger.has_room(area, items, clock):
                near.append(area)
                if len(near) == NEAREST:
                    break
        best: tuple[float, str, dict[str, int]] | None = None
        for area in near:
            hours = float(hours_row[legs.area_site(area)])
            if not math.isfinite(hours):
                continue
            arrive = max(clock + hours, _after_now(legs))
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
        clock = max(clock + float(hours_row[site]), _after_now(legs)) + legs.unload_hours(area)
    if not areas:
        return None
    route = legs.route(
        trip.vehicle_type, origin, leave, areas, trip.warehouse, not_before_h=_after_now(legs)
    )
    if not route.feasible:
        return None
    return _candidate(tuple(areas), tuple(deliver), route, ledger)


def _stops(cand: _Candidate) -> list[Stop]:
    return [
        Stop(
            area=area,
            arrive_hours=round(arrive, TIME_DECIMALS),
            deliver={i: q for i, q in units.items() if q > 0},
        )
        for area, units, arrive in zip(
            cand.areas, cand.deliver, cand.route.arrive_hours, strict=True
        )
    ]


def _as_revision(under_way: UnderWay, cand: _Candidate, legs: Legs) -> Revision:
    """The trip with this remainder; the planned trip itself when nothing differs."""
    trip = under_way.trip
    stops = _stops(cand)
    assert all(s.deliver for s in stops), "a candidate stop unloads something"
    kind = _kind(under_way.remainder, stops, trip.return_hours, cand.route.return_hours)
    if kind is None and not _ended(trip):
        return Revision(under_way, trip, None)
    fixed_km = legs.driven_km(
        trip.vehicle_type, legs.warehouse_site(trip.warehouse), trip.depart_hours, under_way.fixed
    )
    revised = _rewritten(
        trip,
        {
            "stops": [*under_way.fixed, *stops],
            "return_hours": round(cand.route.return_hours, TIME_DECIMALS),
            "distance_km": round(fixed_km + cand.route.distance_km, 3),
        },
        {},
    )
    return Revision(under_way, revised, kind or "retimed")


def _ended(trip: Trip) -> bool:
    """Whether the trip as written says it ended on the road (down or stranded)."""
    return any(name in (trip.model_extra or {}) for name in END_FIELDS)


def _as_stranded(under_way: UnderWay, cand: _Candidate, legs: Legs) -> Revision:
    """The trip delivering the stops it still reaches, then stranded at its last site."""
    trip = under_way.trip
    stops = _stops(cand)
    leave = cand.route.leave_hours
    stranded_h = round(leave, TIME_DECIMALS)
    if stranded_h < leave:  # never before the roads that strand it
        stranded_h = round(stranded_h + 10**-TIME_DECIMALS, TIME_DECIMALS)
    lost = dict(under_way.carried)
    for stop in stops:
        for item, qty in stop.deliver.items():
            lost[item] = lost.get(item, 0) - qty
    fixed_km = legs.driven_km(
        trip.vehicle_type, legs.warehouse_site(trip.warehouse), trip.depart_hours, under_way.fixed
    )
    said = (trip.model_extra or {}).get("stranded_hours")
    same = _kind(under_way.remainder, stops, trip.return_hours, stranded_h) is None
    if same and isinstance(said, int | float) and abs(said - stranded_h) <= SAME_H:
        return Revision(under_way, trip, None)  # already stranded there in the plan revised
    revised = _rewritten(
        trip,
        {
            "stops": [*under_way.fixed, *stops],
            "return_hours": stranded_h,
            "distance_km": round(fixed_km + cand.route.distance_km, 3),
        },
        {"stranded_hours": stranded_h, "lost": {i: q for i, q in lost.items() if q > 0}},
    )
    return Revision(under_way, revised, "stranded")


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
