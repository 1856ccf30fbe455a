"""Why demand is left short: the binding reason for each (area, item), with evidence."""

from __future__ import annotations

import bisect
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import Scenario, Stop, Trip, Unmet, UnmetReason, demand_lots
from .dispatch import TimedStop, TimedTrip
from .instance import Instance, IntArray

#: Slack (hours) a gap must exceed before a vehicle is called idle: times are exact, but
#: a claim that a vehicle could have gone must not rest on rounding.
_EPS_H = 1e-6


def explain_unmet(
    inst: Instance, trips: list[TimedTrip], on_time: IntArray, left_stock: IntArray
) -> list[Unmet]:
    """List every (area, item) short of demand, with the reason that binds.

    Parameters
    ----------
    inst
        The instance.
    trips
        The plan's trips (exact times), the evidence for ``fleet`` and ``not_served``.
    on_time
        (A, I) units delivered to each instance area by its due time.
    left_stock
        (W, I) units left in each warehouse after the plan.

    Returns
    -------
    list[Unmet]
        In area then item order, per scenario area (its lots' shortfalls
        summed, one entry per reason). ``stock`` when no warehouse that can
        arrive by the due time holds the item (though some can arrive:
        stock in the wrong place is still stock). Else ``unreachable``: no
        road from any warehouse holding the item; ``deadline``: roads
        exist, but no warehouse at all can arrive by the due time. When stock that could
        arrive in time is still in a warehouse within reach: ``not_served``
        if this plan had the means to carry it (a truck visited the area from
        that warehouse with room for a unit, or a vehicle there was idle when
        a trip could still start, a bay free), else ``fleet`` (no vehicle is
        based there, none can carry one unit, or every vehicle, or every
        loading bay, was busy until too late). ``stock``: no such stock is
        left. A shortfall is split into a ``fleet``/``not_served`` and a
        ``stock`` entry when both hold for parts of it; stock left in reach
        is counted once across areas (areas in file order). Every entry's
        ``detail`` names its evidence.
    """
    explainer = _Explainer(inst, trips, left_stock)
    parts: list[list[int]] = [[] for _ in inst.scenario.areas]
    for a, area_idx in enumerate(inst.area_of.tolist()):
        parts[area_idx].append(a)
    unmet: list[Unmet] = []
    for area_idx, area in enumerate(inst.scenario.areas):
        for i, item_id in enumerate(inst.item_ids):
            entry = _Entries(area.id, item_id)
            for a in parts[area_idx]:
                short = int(inst.demand[a, i] - min(on_time[a, i], inst.demand[a, i]))
                if short > 0:
                    explainer.explain(a, i, short, entry)
            unmet += entry.merged()
    return unmet


class _Explainer:
    """The reasons for one instance area's shortfall of one item, with shared evidence."""

    def __init__(self, inst: Instance, trips: list[TimedTrip], left_stock: IntArray) -> None:
        self.inst, self.left_stock = inst, left_stock
        self.reach = inst.earliest_arrival_h(based_only=False)
        self.in_time = self.reach <= inst.due_h[None, :] + 1e-9
        first = inst.travel.area_site(0)
        self.connected = inst.travel.roads_from_warehouses()[:, first : first + inst.n_areas]
        self.fleet_use = _FleetUse(inst, trips, left_stock)
        self.spare = left_stock.copy()

    def explain(self, a: int, i: int, short: int, entry: _Entries) -> None:
        """Add the entries for ``short`` units of item ``i`` that instance area ``a`` lacks."""
        inst = self.inst
        holders = inst.stock[:, i] > 0
        if not holders.any():
            entry.add(short, UnmetReason.STOCK, "no warehouse stocks it")
            return
        sources = holders & self.in_time[:, a]
        if not sources.any() and self.in_time[:, a].any():
            # Warehouses arrive in time but hold none: stock at the wrong place is stock.
            entry.add(short, UnmetReason.STOCK, _misplaced_detail(inst, self.in_time[:, a]))
            return
        if not (holders & self.connected[:, a]).any():
            entry.add(short, UnmetReason.UNREACHABLE, "no road from any warehouse holding it")
            return
        if not sources.any():
            detail = _deadline_detail(inst, self.reach[holders, a], a)
            entry.add(short, UnmetReason.DEADLINE, detail)
            return
        left = _take_spare(self.spare, sources, i, short)
        reason = UnmetReason.STOCK
        if left > 0:
            reason, detail = self.fleet_use.explain(a, i, sources & (self.left_stock[:, i] > 0))
            entry.add(left, reason, detail)
        if short > left:
            detail = _stock_detail(inst, self.left_stock[:, i], sources, left, reason)
            entry.add(short - left, UnmetReason.STOCK, detail)


def _stock_detail(
    inst: Instance, left_stock: IntArray, sources: NDArray[np.bool_], here: int, reason: UnmetReason
) -> str:
    """Why units are short for ``stock``: none left within reach, or where the rest is counted.

    ``left_stock`` is one item's stock left per warehouse after the plan; ``here`` units of
    it were counted as this area's ``reason`` entry, the rest of what ``sources`` hold
    against areas earlier in the file (stock left in reach is counted once across areas).
    """
    at = [w for w in np.flatnonzero(sources).tolist() if left_stock[w] > 0]
    if not at:
        return "all stock within reach is used"
    total = int(left_stock[at].sum())
    where = ", ".join(f"{inst.scenario.warehouses[w].id} {int(left_stock[w])}" for w in at)
    counted = [f"{here} as this area's '{reason.value}' shortfall"] if here > 0 else []
    if total > here:
        counted.append(f"{total - here} against areas listed earlier")
    return f"{total} left within reach after this plan ({where}), all counted: {', '.join(counted)}"


def _misplaced_detail(inst: Instance, in_time: NDArray[np.bool_]) -> str:
    """Why units are short for ``stock`` when the warehouses that arrive in time hold none."""
    ids = [inst.scenario.warehouses[w].id for w in np.flatnonzero(in_time).tolist()]
    shown = ", ".join(ids[:3]) + (f" and {len(ids) - 3} more" if len(ids) > 3 else "")
    return f"none in stock at the warehouses that can arrive in time ({shown})"


def _deadline_detail(inst: Instance, arrivals: NDArray[np.float64], a: int) -> str:
    soonest = float(arrivals.min())
    when = (
        f"earliest possible arrival {soonest:.2f} h"
        if np.isfinite(soonest)
        else "no route within the search horizon"
    )
    return f"{when}, {_due_text(inst, a)}"


def _due_text(inst: Instance, a: int) -> str:
    """``deadline 12 h``, or ``due 15.5 h`` for a lot due at another time."""
    due = float(inst.due_h[a])
    if due == inst.scenario.deadline_hours:
        return f"deadline {due:g} h"
    return f"due {due:g} h"


def _take_spare(spare: IntArray, sources: NDArray[np.bool_], i: int, short: int) -> int:
    """Count up to ``short`` units of ``i`` left at ``sources`` (once across areas)."""
    left = 0
    for w in np.flatnonzero(sources).tolist():
        take = min(short - left, int(spare[w, i]))
        if take > 0:
            spare[w, i] -= take
            left += take
    return left


#: Gap starts, gap ends, gap vehicle types, gap vehicle positions; vehicle types, free times.
_Gaps = tuple[
    NDArray[np.float64], NDArray[np.float64], IntArray, IntArray, IntArray, NDArray[np.float64]
]


@dataclass(frozen=True)
class _Windows:
    """The vehicles at one warehouse able to carry an item, against every instance area.

    Attributes
    ----------
    n_able
        Vehicles there able to carry the item.
    since_h
        When the first of them is free.
    fastest_h
        (A,) the quickest drive to each area of an able type.
    latest_h, cycle_h
        (K, A) the last loading start that arrives in time (NaN without a
        road there and back) and the round trip's hours, per vehicle type.
    room
        (gaps, A) whether the gap between two trips of a vehicle leaves room
        for an on-time round trip to the area.
    gap_pos
        (gaps,) each gap's vehicle, its position in ``_FleetUse._vehicles_at``.
    """

    n_able: int
    since_h: float
    fastest_h: NDArray[np.float64]
    latest_h: NDArray[np.float64]
    cycle_h: NDArray[np.float64]
    room: NDArray[np.bool_]
    gap_pos: IntArray


class _FleetUse:
    """The plan's vehicles and loading bays, per warehouse, to tell ``fleet`` from ``not_served``."""

    def __init__(self, inst: Instance, trips: list[TimedTrip], left_stock: IntArray) -> None:
        self.inst = inst
        self.left_stock = left_stock
        self.by_vehicle: dict[tuple[int, int, int], list[TimedTrip]] = {}
        self.loadings: list[list[float]] = [[] for _ in range(inst.n_warehouses)]
        #: Per scenario area, the (trip, its stop there, room left in kg and m³) of every visit.
        self.visits: dict[int, list[tuple[TimedTrip, TimedStop, float, float]]] = {}
        self._idle_memo: dict[tuple[int, int, bytes], tuple[bool, str]] = {}
        self._at: dict[int, list[tuple[tuple[int, int, int], float]]] = {}
        self._gap_memo: dict[int, _Gaps] = {}
        self._window_memo: dict[tuple[int, bytes], _Windows] = {}
        self._fits: dict[int, tuple[NDArray[np.bool_], bytes]] = {}
        n_w, areas = inst.n_warehouses, slice(inst.n_warehouses, inst.n_warehouses + inst.n_areas)
        #: (K, W, A) hours from each warehouse to each instance area, and back.
        self._out_h = np.stack([inst.hours(k)[:n_w, areas] for k in range(len(inst.types))])
        self._back_h = np.stack([inst.hours(k)[areas, :n_w].T for k in range(len(inst.types))])
        #: Per warehouse, when bays busy at the start state are free (sorted).
        self.bays_busy: list[list[float]] = [
            sorted(inst.bays_free_h[w]) if inst.bays_free_h is not None else []
            for w in range(inst.n_warehouses)
        ]
        for trip in sorted(trips, key=lambda t: t.load_start_h):
            base = trip.warehouse_idx if trip.base_idx is None else trip.base_idx
            key = (base, trip.vehicle_type_idx, trip.vehicle_idx)
            self.by_vehicle.setdefault(key, []).append(trip)
            bisect.insort(self.loadings[trip.warehouse_idx], trip.load_start_h)
            if trip.transfer is not None:  # no visits; its unloading takes a bay there
                end = trip.transfer.warehouse_idx
                bisect.insort(self.loadings[end], trip.return_h - float(inst.load_h[end]))
                continue
            units = np.sum([stop.units for stop in trip.stops], axis=0)
            k = trip.vehicle_type_idx
            kg_left = float(inst.capacity_kg[k] - units @ inst.weight_kg)
            m3_left = float(inst.capacity_m3[k] - units @ inst.volume_m3)
            for stop in trip.stops:
                area_idx = int(inst.area_of[stop.area_idx])
                self.visits.setdefault(area_idx, []).append((trip, stop, kg_left, m3_left))

    def explain(self, a: int, i: int, sources: NDArray[np.bool_]) -> tuple[UnmetReason, str]:
        """The reason and evidence for units of ``i`` left at ``sources`` that ``a`` lacks."""
        room = self._room_left(a, i, sources)
        if room is not None:
            return UnmetReason.NOT_SERVED, room
        busy: list[str] = []
        for w in np.flatnonzero(sources).tolist():
            idle, why = self._idle(w, a, i)
            if idle:
                return UnmetReason.NOT_SERVED, why
            busy.append(why)
        return UnmetReason.FLEET, "; ".join(busy)

    def _room_left(self, a: int, i: int, sources: NDArray[np.bool_]) -> str | None:
        """A trip from a source that visited ``a`` in time with room for one more unit of ``i``."""
        inst = self.inst
        for trip, stop, kg_left, m3_left in self.visits.get(int(inst.area_of[a]), []):
            if not sources[trip.warehouse_idx] or stop.arrive_h > inst.due_h[a] + _EPS_H:
                continue
            k = trip.vehicle_type_idx
            fit = int(min(kg_left / inst.weight_kg[i], m3_left / inst.volume_m3[i]) + 1e-9)
            if fit >= 1:
                unused = min(kg_left / inst.capacity_kg[k], m3_left / inst.capacity_m3[k])
                return (
                    f"{self._vehicle_id(trip)} from {self._wid(trip.warehouse_idx)} visited at "
                    f"{stop.arrive_h:.2f} h with {unused:.0%} of its capacity unused (room for "
                    f"{fit} more); {int(self.left_stock[trip.warehouse_idx, i])} left there"
                )
        return None

    def _idle(self, w: int, a: int, i: int) -> tuple[bool, str]:
        """Whether a vehicle at ``w`` able to carry ``i`` could still have made a trip to ``a``.

        Returns (True, evidence) for an idle vehicle with a free bay, else
        (False, what kept them all busy).
        """
        if i not in self._fits:
            inst = self.inst
            fits = (inst.weight_kg[i] <= inst.capacity_kg) & (inst.volume_m3[i] <= inst.capacity_m3)
            self._fits[i] = (fits, fits.tobytes())
        fits, fits_key = self._fits[i]
        key = (w, a, fits_key)
        if key not in self._idle_memo:
            self._idle_memo[key] = self._idle_uncached(w, a, fits)
        return self._idle_memo[key]

    def _idle_uncached(self, w: int, a: int, fits: NDArray[np.bool_]) -> tuple[bool, str]:
        inst = self.inst
        vehicles = self._vehicles_at(w)
        if not vehicles:
            return False, f"{self._wid(w)}: no vehicles there"
        table = self._windows(w, fits)
        if not table.n_able:
            return False, f"{self._wid(w)}: no vehicle there can carry one unit"
        load_h = float(inst.load_h[w])
        out_k = self._out_h[:, w, a]
        latest_k, cycle_k = table.latest_h[:, a], table.cycle_h[:, a]
        windowed = set(table.gap_pos[table.room[:, a]].tolist())
        latest = float(inst.due_h[a]) - load_h - float(table.fastest_h[a])
        since = table.since_h
        n_able = table.n_able
        bays_only = False
        seen: set[tuple[int, float]] = set()
        for pos, (key, free_h) in enumerate(vehicles):
            if pos not in windowed:
                continue
            if key not in self.by_vehicle:  # vehicles without trips: one per type and time
                if (key[1], free_h) in seen:
                    continue
                seen.add((key[1], free_h))
            k = key[1]
            found = self._window(w, key, free_h, float(latest_k[k]), float(cycle_k[k]))
            if found is None:
                continue
            start, bay_free = found
            if bay_free:
                arrive = start + load_h + float(out_k[k])
                return True, (
                    f"{self._key_id(key)} idle at {self._wid(w)} from {start:.2f} h; a trip then "
                    f"arrives at {arrive:.2f} h ({_due_text(inst, a)})"
                )
            bays_only = True
        if bays_only:
            return False, (
                f"{self._wid(w)}: all {inst.bays[w]} loading bays busy whenever a vehicle was "
                f"free from {since:.2f} h to {latest:.2f} h, the last loading start that arrives "
                "in time"
            )
        return False, (
            f"{self._wid(w)}: all {n_able} vehicles able to carry it busy from {since:.2f} h "
            f"past {latest:.2f} h, the last loading start that arrives in time"
        )

    def _gaps(self, w: int) -> _Gaps:
        """The vehicles at ``w`` as arrays, for a vectorised search of their free windows.

        Every gap between trips of a vehicle (from, to, its type, the
        vehicle's position in :meth:`_vehicles_at`; the last gap runs to
        ``inf``), then per vehicle its type and first free time.
        """
        if w not in self._gap_memo:
            vehicles = self._vehicles_at(w)
            rows: list[tuple[float, float, int, int]] = []
            for pos, (key, free_h) in enumerate(vehicles):
                begin = free_h
                for trip in self.by_vehicle.get(key, ()):
                    rows.append((begin, trip.load_start_h, key[1], pos))
                    begin = trip.return_h
                rows.append((begin, np.inf, key[1], pos))
            table = np.array(rows, dtype=np.float64).reshape(-1, 4)
            self._gap_memo[w] = (
                table[:, 0],
                table[:, 1],
                table[:, 2].astype(np.int64),
                table[:, 3].astype(np.int64),
                np.array([key[1] for key, _ in vehicles], dtype=np.int64),
                np.array([free for _, free in vehicles], dtype=np.float64),
            )
        return self._gap_memo[w]

    def _windows(self, w: int, fits: NDArray[np.bool_]) -> _Windows:
        """Per area, which gaps of the vehicles at ``w`` that can carry the item leave room.

        Built once per warehouse and set of vehicle types able to carry the
        item, for every instance area at once: a gap has room for an area
        when a round trip there (loading, the way out, unloading, the way
        back) starts in it by the last start that arrives in time and ends
        before the vehicle's next loading.
        """
        key = (w, fits.tobytes())
        if key not in self._window_memo:
            inst = self.inst
            g0, g1, g_type, g_pos, v_type, v_free = self._gaps(w)
            able = fits[v_type]
            load_h = float(inst.load_h[w])
            out, back = self._out_h[:, w, :], self._back_h[:, w, :]  # (K, A)
            road = np.isfinite(out) & np.isfinite(back)
            with np.errstate(invalid="ignore"):
                latest = np.where(road, inst.due_h[None, :] - out - load_h, np.nan)
                cycle = load_h + out + inst.unload_h[None, :] + back
                room = fits[g_type][:, None] & road[g_type]  # (G, A)
                ends = np.minimum(latest[g_type], g1[:, None] - cycle[g_type])
                room &= ends - _EPS_H >= g0[:, None]
            types = np.unique(v_type[able])
            self._window_memo[key] = _Windows(
                n_able=int(able.sum()),
                since_h=float(v_free[able].min()) if able.any() else np.inf,
                fastest_h=out[types].min(axis=0) if types.size else np.full(inst.n_areas, np.inf),
                latest_h=latest,
                cycle_h=cycle,
                room=room,
                gap_pos=g_pos,
            )
        return self._window_memo[key]

    def _vehicles_at(self, w: int) -> list[tuple[tuple[int, int, int], float]]:
        """(vehicle key, first free time) of every vehicle loading at ``w`` in this plan.

        Its own vehicles not sent elsewhere, from its ready time, and vehicles
        of other bases that load here, from their arrival.
        """
        if w in self._at:
            return self._at[w]
        inst = self.inst
        out: list[tuple[tuple[int, int, int], float]] = []
        if inst.vehicles is not None:  # a given start state: the vehicles listed at w
            ready = float(inst.ready_h[w])
            for v in inst.vehicles:
                if v.warehouse_idx == w:
                    key = (v.base_idx, v.vehicle_type_idx, v.vehicle_idx)
                    out.append((key, max(v.free_h, ready)))
            self._at[w] = out
            return out
        for k in range(len(inst.types)):
            for j in range(int(inst.fleet[w, k])):
                trips = self.by_vehicle.get((w, k, j), [])
                if all(t.warehouse_idx == w for t in trips):
                    out.append(((w, k, j), float(inst.ready_h[w])))
        for key, trips in self.by_vehicle.items():
            if key[0] != w and trips[0].warehouse_idx == w:
                arrive = float(inst.ready_h[key[0]] + inst.hours(key[1])[key[0], w])
                out.append((key, max(arrive, float(inst.ready_h[w]))))
        self._at[w] = out
        return out

    def _window(
        self, w: int, key: tuple[int, int, int], free_h: float, latest: float, cycle: float
    ) -> tuple[float, bool] | None:
        """The earliest start of an on-time round trip from ``w`` between the vehicle's trips.

        ``latest`` is the last loading start that arrives in time, ``cycle``
        the hours of loading, the way there, unloading and the way back.
        Returns (start, whether a loading bay is free then), or None when the
        vehicle never has the time.
        """
        trips = self.by_vehicle.get(key, ())
        if not trips and free_h > latest - _EPS_H:  # idle from free_h on, but too late
            return None
        gaps: list[tuple[float, float]] = []
        begin = free_h
        for trip in trips:
            gaps.append((begin, trip.load_start_h))
            begin = trip.return_h
        gaps.append((begin, np.inf))
        found: tuple[float, bool] | None = None
        for g0, g1 in gaps:
            for start in self._starts(w, g0, min(latest, g1 - cycle) - _EPS_H):
                if self._bay_free(w, start):
                    return start, True
                found = found or (start, False)
        return found

    def _starts(self, w: int, earliest: float, latest: float) -> list[float]:
        """Candidate loading starts in [earliest, latest]: the first, then when bays free up."""
        if latest < earliest:
            return []
        load_h = float(self.inst.load_h[w])
        starts = self.loadings[w]  # sorted
        lo = bisect.bisect_right(starts, earliest - load_h)
        hi = bisect.bisect_right(starts, latest - load_h)
        out = [earliest, *(s + load_h for s in starts[lo:hi])]
        busy = self.bays_busy[w]
        if busy:  # bays busy at the start free up too
            out += [f for f in busy if earliest < f <= latest]
            out[1:] = sorted(out[1:])
        return out

    def _bay_free(self, w: int, start: float) -> bool:
        """Whether a loading bay at ``w`` is free from ``start`` for one loading."""
        n_bays = self.inst.bays[w]
        if n_bays is None:
            return True
        load_h = float(self.inst.load_h[w])
        starts = self.loadings[w]  # sorted
        lo = bisect.bisect_right(starts, start - load_h + _EPS_H)
        hi = bisect.bisect_left(starts, start + load_h - _EPS_H)
        busy = sum(1 for f in self.bays_busy[w] if f > start + _EPS_H)
        return hi - lo + busy < n_bays

    def _site(self, a: int) -> int:
        return self.inst.n_warehouses + a

    def _wid(self, w: int) -> str:
        return self.inst.scenario.warehouses[w].id

    def _key_id(self, key: tuple[int, int, int]) -> str:
        base, k, j = key
        return f"{self._wid(base)}/{self.inst.types[k].id}/{j + 1}"

    def _vehicle_id(self, trip: TimedTrip) -> str:
        base = trip.warehouse_idx if trip.base_idx is None else trip.base_idx
        return self._key_id((base, trip.vehicle_type_idx, trip.vehicle_idx))


class _Entries:
    """Entries for one scenario (area, item): summed per reason over its lots."""

    def __init__(self, area: str, item: str) -> None:
        self._area, self._item = area, item
        self._parts: dict[UnmetReason, tuple[int, list[str]]] = {}

    def add(self, quantity: int, reason: UnmetReason, detail: str) -> None:
        """Count ``quantity`` units short for ``reason``, with its evidence."""
        total, details = self._parts.get(reason, (0, []))
        if detail not in details:
            details = [*details, detail]
        self._parts[reason] = (total + quantity, details)

    def merged(self) -> list[Unmet]:
        """One entry per reason, in the order the reasons came up."""
        return [
            Unmet(
                area=self._area,
                item=self._item,
                quantity=quantity,
                reason=reason,
                detail="; ".join(details),
            )
            for reason, (quantity, details) in self._parts.items()
        ]


def refute_fleet(
    scenario: Scenario,
    trips: Sequence[Trip],
    unmet: Sequence[Unmet],
    *,
    exclude: Collection[int] = (),
) -> list[Unmet]:
    """``fleet`` entries a visit refutes, given as ``not_served`` instead.

    ``fleet`` says no vehicle or bay was free to carry the units in time. A
    trip (not in ``exclude``: a revision's trips under way) that stops at the
    area by the latest due time of the (area, item)'s lots, with room for one
    more unit, from a warehouse that still holds some of the item after every
    trip loaded, says otherwise: the plan could have carried it and did not.
    The explanation works on the solver's own view (instance areas, rounds);
    this is the last word on the plan as written.

    Parameters
    ----------
    scenario
        The scenario the trips are counted against (for a revision, the
        changed scenario of the whole operation).
    trips
        Every trip of the plan.
    unmet
        The explained shortfalls.
    exclude
        Positions in ``trips`` whose visits do not count.
    """
    items = {item.id: item for item in scenario.items}
    types = {vt.id: vt for vt in scenario.vehicle_types}
    left: dict[tuple[str, str], int] = {
        (w.id, i): q for w in scenario.warehouses for i, q in w.stock.items()
    }
    carried: list[tuple[float, float]] = []  # per trip: kg and m3 of its load
    for trip in trips:
        load: dict[str, int] = {}
        for stop in trip.stops:
            for i, q in stop.deliver.items():
                load[i] = load.get(i, 0) + q
        for i, q in load.items():
            left[trip.warehouse, i] = left.get((trip.warehouse, i), 0) - q
        if trip.transfer is not None:  # moved from one warehouse to another
            for i, q in trip.transfer.deliver.items():
                left[trip.warehouse, i] = left.get((trip.warehouse, i), 0) - q
                left[trip.ends_at, i] = left.get((trip.ends_at, i), 0) + q
        carried.append(
            (
                sum(items[i].weight_kg * q for i, q in load.items() if i in items),
                sum(items[i].volume_m3 * q for i, q in load.items() if i in items),
            )
        )
    latest: dict[tuple[str, str], float] = {}
    for lot in demand_lots(scenario):
        key = (lot.area, lot.item)
        latest[key] = max(latest.get(key, lot.due_hours), lot.due_hours)
    # Each area's visits in trip order: (trip position, the trip's first stop there).
    visits: dict[str, list[tuple[int, Stop]]] = {}
    for pos, trip in enumerate(trips):
        if pos in exclude:
            continue
        for stop in trip.stops:
            seen = visits.setdefault(stop.area, [])
            if not seen or seen[-1][0] != pos:
                seen.append((pos, stop))

    def refuted(area: str, item_id: str) -> str | None:
        item = items.get(item_id)
        due = latest.get((area, item_id))
        if item is None or due is None:
            return None
        for pos, visit in visits.get(area, []):
            trip = trips[pos]
            if left.get((trip.warehouse, item_id), 0) <= 0:
                continue
            vtype = types.get(trip.vehicle_type)
            if vtype is None or visit.arrive_hours > due:
                continue
            kg, m3 = carried[pos]
            if (
                kg + item.weight_kg <= vtype.capacity_kg
                and m3 + item.volume_m3 <= vtype.capacity_m3
            ):
                return (
                    f"{trip.vehicle} stops there at {visit.arrive_hours:.2f} h with room, "
                    f"and {trip.warehouse} has some left"
                )
        return None

    out: list[Unmet] = []
    for entry in unmet:
        why = refuted(entry.area, entry.item) if entry.reason is UnmetReason.FLEET else None
        if why is not None:
            entry = entry.model_copy(update={"reason": UnmetReason.NOT_SERVED, "detail": why})
        out.append(entry)
    return out
