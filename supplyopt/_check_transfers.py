"""The checker's rules for stock transfers between warehouses (an extension of contract §2).

A trip with ``transfer`` loads at its warehouse A, drives to warehouse B,
unloads there in one of B's loading bays for B's ``loading_hours`` (not
before B's ``ready_hours``), ending at the trip's ``return_hours``; it has no
stops. Its units join B's stock at that end and can be loaded only by
loadings at B that start at or after it. Stock becomes time-ordered per
warehouse: at every loading at W, the units taken by loadings (and transfers
out) starting at or before it are at most W's stock plus the transfers into
W ended by then. docs/planner.md ("Stock transfers") says why.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .model import Plan, Scenario, Trip
from .network import TravelTimes

#: Same rounding allowance as the checker's (contract §2: times rounded by at most 0.01 h).
TIME_TOL_H = 0.0101
REL_TOL = 1e-6


def known_transfer(scenario: Scenario, trip: Trip) -> bool:
    """Whether ``trip`` is a transfer to a warehouse of the scenario other than its own."""
    if trip.transfer is None or trip.transfer.warehouse == trip.warehouse:
        return False
    return trip.transfer.warehouse in {w.id for w in scenario.warehouses}


def ends_at(scenario: Scenario, trip: Trip) -> str:
    """Where the vehicle is after ``trip`` (its own warehouse when the transfer's is unknown)."""
    return trip.ends_at if known_transfer(scenario, trip) else trip.warehouse


def check_transfer(
    scenario: Scenario, where: str, trip: Trip, travel: TravelTimes, ready_h: float
) -> list[str]:
    """Every rule of one transfer trip: ids, quantities, capacity, timing and distance.

    ``travel`` holds the roads of the drive (leaving at ``ready_h``, the
    earliest the loaded vehicle can leave).
    """
    transfer = trip.transfer
    assert transfer is not None
    problems: list[str] = []
    at = f"{where}.transfer"
    if trip.stops:
        problems.append(f"{where}.stops: a transfer trip has no stops ({len(trip.stops)} given)")
    sites = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
    if transfer.warehouse not in sites:
        problems.append(
            f"{at}.warehouse: unknown warehouse {transfer.warehouse!r} "
            f"(known: {', '.join(sorted(sites))})"
        )
    elif transfer.warehouse == trip.warehouse:
        problems.append(f"{at}.warehouse: {transfer.warehouse!r} is the trip's own warehouse")
    problems += _check_load(scenario, where, trip)
    if not known_transfer(scenario, trip):
        return problems
    dest = scenario.warehouse(transfer.warehouse)
    a_idx, b_idx = sites[trip.warehouse], sites[dest.id]
    drive_h = float(travel.duration_h[trip.vehicle_type][a_idx, b_idx])
    drive_km = float(travel.distance_km[trip.vehicle_type][a_idx, b_idx])
    if not math.isfinite(drive_h):
        problems.append(f"{at}.warehouse: no road from {trip.warehouse!r} to {dest.id!r}")
        return problems
    if transfer.arrive_hours < ready_h + drive_h - TIME_TOL_H:
        problems.append(
            f"{at}.arrive_hours: {transfer.arrive_hours} is earlier than possible "
            f"({ready_h:.4f} + {drive_h:.4f} h of travel)"
        )
    unloaded_h = max(transfer.arrive_hours, dest.ready_hours) + dest.loading_hours
    if trip.return_hours < unloaded_h - TIME_TOL_H:
        problems.append(
            f"{where}.return_hours: {trip.return_hours} is before the unloading at {dest.id!r} "
            f"can end ({unloaded_h:.4f} h: arrival or its ready time + {dest.loading_hours} h)"
        )
    if not math.isclose(trip.distance_km, drive_km, rel_tol=1e-4, abs_tol=0.01):
        problems.append(
            f"{where}.distance_km: {trip.distance_km} but {trip.warehouse!r} to {dest.id!r} "
            f"is {drive_km:.3f} km"
        )
    return problems


def _check_load(scenario: Scenario, where: str, trip: Trip) -> list[str]:
    """Known items, positive whole quantities, within the vehicle's weight and volume."""
    assert trip.transfer is not None
    at = f"{where}.transfer.deliver"
    items = {item.id: item for item in scenario.items}
    problems: list[str] = []
    if not trip.transfer.deliver:
        problems.append(f"{at}: empty; a transfer carries something")
    kg = m3 = 0.0
    for item_id, qty in trip.transfer.deliver.items():
        item = items.get(item_id)
        if item is None:
            problems.append(
                f"{at}.{item_id}: unknown item {item_id!r} (known: {', '.join(sorted(items))})"
            )
        elif not isinstance(qty, int) or qty <= 0:
            problems.append(f"{at}.{item_id}: must be a positive whole number ({qty})")
        else:
            kg += qty * item.weight_kg
            m3 += qty * item.volume_m3
    vtype = next((vt for vt in scenario.vehicle_types if vt.id == trip.vehicle_type), None)
    if vtype is not None and kg > vtype.capacity_kg * (1 + REL_TOL):
        problems.append(f"{at}: load {kg:.1f} kg exceeds capacity {vtype.capacity_kg} kg")
    if vtype is not None and m3 > vtype.capacity_m3 * (1 + REL_TOL):
        problems.append(f"{at}: load {m3:.3f} m3 exceeds capacity {vtype.capacity_m3} m3")
    return problems


def transfer_units(scenario: Scenario, trip: Trip) -> dict[str, int]:
    """The units a transfer moves that count in stock (known items, positive whole quantities)."""
    if not known_transfer(scenario, trip):
        return {}
    assert trip.transfer is not None
    known = {item.id for item in scenario.items}
    return {
        i: q
        for i, q in trip.transfer.deliver.items()
        if i in known and isinstance(q, int) and q > 0
    }


def moved(scenario: Scenario, plan: Plan) -> dict[tuple[str, str], int]:
    """Net units per (warehouse, item) the transfers bring in (+) or take out (-)."""
    net: defaultdict[tuple[str, str], int] = defaultdict(int)
    for trip in plan.trips:
        for item_id, qty in transfer_units(scenario, trip).items():
            net[trip.warehouse, item_id] -= qty
            net[trip.ends_at, item_id] += qty
    return dict(net)


def check_stock_in_time(
    scenario: Scenario, plan: Plan, taken: dict[tuple[str, str], int]
) -> list[str]:
    """At each warehouse receiving transfers, every loading uses only stock there by then.

    Units loaded (by trips and transfers out) starting at or before a loading
    at W are at most W's stock plus the transfers into W whose unloading ended
    by then (within the rounding allowance); ``taken`` units (a revision's
    under-way loads) count from the start.
    """
    arrivals: defaultdict[str, list[tuple[float, int, dict[str, int]]]] = defaultdict(list)
    for t_idx, trip in enumerate(plan.trips):
        units = transfer_units(scenario, trip)
        if units:
            arrivals[trip.ends_at].append((trip.return_hours, t_idx, units))
    problems: list[str] = []
    for wh_id, incoming in sorted(arrivals.items()):
        problems += _ledger(scenario, plan, wh_id, incoming, taken)
    return problems


def _ledger(
    scenario: Scenario,
    plan: Plan,
    wh_id: str,
    incoming: list[tuple[float, int, dict[str, int]]],
    taken: dict[tuple[str, str], int],
) -> list[str]:
    """The first loading at ``wh_id`` that uses more than the warehouse holds by then, per item."""
    loads: list[tuple[float, int, dict[str, int]]] = []
    for t_idx, trip in enumerate(plan.trips):
        if trip.warehouse != wh_id:
            continue
        units: defaultdict[str, int] = defaultdict(int)
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                units[item_id] += qty
        for item_id, qty in transfer_units(scenario, trip).items():
            units[item_id] += qty
        loads.append((trip.load_start_hours, t_idx, dict(units)))
    loads.sort(key=lambda e: (e[0], e[1]))
    stock = scenario.warehouse(wh_id).stock
    problems: list[str] = []
    reported: set[str] = set()
    for start_h, t_idx, _ in loads:
        came = [e for e in incoming if e[0] <= start_h + TIME_TOL_H]
        used = [e for e in loads if (e[0], e[1]) <= (start_h, t_idx)]
        for item_id in sorted({i for e in used for i in e[2]} - reported):
            have = stock.get(item_id, 0) + sum(e[2].get(item_id, 0) for e in came)
            out = taken.get((wh_id, item_id), 0) + sum(e[2].get(item_id, 0) for e in used)
            if out > have:
                reported.add(item_id)
                late = [f"trips[{e[1]}]" for e in incoming if e not in came and item_id in e[2]]
                after = f"; {', '.join(late)} unload it there later" if late else ""
                problems.append(
                    f"trips[{t_idx}].load_start_hours: at {start_h} h the loadings at {wh_id!r} "
                    f"so far take {out} {item_id}, but it holds {have} by then "
                    f"({stock.get(item_id, 0)} in stock + transfers ended by then){after}"
                )
    return problems
