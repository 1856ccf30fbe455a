"""One trip built by value per vehicle-hour: the best first stop, then stops inserted.

A trip from warehouse ``w`` loading at ``start_h`` is worth the value of the
units it unloads on time; it costs the vehicle the hours from when it was
free (waiting for a bay or driving empty included) to its return, or, when
no further on-time trip could follow, every hour left to the horizon (what
remains of the day is worth nothing else). The first stop is the area whose
truckload brings the most value per hour; further stops are inserted where
they cost the fewest hours, while that raises the trip's value per hour.
Each time the trip's stops change, its load is chosen again over all its
stops, best value per share of the truck first, so a cheap detour may
replace bulky low-value units with light scarce ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..dispatch import TimedStop, TimedTrip
from ..instance import FloatArray, IntArray
from ._model import SearchModel, fill, lot_split

#: Stops whose exact load is evaluated at each insertion step (per ranking).
SHORTLIST = 3
#: At most this many stops on one trip.
MAX_STOPS = 6


@dataclass
class Loaded:
    """A route with its times and the load chosen for it."""

    groups: list[int]
    arrive_h: list[float]
    units: list[IntArray]  # per stop (I,)
    value: float
    return_h: float


@dataclass(frozen=True)
class Leg:
    """Where and when a trip is planned: vehicle type, warehouse, load start, the vehicle's state."""

    k: int
    w: int
    start_h: float
    free_h: float  # when the vehicle was free (its previous return or its base's ready time)
    price_h: float = 0.0  # value of a vehicle-hour elsewhere (0: grow by value per hour)

    def cost_h(self, model: SearchModel, return_h: float) -> float:
        """Vehicle hours the trip uses (all hours left when no on-time trip can follow)."""
        inst = model.inst
        again = return_h + float(inst.load_h[self.w]) + float(model.min_out_h[self.k, self.w])
        if again > inst.horizon_h:
            return max(inst.horizon_h - self.free_h, 1e-6)
        return max(return_h - self.free_h, 1e-6)

    def merit(self, model: SearchModel, route: Loaded) -> float:
        """What growing a route maximises: value per hour, or value less the hours' price."""
        cost = self.cost_h(model, route.return_h)
        return route.value - self.price_h * cost if self.price_h > 0 else route.value / cost


def load_route(
    model: SearchModel, leg: Leg, groups: list[int], need: IntArray, stock_w: IntArray
) -> Loaded | None:
    """Time ``groups`` in order from ``leg`` and load them; None if a stop is late or gets nothing."""
    inst = model.inst
    hours = model.hours(leg.k)
    here = leg.w
    t = leg.start_h + float(inst.load_h[leg.w])
    arrive: list[float] = []
    for g in groups:
        t += float(hours[here, model.site[g]])
        arrive.append(t)
        t += float(model.unload_h[g])
        here = int(model.site[g])
    return_h = t + float(hours[here, leg.w])
    if not np.isfinite(return_h):
        return None
    if any(a_h > model.max_due_h[g] for g, a_h in zip(groups, arrive, strict=True)):
        return None
    loaded = load(model, leg.k, groups, arrive, need, stock_w)
    if loaded is None:
        return None
    return Loaded(list(groups), arrive, loaded[0], loaded[1], return_h)


def load(
    model: SearchModel,
    k: int,
    groups: list[int],
    arrive: list[float],
    need: IntArray,
    stock_w: IntArray,
) -> tuple[list[IntArray], float] | None:
    """Units per stop and their value: best value per share of the truck first, over all stops.

    None when a stop would get nothing.
    """
    inst = model.inst
    avail = np.array([model.need_at(need, g, a_h) for g, a_h in zip(groups, arrive, strict=True)])
    stops, items = np.nonzero(avail)
    density = model.density[k][np.asarray(groups)[stops], items]
    order = np.argsort(-density, kind="stable")
    weight, volume = model.weight_kg, model.volume_m3
    room_kg, room_m3 = float(inst.capacity_kg[k]), float(inst.capacity_m3[k])
    stock = stock_w.tolist()
    counts = avail.tolist()
    units = [[0] * inst.n_items for _ in groups]
    for j, i in zip(stops[order].tolist(), items[order].tolist(), strict=True):
        q = min(
            counts[j][i],
            stock[i],
            int((room_kg + 1e-9) // weight[i]),
            int((room_m3 + 1e-9) // volume[i]),
        )
        if q <= 0:
            continue
        units[j][i] = q
        stock[i] -= q
        room_kg -= q * weight[i]
        room_m3 -= q * volume[i]
    if not all(any(u) for u in units):
        return None
    loads = [np.array(u, dtype=np.int64) for u in units]
    value = float(sum(float(model.value[g] @ u) for g, u in zip(groups, loads, strict=True)))
    return loads, value


def first_stops(
    model: SearchModel, leg: Leg, need: IntArray, stock_w: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Per group, the value of a one-stop trip's best load and its value per vehicle-hour."""
    inst = model.inst
    hours = model.hours(leg.k)
    depart = leg.start_h + float(inst.load_h[leg.w])
    arrive = depart + hours[leg.w, model.site]
    back = hours[model.site, leg.w]
    ok = np.isfinite(arrive) & np.isfinite(back) & (arrive <= model.max_due_h)
    avail = np.minimum(model.group_need(need, np.where(ok, arrive, np.inf)), stock_w[None, :])
    # Only groups with something to take are loaded (the others are worth nothing).
    some = np.flatnonzero(avail.any(axis=1))
    n = some.size
    room = (np.full(n, float(inst.capacity_kg[leg.k])), np.full(n, float(inst.capacity_m3[leg.k])))
    value = np.zeros(model.n_groups)
    value[some] = (fill(model, leg.k, avail[some], room) * model.value[some]).sum(axis=1)
    value = np.where(ok, value, 0.0)
    return_h = np.where(ok, arrive + model.unload_h + back, np.inf)
    again = return_h + float(inst.load_h[leg.w]) + float(model.min_out_h[leg.k, leg.w])
    cost = np.where(again > inst.horizon_h, inst.horizon_h - leg.free_h, return_h - leg.free_h)
    return value, value / np.maximum(cost, 1e-6)


def grow(
    model: SearchModel, leg: Leg, first: int, need: IntArray, stock_w: IntArray
) -> Loaded | None:
    """The trip from ``first``, with stops inserted while its value per hour rises."""
    best = load_route(model, leg, [first], need, stock_w)
    if best is None:
        return None
    merit = leg.merit(model, best)
    while len(best.groups) < MAX_STOPS:
        cand = _best_insertion(model, leg, best, need, stock_w)
        if cand is None:
            break
        cand_merit = leg.merit(model, cand)
        if cand_merit <= merit + 1e-12 * abs(merit) or cand.value <= best.value + 1e-15:
            break
        best, merit = cand, cand_merit
    return best


def _best_insertion(
    model: SearchModel, leg: Leg, trip: Loaded, need: IntArray, stock_w: IntArray
) -> Loaded | None:
    """The best route with one more stop, among a shortlist of the cheapest detours."""
    inst = model.inst
    hours = model.hours(leg.k)
    sites = [leg.w, *(int(model.site[g]) for g in trip.groups), leg.w]
    leave = [leg.start_h + float(inst.load_h[leg.w])]
    leave += [a + float(model.unload_h[g]) for g, a in zip(trip.groups, trip.arrive_h, strict=True)]
    slack = [float(model.max_due_h[g]) - a for g, a in zip(trip.groups, trip.arrive_h, strict=True)]
    suffix = np.array([min([*slack[p:], np.inf]) for p in range(len(slack) + 1)])
    n = model.n_groups
    best_delta = np.full(n, np.inf)
    best_pos = np.zeros(n, dtype=np.int64)
    best_arrive = np.full(n, np.inf)
    for pos in range(len(trip.groups) + 1):
        prev, nxt = sites[pos], sites[pos + 1]
        to_b = hours[prev, model.site]
        arrive = leave[pos] + to_b
        delta = to_b + model.unload_h + hours[model.site, nxt] - hours[prev, nxt]
        ok = (delta <= suffix[pos] + 1e-9) & (arrive <= model.max_due_h) & (delta < best_delta)
        best_delta = np.where(ok, delta, best_delta)
        best_pos = np.where(ok, pos, best_pos)
        best_arrive = np.where(ok, arrive, best_arrive)
    best_delta[trip.groups] = np.inf
    cands = np.flatnonzero(np.isfinite(best_delta))
    if cands.size == 0:
        return None
    loaded = np.zeros(inst.n_items, dtype=np.int64)
    for u in trip.units:
        loaded += u
    left = np.maximum(stock_w - loaded, 0)
    arrive_all = np.full(n, np.inf)
    arrive_all[cands] = best_arrive[cands]
    avail = np.minimum(model.group_need(need, arrive_all)[cands], stock_w[None, :])
    # Stops with nothing to take are worth nothing: only the others are loaded and ranked.
    some = avail.any(axis=1)
    cands, avail = cands[some], avail[some]
    if cands.size == 0:
        return None
    room_kg = float(inst.capacity_kg[leg.k]) - float(loaded @ inst.weight_kg)
    room_m3 = float(inst.capacity_m3[leg.k]) - float(loaded @ inst.volume_m3)
    m = cands.size
    in_room = fill(
        model, leg.k, np.minimum(avail, left[None, :]), (np.full(m, room_kg), np.full(m, room_m3))
    )
    full = fill(
        model,
        leg.k,
        avail,
        (np.full(m, float(inst.capacity_kg[leg.k])), np.full(m, float(inst.capacity_m3[leg.k]))),
    )
    values = model.value[cands]
    cost = leg.cost_h(model, trip.return_h) + best_delta[cands]
    ranks = ((in_room * values).sum(axis=1) / cost, (full * values).sum(axis=1) / cost)
    picks: list[int] = []
    for score in ranks:
        for c in np.argsort(-score, kind="stable")[:SHORTLIST]:
            if score[c] > 0 and int(c) not in picks:
                picks.append(int(c))
    best: Loaded | None = None
    best_merit = -np.inf
    for c in picks:
        g, pos = int(cands[c]), int(best_pos[cands[c]])
        route = load_route(model, leg, [*trip.groups[:pos], g, *trip.groups[pos:]], need, stock_w)
        if route is None:
            continue
        route_merit = leg.merit(model, route)
        if route_merit > best_merit:
            best, best_merit = route, route_merit
    return best


def timed_trip(
    model: SearchModel,
    leg: Leg,
    trip: Loaded,
    need: IntArray,
    *,
    vehicle: tuple[int, int],
    at: int,
) -> TimedTrip:
    """The trip as the planner's ``TimedTrip``: one stop per lot, km driven, base and empty drive.

    ``vehicle`` is (base, index among the base's vehicles of the type); ``at``
    the warehouse the vehicle was at before (an empty drive when not ``leg.w``).
    """
    inst = model.inst
    km = inst.km(leg.k)
    base, idx = vehicle
    stops: list[TimedStop] = []
    here, distance = leg.w, 0.0
    for g, arrive_h, units in zip(trip.groups, trip.arrive_h, trip.units, strict=True):
        for a, take in lot_split(model, g, units, need, arrive_h):
            stops.append(TimedStop(a, arrive_h, take))
        distance += float(km[here, model.site[g]])
        here = int(model.site[g])
    distance += float(km[here, leg.w])
    return TimedTrip(
        warehouse_idx=leg.w,
        vehicle_type_idx=leg.k,
        vehicle_idx=idx,
        load_start_h=leg.start_h,
        depart_h=leg.start_h + float(inst.load_h[leg.w]),
        stops=stops,
        return_h=trip.return_h,
        distance_km=distance,
        base_idx=base if base != leg.w else None,
        empty_km=float(km[at, leg.w]) if at != leg.w else 0.0,
    )
