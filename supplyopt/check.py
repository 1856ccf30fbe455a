"""Independent plan checker: every rule of contract §2, from the scenario alone.

Nothing here looks at how a plan was made. Travel times come from the
scenario's road model; stock, demand, capacities, loading bays, timing and
every KPI are recounted (the KPIs by :mod:`._check_kpis`, not by the
planner's :func:`~supplyopt.model.summarize`) and compared with what the plan
says. A plan for another scenario (another name, or ids the scenario does
not have) gets that mismatch alone: every other check would only repeat it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ._check_kpis import count_on_time, delivered_units, due_lots, recount
from ._check_transfers import check_stock_in_time, check_transfer, ends_at, moved
from .model import (
    Plan,
    Scenario,
    Trip,
    Unmet,
    UnmetReason,
    Warehouse,
    apply_disruptions,
)
from .network import TravelTimes, build_travel_times

#: Times may be rounded by up to 0.01 h (contract §2); differences of two
#: rounded times may therefore be off by twice the rounding of one.
TIME_TOL_H = 0.0101
#: Relative slack on capacities and distances (float sums).
REL_TOL = 1e-6
_KPI_TOL = 1e-6


@dataclass(frozen=True)
class Rules:
    """How the rules of contract §2 are applied: the roads of each leg, and what is fixed.

    A plain plan is checked on one set of roads (:meth:`plain`). A revised
    plan (contract §6) drives each leg on the roads of the moment it starts,
    and some of it was carried out before the revision.

    Attributes
    ----------
    leg_at
        Travel matrices for a leg (or an empty drive) that starts at the given hour.
    now
        Travel matrices for what is not a leg (the reasons of ``unmet``).
    fixed_legs
        (trip idx, stop idx) of stops reached before the revision: their leg is
        checked on ``before`` (a later road event does not undo a past drive).
    before
        Travel matrices for ``fixed_legs``.
    no_return
        Trip indices whose vehicle broke down on the road or is stranded (no
        road back): no return leg to check, and it may end before its first stop.
    taken
        Units per (warehouse, item) taken from stock beyond the plan's
        deliveries (what under-way trips loaded and did not deliver).
    frozen
        Trip indices that had left before the revision: they cannot take more,
        and may have no stop left (every stop dropped, the load driven back).
    earliest_load_h
        No trip that is not frozen can load before this hour.
    reasons
        What the reasons of ``unmet`` are judged against when not the checked
        scenario: for a revision, the stock left after the frozen trips loaded
        and only the warehouses and vehicles still usable.
    """

    leg_at: Callable[[float], TravelTimes]
    now: TravelTimes
    fixed_legs: frozenset[tuple[int, int]] = frozenset()
    before: TravelTimes | None = None
    no_return: frozenset[int] = frozenset()
    taken: dict[tuple[str, str], int] = field(default_factory=dict)
    frozen: frozenset[int] = frozenset()
    earliest_load_h: float = 0.0
    reasons: Scenario | None = None

    @classmethod
    def plain(cls, travel: TravelTimes) -> Rules:
        """Every leg on the same roads, nothing fixed."""
        return cls(leg_at=lambda _hours: travel, now=travel)

    def leg(self, trip_idx: int, stop_idx: int, start_h: float) -> TravelTimes:
        """Travel matrices for the leg into ``stop_idx`` (its return leg: ``len(stops)``)."""
        if self.before is not None and (trip_idx, stop_idx) in self.fixed_legs:
            return self.before
        return self.leg_at(start_h)


def check_plan(scenario: Scenario, plan: Plan, *, travel: TravelTimes | None = None) -> list[str]:
    """List every way the plan breaks the contract for this scenario.

    Parameters
    ----------
    scenario
        The scenario the plan claims to solve.
    plan
        The plan to verify.
    travel
        Travel matrices, if already computed for this scenario.

    Returns
    -------
    list[str]
        One located message per violation; empty when the plan is valid.
        When the plan names another scenario or ids this scenario lacks,
        only those mismatches.
    """
    scenario = apply_disruptions(scenario)
    mismatch = _check_identity(scenario, plan)
    if mismatch:
        return mismatch
    return check_rules(scenario, plan, Rules.plain(travel or build_travel_times(scenario)))


def check_rules(scenario: Scenario, plan: Plan, rules: Rules) -> list[str]:
    """Every rule of contract §2 on a plan whose ids the scenario knows.

    Parameters
    ----------
    scenario
        The scenario with its non-road disruptions applied.
    plan
        The plan to verify (:func:`scenario_mismatch` found nothing).
    rules
        The roads of each leg and what is fixed (:meth:`Rules.plain` for a plan
        made at T0).

    Returns
    -------
    list[str]
        One located message per violation.
    """
    problems: list[str] = []
    if not math.isclose(plan.deadline_hours, scenario.deadline_hours):
        problems.append(
            f"deadline_hours: {plan.deadline_hours} differs from the scenario's "
            f"{scenario.deadline_hours}"
        )
    problems += _check_trips(scenario, plan, rules)
    problems += _check_quantities(scenario, plan, rules.taken, _made(plan, rules))
    problems += check_stock_in_time(scenario, plan, rules.taken)
    problems += _check_vehicles(scenario, plan, rules)
    problems += _check_bays(scenario, plan)
    problems += _check_summary(scenario, plan)
    problems += _check_unmet(scenario, plan, rules)
    return problems


def scenario_mismatch(scenario: Scenario, plan: Plan) -> list[str]:
    """Whether the plan is for another scenario: its name or ids the scenario lacks.

    Returns
    -------
    list[str]
        One message per mismatch (the first lines :func:`check_plan` would
        give); empty when the plan names this scenario and only its ids.
    """
    return _check_identity(apply_disruptions(scenario), plan)


def _check_identity(scenario: Scenario, plan: Plan) -> list[str]:
    """The plan's scenario name and every id it uses, against the scenario's."""
    problems: list[str] = []
    if plan.scenario != scenario.name:
        problems.append(f"scenario: plan is for {plan.scenario!r}, not {scenario.name!r}")
    stops = [stop for trip in plan.trips for stop in trip.stops]
    used = {
        "warehouse": [t.warehouse for t in plan.trips]
        + [t.based_at for t in plan.trips if t.based_at is not None],
        "vehicle type": [t.vehicle_type for t in plan.trips],
        "area": [s.area for s in stops] + [u.area for u in plan.unmet],
        "item": [i for s in stops for i in s.deliver] + [u.item for u in plan.unmet],
    }
    known = {
        "warehouse": [w.id for w in scenario.warehouses],
        "vehicle type": [vt.id for vt in scenario.vehicle_types],
        "area": [a.id for a in scenario.areas],
        "item": [item.id for item in scenario.items],
    }
    for kind, ids in used.items():
        unknown = sorted(set(ids) - set(known[kind]))
        if unknown:
            problems.append(
                f"{kind} ids: {_few(map(repr, unknown))} not in scenario {scenario.name!r} "
                f"(known: {_few(known[kind])})"
            )
    return problems


def _few(names: Iterable[str], limit: int = 8) -> str:
    """Up to ``limit`` names, then how many more."""
    listed = list(names)
    more = f" and {len(listed) - limit} more" if len(listed) > limit else ""
    return ", ".join(listed[:limit]) + more


def _site_index(scenario: Scenario) -> tuple[dict[str, int], dict[str, int]]:
    n_w = len(scenario.warehouses)
    warehouses = {w.id: idx for idx, w in enumerate(scenario.warehouses)}
    areas = {a.id: n_w + idx for idx, a in enumerate(scenario.areas)}
    return warehouses, areas


def _check_trips(scenario: Scenario, plan: Plan, rules: Rules) -> list[str]:
    problems: list[str] = []
    wh_site, area_site = _site_index(scenario)
    items = {item.id: item for item in scenario.items}
    types = {vt.id: vt for vt in scenario.vehicle_types}
    for t_idx, trip in enumerate(plan.trips):
        where = f"trips[{t_idx}]"
        warehouse = scenario.warehouse(trip.warehouse)
        vtype = types[trip.vehicle_type]
        # A trip under way may end with no stop (its stops dropped) or, stranded or down, anywhere.
        stopless = t_idx in rules.no_return or t_idx in rules.frozen
        problems += _check_loading(
            where, trip, warehouse, stopless=stopless or trip.transfer is not None
        )
        kg = m3 = 0.0
        here = wh_site[trip.warehouse]
        # Earliest possible times, recomputed from the scenario: a plan time may be
        # rounded early by the tolerance, but that never accumulates along a trip.
        ready = max(
            trip.depart_hours,
            trip.load_start_hours + warehouse.loading_hours,
            warehouse.ready_hours + warehouse.loading_hours,
        )
        if trip.transfer is not None:  # to another warehouse, no stops (_check_transfers)
            problems += check_transfer(scenario, where, trip, rules.leg(t_idx, 0, ready), ready)
            continue
        distance = 0.0
        seen_areas: set[str] = set()
        for s_idx, stop in enumerate(trip.stops):
            at = f"{where}.stops[{s_idx}]"
            if stop.area in seen_areas:
                problems.append(f"{at}.area: {stop.area!r} is visited twice on one trip")
            seen_areas.add(stop.area)
            site = area_site[stop.area]
            travel = rules.leg(t_idx, s_idx, ready)
            leg_h = float(travel.duration_h[vtype.id][here, site])
            if not math.isfinite(leg_h):
                problems.append(f"{at}: no road from the previous stop to {stop.area!r}")
            elif stop.arrive_hours < ready + leg_h - TIME_TOL_H:
                problems.append(
                    f"{at}.arrive_hours: {stop.arrive_hours} is earlier than possible "
                    f"({ready:.4f} + {leg_h:.4f} h of travel)"
                )
            distance += float(travel.distance_km[vtype.id][here, site])
            if not stop.deliver:
                problems.append(f"{at}.deliver: empty; a stop unloads something")
            for item_id, qty in stop.deliver.items():
                item = items[item_id]
                if not isinstance(qty, int) or qty <= 0:
                    problems.append(
                        f"{at}.deliver.{item_id}: must be a positive whole number ({qty})"
                    )
                    continue
                kg += qty * item.weight_kg
                m3 += qty * item.volume_m3
            earliest = ready + leg_h if math.isfinite(leg_h) else stop.arrive_hours
            ready = max(stop.arrive_hours, earliest) + scenario.area(stop.area).unloading_hours
            here = site
        travel = rules.leg(t_idx, len(trip.stops), ready)
        back_h = float(travel.duration_h[vtype.id][here, wh_site[trip.warehouse]])
        if t_idx in rules.no_return:
            # Broke down on the road: it does not drive back (nor is its distance known).
            distance = math.nan
        elif trip.stops and trip.return_hours < ready + back_h - TIME_TOL_H:
            problems.append(
                f"{where}.return_hours: {trip.return_hours} is earlier than possible "
                f"({ready:.4f} + {back_h:.4f} h back)"
            )
        distance += float(travel.distance_km[vtype.id][here, wh_site[trip.warehouse]])
        if kg > vtype.capacity_kg * (1 + REL_TOL):
            problems.append(f"{where}: load {kg:.1f} kg exceeds capacity {vtype.capacity_kg} kg")
        if m3 > vtype.capacity_m3 * (1 + REL_TOL):
            problems.append(f"{where}: load {m3:.3f} m3 exceeds capacity {vtype.capacity_m3} m3")
        if math.isfinite(distance) and not math.isclose(
            trip.distance_km, distance, rel_tol=1e-4, abs_tol=0.01
        ):
            problems.append(
                f"{where}.distance_km: {trip.distance_km} but the stops are {distance:.3f} km apart"
            )
    return problems


def _check_loading(
    where: str, trip: Trip, warehouse: Warehouse, *, stopless: bool = False
) -> list[str]:
    """A trip has stops (unless ``stopless``), loads once its warehouse is ready and leaves once loaded."""
    problems: list[str] = []
    if not trip.stops and not stopless:
        problems.append(f"{where}.stops: a trip must have at least one stop")
    if trip.load_start_hours < warehouse.ready_hours - TIME_TOL_H:
        problems.append(
            f"{where}.load_start_hours: {trip.load_start_hours} is before the warehouse is "
            f"ready ({warehouse.ready_hours})"
        )
    if trip.depart_hours < trip.load_start_hours + warehouse.loading_hours - TIME_TOL_H:
        problems.append(
            f"{where}.depart_hours: {trip.depart_hours} is before loading ends "
            f"({trip.load_start_hours} + {warehouse.loading_hours})"
        )
    return problems


def _made(plan: Plan, rules: Rules) -> dict[tuple[str, str], int]:
    """Units per (area, item) the stops made before a revision delivered (facts, not plans)."""
    made: defaultdict[tuple[str, str], int] = defaultdict(int)
    for t_idx, s_idx in rules.fixed_legs:
        stop = plan.trips[t_idx].stops[s_idx]
        for item_id, qty in stop.deliver.items():
            made[stop.area, item_id] += qty
    return dict(made)


def _check_quantities(
    scenario: Scenario,
    plan: Plan,
    extra: dict[tuple[str, str], int],
    made: dict[tuple[str, str], int] | None = None,
) -> list[str]:
    """Stock per warehouse and item (counting ``extra`` units taken), demand per area and item.

    ``made``: units delivered before a revision; demand lowered below them
    lets nothing more be delivered, but they are not a violation.
    """
    problems: list[str] = []
    taken: defaultdict[tuple[str, str], int] = defaultdict(int, extra)
    for trip in plan.trips:
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                taken[trip.warehouse, item_id] += qty
    # Transfers (an extension): out of a warehouse they count as shipped, into one as held.
    for key, net in moved(scenario, plan).items():
        taken[key] -= net
    for (wh_id, item_id), qty in sorted(taken.items()):
        stock = scenario.warehouse(wh_id).stock.get(item_id, 0)
        if qty > stock:
            problems.append(f"warehouse {wh_id!r}: ships {qty} {item_id} but holds {stock}")
    for (area_id, item_id), qty in sorted(delivered_units(plan.trips).items()):
        need = max(
            scenario.area(area_id).demand.get(item_id, 0), (made or {}).get((area_id, item_id), 0)
        )
        if qty > need:
            problems.append(f"area {area_id!r}: receives {qty} {item_id} but needs {need}")
    return problems


def _check_vehicles(scenario: Scenario, plan: Plan, rules: Rules) -> list[str]:
    """Vehicle reuse, fleet size per base, and empty drives between warehouses.

    A vehicle's base is its trips' ``based_at`` (an extension of the
    contract), else their warehouse. A vehicle may load at a warehouse other
    than its base, or than its previous trip's: it first drives there empty,
    leaving its base no earlier than the base's ``ready_hours`` (or its
    previous warehouse on return), and ``empty_km`` must give that drive.
    After a stock transfer (an extension) the vehicle is at the warehouse
    it unloaded at, from the trip's ``return_hours``.
    """
    problems: list[str] = []
    wh_site, _ = _site_index(scenario)
    by_vehicle: defaultdict[str, list[int]] = defaultdict(list)
    for idx, trip in enumerate(plan.trips):
        by_vehicle[trip.vehicle].append(idx)
    per_fleet: defaultdict[tuple[str, str], int] = defaultdict(int)
    for vehicle, idxs in by_vehicle.items():
        homes = {(plan.trips[i].base, plan.trips[i].vehicle_type) for i in idxs}
        if len(homes) > 1:
            problems.append(
                f"vehicle {vehicle!r}: trips give different bases or types {sorted(homes)}"
            )
            continue
        (home,) = homes
        base_id, type_id = home
        per_fleet[home] += 1
        ordered = sorted(idxs, key=lambda i: plan.trips[i].load_start_hours)
        at, free_h = base_id, scenario.warehouse(base_id).ready_hours
        for pos, nxt in enumerate(ordered):
            trip = plan.trips[nxt]
            if nxt not in rules.frozen:
                # A revision gives no new order before now: an idle vehicle moves from then.
                free_h = max(free_h, rules.earliest_load_h)
            frozen = nxt in rules.frozen and rules.before is not None
            travel = rules.before if frozen and rules.before else rules.leg_at(free_h)
            drive_h = float(travel.duration_h[type_id][wh_site[at], wh_site[trip.warehouse]])
            drive_km = float(travel.distance_km[type_id][wh_site[at], wh_site[trip.warehouse]])
            where = f"trips[{nxt}]"
            if not math.isfinite(drive_h):
                problems.append(
                    f"{where}: vehicle {vehicle!r} has no road from {at!r} to {trip.warehouse!r}"
                )
            elif at != trip.warehouse and trip.load_start_hours < free_h + drive_h - TIME_TOL_H:
                problems.append(
                    f"{where}.load_start_hours: vehicle {vehicle!r} cannot be at {trip.warehouse!r} "
                    f"before {free_h + drive_h:.4f} h ({free_h} at {at!r} + {drive_h:.4f} h empty)"
                )
            elif pos > 0 and trip.load_start_hours < free_h - TIME_TOL_H:
                prev = ordered[pos - 1]
                problems.append(
                    f"{where}.load_start_hours: vehicle {vehicle!r} starts loading at "
                    f"{trip.load_start_hours} before returning from trips[{prev}] at {free_h}"
                )
            empty = trip.empty_km or 0.0
            expected = drive_km if at != trip.warehouse and math.isfinite(drive_km) else 0.0
            if not math.isclose(empty, expected, rel_tol=1e-4, abs_tol=0.01):
                problems.append(
                    f"{where}.empty_km: {trip.empty_km}, but the drive from {at!r} to "
                    f"{trip.warehouse!r} before it is {expected:.3f} km"
                )
            at, free_h = ends_at(scenario, trip), trip.return_hours
    for (wh_id, type_id), used in sorted(per_fleet.items()):
        owned = scenario.warehouse(wh_id).fleet.get(type_id, 0)
        if used > owned:
            problems.append(
                f"warehouse {wh_id!r}: uses {used} vehicles of type {type_id!r} based there, "
                f"has {owned}"
            )
    return problems


def _check_bays(scenario: Scenario, plan: Plan) -> list[str]:
    problems: list[str] = []
    for warehouse in scenario.warehouses:
        if warehouse.loading_bays is None or warehouse.loading_hours <= 0:
            continue
        events: list[tuple[float, int]] = []
        # A loading occupies a bay from its start; a transfer's unloading (an extension)
        # occupies one for the same time, ending at the trip's return.
        begins = [t.load_start_hours for t in plan.trips if t.warehouse == warehouse.id]
        begins += [
            t.return_hours - warehouse.loading_hours
            for t in plan.trips
            if t.transfer is not None and t.transfer.warehouse == warehouse.id != t.warehouse
        ]
        for begin in begins:
            # Shrink each interval by the rounding allowance so that
            # back-to-back loadings do not count as overlapping.
            start = begin + TIME_TOL_H / 2
            end = begin + warehouse.loading_hours - TIME_TOL_H / 2
            if end > start:
                events += [(start, 1), (end, -1)]
        busy = peak = 0
        peak_at = 0.0
        for time, delta in sorted(events, key=lambda e: (e[0], e[1])):
            busy += delta
            if busy > peak:
                peak, peak_at = busy, time
        if peak > warehouse.loading_bays:
            problems.append(
                f"warehouse {warehouse.id!r}: {peak} vehicles loading at once around "
                f"{peak_at:.2f} h, but it has {warehouse.loading_bays} loading bays"
            )
    return problems


def _check_summary(scenario: Scenario, plan: Plan) -> list[str]:
    problems: list[str] = []
    expected = recount(scenario, plan.trips)
    got = plan.summary
    for name in ("demand_units", "delivered_units", "on_time_units", "vehicles_used"):
        if getattr(got, name) != getattr(expected, name):
            problems.append(
                f"summary.{name}: {getattr(got, name)}, recounted {getattr(expected, name)}"
            )
    for name in ("coverage_on_time", "weighted_coverage_on_time", "min_area_coverage"):
        if not math.isclose(getattr(got, name), getattr(expected, name), abs_tol=_KPI_TOL):
            problems.append(
                f"summary.{name}: {getattr(got, name)}, recounted {getattr(expected, name):.6f}"
            )
    if not math.isclose(got.makespan_hours, expected.makespan_hours, abs_tol=TIME_TOL_H):
        problems.append(
            f"summary.makespan_hours: {got.makespan_hours}, recounted {expected.makespan_hours}"
        )
    if not math.isclose(got.distance_km, expected.distance_km, rel_tol=1e-6, abs_tol=0.01):
        problems.append(
            f"summary.distance_km: {got.distance_km}, recounted {expected.distance_km:.3f}"
        )
    if plan.status != expected.status:
        problems.append(f"status: {plan.status!r}, but the deliveries make it {expected.status!r}")
    return problems


def _check_unmet(scenario: Scenario, plan: Plan, rules: Rules) -> list[str]:
    """Every (area, item) short of its lots is listed, each with a reason the facts allow."""
    problems: list[str] = []
    reasons = rules.reasons or scenario
    counted = count_on_time(scenario, plan.trips)
    due: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    for lot in due_lots(scenario):
        due[lot.area, lot.item].append(lot.due_hours)
    room_due: defaultdict[tuple[str, str], list[float]] = defaultdict(list)
    for lot in counted.short_lots:
        room_due[lot.area, lot.item].append(lot.due_hours)
    listed: defaultdict[tuple[str, str], int] = defaultdict(int)
    for idx, entry in enumerate(plan.unmet):
        key = (entry.area, entry.item)
        listed[key] += entry.quantity
        if entry.quantity <= 0:
            problems.append(f"unmet[{idx}].quantity: must be positive ({entry.quantity})")
        # The reason must hold for some lot: 'deadline' is contradicted when every
        # lot can be reached by its due time, 'fleet' by a visit before a lot with room.
        earliest_due = min(due.get(key, [scenario.deadline_hours]))
        problems += _check_reason(reasons, rules, idx, entry, earliest_due)
        if entry.reason is UnmetReason.FLEET:
            latest_room = max(room_due.get(key, [-math.inf]))
            problems += _check_fleet_reason(reasons, plan, rules, idx, entry, latest_room)
    for area in scenario.areas:
        for item_id, need in area.demand.items():
            short = need - min(counted.filled.get((area.id, item_id), 0), need)
            said = listed.pop((area.id, item_id), 0)
            if said != short:
                problems.append(
                    f"unmet: area {area.id!r} is short of {short} {item_id} on time, "
                    f"the plan lists {said}"
                )
    for (area_id, item_id), said in sorted(listed.items()):
        problems.append(f"unmet: lists {said} {item_id} for {area_id!r}, which has no such demand")
    return problems


def _check_reason(
    scenario: Scenario, rules: Rules, idx: int, entry: Unmet, due_hours: float
) -> list[str]:
    """A reason must not contradict the scenario (e.g. 'unreachable' with a road).

    ``due_hours`` is the earliest due time of the (area, item)'s lots: 'deadline'
    is contradicted only when a vehicle can arrive by then.
    """
    area_id, item_id, reason = entry.area, entry.item, entry.reason
    travel = rules.now
    try:
        area_idx = [a.id for a in scenario.areas].index(area_id)
    except ValueError:
        return [f"unmet[{idx}].area: unknown area {area_id!r}"]
    site = travel.area_site(area_idx)
    holders = [w_idx for w_idx, w in enumerate(scenario.warehouses) if w.stock.get(item_id, 0) > 0]
    connected = [w_idx for w_idx in holders if travel.road_from_warehouse(w_idx, site)]
    if reason is UnmetReason.UNREACHABLE and connected:
        return [
            f"unmet[{idx}].reason: 'unreachable', but a road leads there from a warehouse holding {item_id}"
        ]
    if (
        reason in (UnmetReason.DEADLINE, UnmetReason.FLEET, UnmetReason.NOT_SERVED)
        and not connected
    ):
        return [
            f"unmet[{idx}].reason: {reason.value!r}, but no warehouse holding {item_id} connects to it"
        ]
    if reason is UnmetReason.DEADLINE:
        for w_idx in connected:
            wh = scenario.warehouses[w_idx]
            based = [t for t, n in wh.fleet.items() if n > 0]
            if not based:
                continue
            fastest = min(float(travel.duration_h[t][w_idx, site]) for t in based)
            start_h = max(wh.ready_hours, rules.earliest_load_h)
            arrival = start_h + wh.loading_hours + fastest
            if arrival <= due_hours:
                return [
                    f"unmet[{idx}].reason: 'deadline', but {wh.id!r} holds {item_id} and "
                    f"its vehicles can arrive by {arrival:.2f} h"
                ]
    return []


def _check_fleet_reason(
    scenario: Scenario, plan: Plan, rules: Rules, idx: int, entry: Unmet, due_hours: float
) -> list[str]:
    """'fleet' is contradicted by an on-time trip to the area with room for one more unit.

    That is, a trip (not one that had left before a revision) visiting the
    area by ``due_hours`` (the latest due time of its lots left with room),
    from a warehouse with the item still in stock after the plan, whose
    vehicle has room left for at least one unit of it.
    """
    area_id, item_id = entry.area, entry.item
    items = {item.id: item for item in scenario.items}
    types = {vt.id: vt for vt in scenario.vehicle_types}
    item = items.get(item_id)
    if item is None:
        return []
    left = {w.id: w.stock.get(item_id, 0) for w in scenario.warehouses}
    for (wh_id, moved_id), net in moved(scenario, plan).items():
        if moved_id == item_id:
            left[wh_id] = left.get(wh_id, 0) + net
    for t_idx, trip in enumerate(plan.trips):
        if t_idx in rules.frozen:
            continue  # already counted out of a revision's stock (``Rules.reasons``)
        left[trip.warehouse] = left.get(trip.warehouse, 0) - sum(
            stop.deliver.get(item_id, 0) for stop in trip.stops
        )
    for t_idx, trip in enumerate(plan.trips):
        vtype = types.get(trip.vehicle_type)
        visits = [s for s in trip.stops if s.area == area_id]
        if vtype is None or left.get(trip.warehouse, 0) <= 0 or not visits:
            continue
        if t_idx in rules.frozen or visits[0].arrive_hours > due_hours:
            continue
        kg = sum(
            q * items[i].weight_kg for s in trip.stops for i, q in s.deliver.items() if i in items
        )
        m3 = sum(
            q * items[i].volume_m3 for s in trip.stops for i, q in s.deliver.items() if i in items
        )
        if kg + item.weight_kg <= vtype.capacity_kg and m3 + item.volume_m3 <= vtype.capacity_m3:
            return [
                f"unmet[{idx}].reason: 'fleet', but {trip.vehicle} visits {area_id!r} at "
                f"{visits[0].arrive_hours} h with room for {item_id} and {trip.warehouse!r} "
                "has some left"
            ]
    return []
