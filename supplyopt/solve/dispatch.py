"""Dispatch: turn allocated units into real, timed trips, vehicle by vehicle.

An event simulation per warehouse. The vehicle that can start loading
earliest (it is back, a bay is free, the warehouse is ready) takes the next
trip: the area with the least slack (latest possible departure first, so far
areas are served while they still can be), loaded with that area's most
valuable units per unit of truck space; if the truck is not full, the nearest
areas that can still be reached in time are added as further stops. Every
time here is real-valued and exact, so the trips satisfy contract §2 by
construction; what cannot be carried in time stays pending for the next
allocation round.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from .allocation import FleetState
from .instance import Instance

#: At most this many stops on one trip.
MAX_STOPS = 6
#: A trip whose truck is fuller than this does not look for more stops.
FULL_ENOUGH = 0.95
#: Randomised restarts scale each density score by a factor drawn from [1 - NOISE, 1].
NOISE = 0.3


@dataclass
class TimedStop:
    """A stop of a trip being built: area index, arrival and units per item."""

    area_idx: int
    arrive_h: float
    units: NDArray[np.int64]


@dataclass
class TimedTransfer:
    """Where a transfer trip takes its load: warehouse, arrival there and units per item.

    The unloading there ends at the trip's ``return_h``; the units can be
    loaded there from then on (docs/planner.md, "Stock transfers").
    """

    warehouse_idx: int
    arrive_h: float
    units: NDArray[np.int64]


@dataclass
class TimedTrip:
    """A trip with exact times, before it is written as a plan ``Trip``.

    With ``transfer`` it has no stops and carries its load to another
    warehouse, where the vehicle is after ``return_h``.
    """

    warehouse_idx: int
    vehicle_type_idx: int
    vehicle_idx: int  # index among the base's vehicles of that type
    load_start_h: float
    depart_h: float
    stops: list[TimedStop]
    return_h: float
    distance_km: float
    base_idx: int | None = None  # warehouse the vehicle is based at; None: this trip's
    empty_km: float = 0.0  # driven empty from the base to this warehouse first
    transfer: TimedTransfer | None = None

    @property
    def end_idx(self) -> int:
        """The warehouse the vehicle is at after the trip: a transfer's, else this trip's."""
        return self.transfer.warehouse_idx if self.transfer is not None else self.warehouse_idx

    @cached_property
    def area_set(self) -> frozenset[int]:
        """The instance areas the trip stops at (trips are never changed once made)."""
        return frozenset(stop.area_idx for stop in self.stops)


@dataclass(frozen=True)
class Guest:
    """A vehicle sent empty from its base to load at another warehouse.

    Attributes
    ----------
    base_idx
        Warehouse the vehicle is based at.
    vehicle_type_idx
        Its vehicle type.
    vehicle_idx
        Its index among the base's vehicles of that type.
    free_h
        When it can start loading at the warehouse it was sent to: its
        base's ready time plus the drive.
    empty_km
        Length of that drive.
    """

    base_idx: int
    vehicle_type_idx: int
    vehicle_idx: int
    free_h: float
    empty_km: float


@dataclass(order=True)
class _Vehicle:
    free_h: float
    order: int
    vehicle_type_idx: int = field(compare=False)
    vehicle_idx: int = field(compare=False)
    base_idx: int | None = field(compare=False, default=None)
    empty_km: float = field(compare=False, default=0.0)  # still to count on its first trip


@dataclass
class WarehouseDispatcher:
    """Vehicles and loading bays of one warehouse, carried across allocation rounds."""

    inst: Instance
    w: int
    vehicles: list[_Vehicle] = field(default_factory=list)
    idle: list[_Vehicle] = field(default_factory=list)
    bays: list[float] = field(default_factory=list)  # heap of bay free times; empty = unlimited
    _spare_need: NDArray[np.int64] | None = None
    _spare_stock: NDArray[np.int64] | None = None
    _rng: np.random.Generator | None = None

    @classmethod
    def create(
        cls,
        inst: Instance,
        w: int,
        *,
        fleet: NDArray[np.int64] | None = None,
        guests: Sequence[Guest] = (),
    ) -> WarehouseDispatcher:
        """Vehicles free at ``w``'s ready time (or when guests arrive); all bays free.

        ``fleet`` (K,) is how many of its own vehicles of each type stay at
        ``w`` (all of them by default; the ones sent away have the highest
        numbers); ``guests`` are vehicles sent from other warehouses. When the
        instance starts from a given state (``inst.vehicles``), the vehicles
        listed at ``w`` instead, each from when it is free, and the bays from
        their given free times.
        """
        ready = float(inst.ready_h[w])
        own = inst.fleet[w] if fleet is None else fleet
        vehicles: list[_Vehicle] = []
        # Bigger vehicles first when several are free at once.
        order_k = sorted(range(len(inst.types)), key=lambda k: -inst.capacity_kg[k])
        rank_of = {k: rank for rank, k in enumerate(order_k)}
        if inst.vehicles is not None:  # the given state: exactly the vehicles listed here
            for no, v in enumerate(inst.vehicles):
                if v.warehouse_idx == w:
                    k = v.vehicle_type_idx
                    base = v.base_idx if v.base_idx != w else None
                    order = rank_of[k] * 100_000 + no
                    vehicles.append(_Vehicle(max(ready, v.free_h), order, k, v.vehicle_idx, base))
        else:
            for k in order_k:
                for j in range(int(own[k])):
                    vehicles.append(_Vehicle(ready, rank_of[k] * 100_000 + j, k, j))
        for g_no, guest in enumerate(guests):
            order = rank_of[guest.vehicle_type_idx] * 100_000 + 50_000 + g_no
            free = max(ready, guest.free_h)
            vehicles.append(
                _Vehicle(
                    free,
                    order,
                    guest.vehicle_type_idx,
                    guest.vehicle_idx,
                    guest.base_idx,
                    guest.empty_km,
                )
            )
        heapq.heapify(vehicles)
        n_bays = inst.bays[w]
        bays = [ready] * n_bays if n_bays is not None else []
        if bays and inst.bays_free_h is not None:  # bays busy until the given times
            for pos, free_h in enumerate(inst.bays_free_h[w]):
                bays[pos] = max(ready, free_h)
            heapq.heapify(bays)
        return cls(inst, w, vehicles, [], bays)

    def clone(self) -> WarehouseDispatcher:
        """A copy whose vehicles and bays change independently; the instance is shared.

        (``copy.deepcopy`` copied the whole instance, scenario and travel
        matrices included: at province scale most of the planner's time.)
        """
        return WarehouseDispatcher(
            self.inst,
            self.w,
            [replace(v) for v in self.vehicles],
            [replace(v) for v in self.idle],
            list(self.bays),
        )

    def fleet_state(self) -> tuple[list[list[float]], list[float]]:
        """Per type, the times the still-useful vehicles are free; bay free times."""
        per_type: list[list[float]] = [[] for _ in self.inst.types]
        for v in [*self.vehicles, *self.idle]:
            per_type[v.vehicle_type_idx].append(v.free_h)
        return per_type, sorted(self.bays)

    def run(
        self,
        pending: NDArray[np.int64],
        *,
        rule: str = "slack",
        spare_need: NDArray[np.int64] | None = None,
        spare_stock: NDArray[np.int64] | None = None,
        rng: np.random.Generator | None = None,
    ) -> list[TimedTrip]:
        """Carry as much of ``pending`` (A, I), updated in place, as fits in time.

        ``rule`` picks each trip's first area: ``slack`` (the area whose latest
        departure comes soonest, right when the fleet can carry everything),
        ``density`` (the most value per vehicle hour, right when it cannot) or
        ``density-last`` (the same, a vehicle's last trip charged all the time
        it has left). With ``rng``, the density scores are multiplied by
        random factors in [1 - NOISE, 1], for randomised restarts.
        ``spare_need`` (A, I) and ``spare_stock`` (I,), when given, are need no
        warehouse was allocated and this warehouse's unallocated stock: a truck
        with room left tops up its load from them for the areas it visits
        (both updated in place), so no truck leaves half empty while its own
        area still lacks what the warehouse holds.
        """
        inst = self.inst
        self._spare_need = spare_need
        self._spare_stock = spare_stock
        self._rng = rng
        for v in self.idle:
            heapq.heappush(self.vehicles, v)
        self.idle = []
        trips: list[TimedTrip] = []
        while self.vehicles and pending.any():
            v = self._next_vehicle()
            start = max(v.free_h, float(inst.ready_h[self.w]))
            if self.bays:
                start = max(start, self.bays[0])
            trip = self._best_trip(v, start, pending, rule)
            if trip is None:
                self.idle.append(v)
                continue
            if self.bays:
                heapq.heapreplace(self.bays, start + float(inst.load_h[self.w]))
            if v.base_idx is not None:
                trip.base_idx, trip.empty_km, v.empty_km = v.base_idx, v.empty_km, 0.0
            trips.append(trip)
            v.free_h = trip.return_h
            heapq.heappush(self.vehicles, v)
        self.idle.extend(self.vehicles)
        self.vehicles = []
        return trips

    def _next_vehicle(self) -> _Vehicle:
        """The vehicle to load next: the first free or, while several queue for a bay, the biggest.

        Where bays are short, a bay-hour spent on a 10 t truck carries five
        times what it carries on a 2 t van (measured: +0.015 to +0.033 weighted
        coverage on the province and bay-bound families, nothing lost elsewhere).
        """
        v = heapq.heappop(self.vehicles)
        if not self.bays:
            return v
        bay_free = max(self.bays[0], float(self.inst.ready_h[self.w]))
        waiting = [v]
        while self.vehicles and self.vehicles[0].free_h <= bay_free:
            waiting.append(heapq.heappop(self.vehicles))
        cap = self.inst.capacity_kg
        best = min(waiting, key=lambda u: (-cap[u.vehicle_type_idx], u.free_h, u.order))
        for u in waiting:
            if u is not best:
                heapq.heappush(self.vehicles, u)
        return best

    def _best_trip(
        self, v: _Vehicle, start: float, pending: NDArray[np.int64], rule: str
    ) -> TimedTrip | None:
        inst, w, k = self.inst, self.w, v.vehicle_type_idx
        due = inst.due_h
        n_w = inst.n_warehouses
        hours = inst.hours(k)
        km = inst.km(k)
        depart = start + float(inst.load_h[w])
        out = hours[w, n_w:]
        cap_kg = float(inst.capacity_kg[k])
        cap_m3 = float(inst.capacity_m3[k])
        room = [cap_kg, cap_m3]
        open_areas = self._loadable(pending, room)
        back = hours[n_w:, w]
        feasible = open_areas[
            (depart + out[open_areas] <= due[open_areas]) & np.isfinite(back[open_areas])
        ]
        if feasible.size == 0:
            return None
        if rule in ("density", "density-last"):
            area = self._densest(
                feasible,
                pending,
                out,
                hours[n_w:, w],
                cap_kg,
                cap_m3,
                start,
                rule == "density-last",
            )
        else:  # least slack first: the farthest area, whose latest departure comes soonest
            area = int(feasible[np.argmax(out[feasible])])
        arrive_h = depart + float(out[area])
        distance = float(km[w, n_w + area])
        stops: list[TimedStop] = []
        while True:
            stops.append(TimedStop(area, arrive_h, self._fill(area, room, pending)))
            used = max(1 - room[0] / cap_kg, 1 - room[1] / cap_m3)
            if used >= FULL_ENOUGH or len(stops) >= MAX_STOPS:
                break
            found = self._next_stop(k, stops, pending, room)
            if found is None:
                break
            here = n_w + area
            area, arrive_h = found
            distance += float(km[here, n_w + area])
        self._top_up(stops, room)
        last = stops[-1].area_idx
        return_h = stops[-1].arrive_h + float(inst.unload_h[last]) + float(hours[n_w + last, w])
        distance += float(km[n_w + last, w])
        return TimedTrip(w, k, v.vehicle_idx, start, depart, stops, return_h, distance)

    def _next_stop(
        self, k: int, stops: list[TimedStop], pending: NDArray[np.int64], room: list[float]
    ) -> tuple[int, float] | None:
        """The nearest area a type-``k`` trip can still reach in time after ``stops``, and when.

        Another lot of the last stop's area (demand lots) comes first: it is
        unloaded in the same stop, at the same arrival, when due by then.
        """
        inst, n_w = self.inst, self.inst.n_warehouses
        hours = inst.hours(k)
        area, arrive_h = stops[-1].area_idx, stops[-1].arrive_h
        nxt = self._next_areas(stops, pending, room)
        if inst.split:
            same = nxt[inst.area_of[nxt] == inst.area_of[area]]
            same = same[arrive_h <= inst.due_h[same]]
            if same.size:
                return int(same[0]), arrive_h
        here = n_w + area
        leave = arrive_h + float(inst.unload_h[area])
        back = hours[n_w:, self.w]
        nxt = nxt[(leave + hours[here, n_w + nxt] <= inst.due_h[nxt]) & np.isfinite(back[nxt])]
        if nxt.size == 0:
            return None
        area = int(nxt[np.argmin(hours[here, n_w + nxt])])
        return area, leave + float(hours[here, n_w + area])

    def _next_areas(
        self, stops: list[TimedStop], pending: NDArray[np.int64], room: list[float]
    ) -> NDArray[np.int64]:
        """Loadable areas a trip may stop at next: none already visited.

        With demand lots, an area whose scenario area the trip visited is
        allowed only right after it (the plan writes the two as one stop).
        """
        inst = self.inst
        nxt = self._loadable(pending, room)
        nxt = nxt[~np.isin(nxt, [s.area_idx for s in stops])]
        if not inst.split:
            return nxt
        here = int(inst.area_of[stops[-1].area_idx])
        done = [int(inst.area_of[s.area_idx]) for s in stops]
        done = [a for a in done if a != here]
        return nxt[~np.isin(inst.area_of[nxt], done)]

    def _densest(
        self,
        areas: NDArray[np.int64],
        pending: NDArray[np.int64],
        out_h: NDArray[np.float64],
        back_h: NDArray[np.float64],
        cap_kg: float,
        cap_m3: float,
        start_h: float,
        last_trips: bool,
    ) -> int:
        """The area whose truckload brings the most value per hour of vehicle time.

        With ``last_trips``, a trip after which no other trip could arrive in
        time is the vehicle's last: it costs all the time left, wherever it goes.
        """
        inst = self.inst
        load = pending[areas]
        kg = load @ inst.weight_kg
        m3 = load @ inst.volume_m3
        share = np.minimum(1.0, 1.0 / np.maximum(np.maximum(kg / cap_kg, m3 / cap_m3), 1e-12))
        value = share * (load * inst.value[areas]).sum(axis=1)
        load_h = float(inst.load_h[self.w])
        cycle = load_h + out_h[areas] + inst.unload_h[areas] + back_h[areas]
        if last_trips:
            again = start_h + cycle + load_h + float(out_h[areas].min())
            cycle = np.where(again > inst.horizon_h, inst.horizon_h - start_h, cycle)
        score = value / np.maximum(cycle, 1e-9)
        if self._rng is not None:
            score = score * self._rng.uniform(1.0 - NOISE, 1.0, len(areas))
        return int(areas[np.argmax(score)])

    def _loadable(self, pending: NDArray[np.int64], room: list[float]) -> NDArray[np.int64]:
        """Areas with pending units of which at least one fits in ``room``."""
        inst = self.inst
        fits = (inst.weight_kg <= room[0] + 1e-9) & (inst.volume_m3 <= room[1] + 1e-9)
        return np.flatnonzero(((pending > 0) & fits[None, :]).any(axis=1))

    def _top_up(self, stops: list[TimedStop], room: list[float]) -> None:
        """Fill the room left on a trip from spare stock for the areas it visits anyway."""
        need, stock = self._spare_need, self._spare_stock
        if need is None or stock is None:
            return
        inst = self.inst
        for stop in stops:
            a = stop.area_idx
            order = np.argsort(-inst.value[a], kind="stable")
            for i in order:
                extra = min(
                    int(need[a, i]),
                    int(stock[i]),
                    int(np.floor(room[0] / inst.weight_kg[i] + 1e-9)),
                    int(np.floor(room[1] / inst.volume_m3[i] + 1e-9)),
                )
                if extra <= 0:
                    continue
                stop.units[i] += extra
                need[a, i] -= extra
                stock[i] -= extra
                room[0] -= extra * float(inst.weight_kg[i])
                room[1] -= extra * float(inst.volume_m3[i])

    def _fill(self, area: int, room: list[float], pending: NDArray[np.int64]) -> NDArray[np.int64]:
        """Load the area's most valuable units per unit of space; update room and pending."""
        inst = self.inst
        units = np.zeros(inst.n_items, dtype=np.int64)
        k_kg, k_m3 = room
        share = np.maximum(inst.weight_kg / max(k_kg, 1e-9), inst.volume_m3 / max(k_m3, 1e-9))
        order = np.argsort(-inst.value[area] / np.maximum(share, 1e-12), kind="stable")
        for i in order:
            if pending[area, i] <= 0:
                continue
            fit = min(
                int(pending[area, i]),
                int(np.floor(room[0] / inst.weight_kg[i] + 1e-9)),
                int(np.floor(room[1] / inst.volume_m3[i] + 1e-9)),
            )
            if fit <= 0:
                continue
            units[i] = fit
            pending[area, i] -= fit
            room[0] -= fit * float(inst.weight_kg[i])
            room[1] -= fit * float(inst.volume_m3[i])
        return units


def fleet_state(dispatchers: list[WarehouseDispatcher]) -> FleetState:
    """The allocation LP's view of when vehicles and bays are free."""
    vehicles, bays = zip(*(d.fleet_state() for d in dispatchers), strict=True)
    return FleetState(vehicle_free_h=list(vehicles), bay_free_h=list(bays))
