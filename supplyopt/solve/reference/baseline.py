"""Hand dispatch: the plan a duty officer would make without an optimiser.

Used as the benchmark's baseline (``benchmarks/relief``). The rules are the
ones a person follows with a map, a stock list and a telephone:

1. Serve areas in order of urgency: priority first, then population, then
   total need.
2. For each area, call the nearest warehouse (by road distance); when it has
   none of the area's remaining needs left, or no vehicle there can still
   arrive by the deadline, call the next nearest.
3. Send full direct truckloads: one area per trip, no multi-stop; fill each
   vehicle with the area's needs in item order (the first item first) up to
   its weight and volume capacity.
4. Take the vehicle that can start loading soonest (the biggest one on a
   tie); vehicles are used again once they are back, and they queue for the
   warehouse's loading bays.
5. Never send a vehicle that would arrive after the deadline: the officer
   can add up loading, queueing and driving time.

The result is a contract-section-2 :class:`~supplyopt.model.Plan` that passes
:func:`supplyopt.check_plan`; its ``unmet`` reasons are coarse but true.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from ...model import (
    Area,
    Plan,
    Scenario,
    Stop,
    Trip,
    Unmet,
    UnmetReason,
    Warehouse,
    assemble_plan,
)
from ...network import TravelTimes, build_travel_times

#: Slack on the deadline comparison (well below the contract's 0.01 h rounding).
_EPS_H = 1e-9


@dataclass
class _Vehicle:
    id: str
    type_idx: int
    free_h: float


@dataclass
class _Depot:
    """A warehouse's live state while dispatching: stock left, vehicles, bays."""

    idx: int
    warehouse: Warehouse
    stock: dict[str, int]
    vehicles: list[_Vehicle]
    bay_free_h: list[float] = field(default_factory=list)

    def next_bay_h(self) -> float:
        """Earliest time a loading bay is free (the ready time if bays are unlimited)."""
        earliest = min(self.bay_free_h) if self.bay_free_h else 0.0
        return max(self.warehouse.ready_hours, earliest)

    def take_bay(self, start_h: float) -> None:
        """Occupy the bay that frees first from ``start_h`` for one loading."""
        if self.bay_free_h:
            slot = self.bay_free_h.index(min(self.bay_free_h))
            self.bay_free_h[slot] = start_h + self.warehouse.loading_hours


def plan_baseline(scenario: Scenario, *, travel: TravelTimes | None = None) -> Plan:
    """Dispatch by hand: most urgent area first, nearest warehouse, full direct truckloads.

    Parameters
    ----------
    scenario
        A validated scenario.
    travel
        Travel matrices of the scenario, if already built.

    Returns
    -------
    Plan
        A valid plan (contract section 2) with its summary and unmet needs.
    """
    started = time.perf_counter()
    travel = travel or build_travel_times(scenario)
    depots = [_depot(scenario, w_idx, wh) for w_idx, wh in enumerate(scenario.warehouses)]
    trips: list[Trip] = []
    order = sorted(
        range(len(scenario.areas)),
        key=lambda a: (
            -scenario.areas[a].priority,
            -(scenario.areas[a].population or 0),
            -sum(scenario.areas[a].demand.values()),
            a,
        ),
    )
    for a_idx in order:
        area = scenario.areas[a_idx]
        need = {item_id: qty for item_id, qty in area.demand.items() if qty > 0}
        for depot in _nearest_first(depots, travel, a_idx):
            while any(need.get(i, 0) > 0 and q > 0 for i, q in depot.stock.items()):
                trip = _dispatch(scenario, travel, depot, a_idx, area, need)
                if trip is None:
                    break
                trips.append(trip)
            if not any(need.values()):
                break
    trips.sort(key=lambda t: (t.load_start_hours, t.vehicle))
    return assemble_plan(
        scenario,
        trips,
        _unmet(scenario, travel, depots, trips),
        solve_seconds=time.perf_counter() - started,
    )


def _depot(scenario: Scenario, w_idx: int, wh: Warehouse) -> _Depot:
    vehicles = [
        _Vehicle(id=f"{wh.id}/{vt.id}/{n + 1}", type_idx=t_idx, free_h=wh.ready_hours)
        for t_idx, vt in enumerate(scenario.vehicle_types)
        for n in range(wh.fleet.get(vt.id, 0))
    ]
    bays = [] if wh.loading_bays is None else [wh.ready_hours] * wh.loading_bays
    return _Depot(idx=w_idx, warehouse=wh, stock=dict(wh.stock), vehicles=vehicles, bay_free_h=bays)


def _nearest_first(depots: list[_Depot], travel: TravelTimes, a_idx: int) -> list[_Depot]:
    """Warehouses with a road to the area, nearest (shortest road distance) first."""
    site = travel.area_site(a_idx)
    ranked: list[tuple[float, int, _Depot]] = []
    for depot in depots:
        km = min(float(m[depot.idx, site]) for m in travel.distance_km.values())
        if math.isfinite(km):
            ranked.append((km, depot.idx, depot))
    return [depot for *_, depot in sorted(ranked, key=lambda r: (r[0], r[1]))]


def _dispatch(
    scenario: Scenario,
    travel: TravelTimes,
    depot: _Depot,
    a_idx: int,
    area: Area,
    need: dict[str, int],
) -> Trip | None:
    """Send the soonest vehicle that arrives in time with a full load; None if there is none."""
    wh = depot.warehouse
    site = travel.area_site(a_idx)
    bay_h = depot.next_bay_h()
    best: tuple[float, float, int] | None = None
    for v_idx, vehicle in enumerate(depot.vehicles):
        vt = scenario.vehicle_types[vehicle.type_idx]
        start_h = max(vehicle.free_h, bay_h)
        arrive_h = start_h + wh.loading_hours + float(travel.duration_h[vt.id][depot.idx, site])
        if arrive_h <= scenario.deadline_hours + _EPS_H:
            key = (start_h, -vt.capacity_m3, v_idx)
            if best is None or key < best:
                best = key
    if best is None:
        return None
    start_h, _, v_idx = best
    vehicle = depot.vehicles[v_idx]
    vt = scenario.vehicle_types[vehicle.type_idx]
    load = _fill(scenario, depot.stock, need, vt.capacity_kg, vt.capacity_m3)
    if not load:
        return None
    for item_id, qty in load.items():
        depot.stock[item_id] -= qty
        need[item_id] -= qty
    depot.take_bay(start_h)
    depart_h = start_h + wh.loading_hours
    arrive_h = depart_h + float(travel.duration_h[vt.id][depot.idx, site])
    back_h = float(travel.duration_h[vt.id][site, depot.idx])
    return_h = arrive_h + area.unloading_hours + back_h
    vehicle.free_h = return_h
    km = travel.distance_km[vt.id]
    return Trip(
        vehicle=vehicle.id,
        warehouse=wh.id,
        vehicle_type=vt.id,
        load_start_hours=start_h,
        depart_hours=depart_h,
        stops=[Stop(area=area.id, arrive_hours=arrive_h, deliver=load)],
        return_hours=return_h,
        distance_km=float(km[depot.idx, site] + km[site, depot.idx]),
    )


def _fill(
    scenario: Scenario,
    stock: dict[str, int],
    need: dict[str, int],
    capacity_kg: float,
    capacity_m3: float,
) -> dict[str, int]:
    """Load the area's needs in item order until the vehicle is full."""
    load: dict[str, int] = {}
    room_kg, room_m3 = capacity_kg, capacity_m3
    for item in scenario.items:
        wanted = min(need.get(item.id, 0), stock.get(item.id, 0))
        fits = min(math.floor(room_kg / item.weight_kg), math.floor(room_m3 / item.volume_m3))
        qty = max(0, min(wanted, fits))
        if qty:
            load[item.id] = qty
            room_kg -= qty * item.weight_kg
            room_m3 -= qty * item.volume_m3
    return load


def _unmet(
    scenario: Scenario, travel: TravelTimes, depots: list[_Depot], trips: list[Trip]
) -> list[Unmet]:
    """Every (area, item) left short, with the reason that binds."""
    got: dict[tuple[str, str], int] = {}
    for trip in trips:
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                got[stop.area, item_id] = got.get((stop.area, item_id), 0) + qty
    unmet: list[Unmet] = []
    for a_idx, area in enumerate(scenario.areas):
        for item_id, qty in area.demand.items():
            short = qty - got.get((area.id, item_id), 0)
            if short > 0:
                reason, detail = _reason(scenario, travel, depots, a_idx, item_id)
                if reason is UnmetReason.FLEET and _visited_with_room(
                    scenario, depots, trips, area.id, item_id
                ):
                    reason = UnmetReason.NOT_SERVED
                    detail = "a truck from a warehouse with some left visited it with room"
                unmet.append(
                    Unmet(area=area.id, item=item_id, quantity=short, reason=reason, detail=detail)
                )
    return unmet


def _visited_with_room(
    scenario: Scenario, depots: list[_Depot], trips: list[Trip], area_id: str, item_id: str
) -> bool:
    """Whether an on-time trip to the area had room for one more unit its warehouse still holds."""
    items = {item.id: item for item in scenario.items}
    types = {vt.id: vt for vt in scenario.vehicle_types}
    left = {d.warehouse.id: d.stock.get(item_id, 0) for d in depots}
    item = items[item_id]
    for trip in trips:
        if left.get(trip.warehouse, 0) <= 0 or not any(s.area == area_id for s in trip.stops):
            continue
        loads = [(items[i], q) for s in trip.stops for i, q in s.deliver.items()]
        vtype = types[trip.vehicle_type]
        if (
            sum(it.weight_kg * q for it, q in loads) + item.weight_kg <= vtype.capacity_kg
            and sum(it.volume_m3 * q for it, q in loads) + item.volume_m3 <= vtype.capacity_m3
        ):
            return True
    return False


def _reason(
    scenario: Scenario, travel: TravelTimes, depots: list[_Depot], a_idx: int, item_id: str
) -> tuple[UnmetReason, str]:
    site = travel.area_site(a_idx)
    holders = [d for d in depots if d.warehouse.stock.get(item_id, 0) > 0]
    connected = [d for d in holders if travel.road_from_warehouse(d.idx, site)]
    if not connected:
        return UnmetReason.UNREACHABLE, f"no road from any warehouse holding {item_id}"
    in_time = [d for d in connected if _earliest_arrival_h(scenario, travel, d, site) is not None]
    if not in_time:
        if any(d.vehicles for d in connected):
            return UnmetReason.DEADLINE, "no warehouse holding it can arrive by the deadline"
        return UnmetReason.FLEET, "the warehouses holding it have no vehicles"
    if all(d.stock.get(item_id, 0) == 0 for d in in_time):
        return UnmetReason.STOCK, "stock within reach went to more urgent areas"
    return UnmetReason.FLEET, "stock within reach, but no vehicle or loading bay free in time"


def _earliest_arrival_h(
    scenario: Scenario, travel: TravelTimes, depot: _Depot, site: int
) -> float | None:
    """Earliest on-time arrival from this warehouse with an empty yard, or None."""
    wh = depot.warehouse
    best: float | None = None
    for vt in scenario.vehicle_types:
        if wh.fleet.get(vt.id, 0) <= 0:
            continue
        arrive_h = (
            wh.ready_hours + wh.loading_hours + float(travel.duration_h[vt.id][depot.idx, site])
        )
        if arrive_h <= scenario.deadline_hours + _EPS_H and (best is None or arrive_h < best):
            best = arrive_h
    return best
