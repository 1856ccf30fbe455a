"""The plan checker's own count of contract §2's KPIs, written apart from the planner's.

:mod:`supplyopt.check` compares a plan's summary with these figures. They
are counted here directly from the contract's definitions, not with
:func:`supplyopt.model.summarize` that produced the summary, so that a
mistake in one formula shows up as a disagreement instead of agreeing with
itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Scenario, Trip
from .model.plan import PlanStatus

#: A stop arriving this little after the deadline (float noise) still counts as on time.
ON_TIME_SLACK_H = 1e-9


@dataclass(frozen=True)
class Recount:
    """Every summary figure of contract §2 that can be recounted, and the status."""

    demand_units: int
    delivered_units: int
    on_time_units: int
    coverage_on_time: float
    weighted_coverage_on_time: float
    min_area_coverage: float
    makespan_hours: float
    vehicles_used: int
    distance_km: float
    status: PlanStatus


def delivered_units(trips: list[Trip]) -> dict[tuple[str, str], int]:
    """All units each (area, item) receives, on time or not."""
    units: dict[tuple[str, str], int] = {}
    for trip in trips:
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                units[stop.area, item_id] = units.get((stop.area, item_id), 0) + qty
    return units


@dataclass(frozen=True)
class DueLot:
    """Units of one item an area needs by ``due_hours`` (the checker's own lot list)."""

    area: str
    item: str
    quantity: int
    due_hours: float


def due_lots(scenario: Scenario) -> list[DueLot]:
    """Every demand lot, read from the scenario without :mod:`supplyopt.model.lots`.

    ``Area.lots`` are parts of ``demand``; what they leave of an item's demand
    is due at ``deadline_hours``; lots of one (area, item) due at the same
    time are one lot. Listed per area and demanded item in file order,
    earliest due first.
    """
    lots: list[DueLot] = []
    for area in scenario.areas:
        for item_id, need in area.demand.items():
            by_due: dict[float, int] = {}
            for part in area.lots:
                if part.item == item_id:
                    by_due[part.due_hours] = by_due.get(part.due_hours, 0) + part.quantity
            rest = need - sum(by_due.values())
            if rest > 0:
                by_due[scenario.deadline_hours] = by_due.get(scenario.deadline_hours, 0) + rest
            lots += [
                DueLot(area.id, item_id, qty, due) for due, qty in sorted(by_due.items()) if qty > 0
            ]
    return lots


@dataclass(frozen=True)
class OnTime:
    """What the checker counts as on time.

    Attributes
    ----------
    filled
        Per (area, item): the most units any assignment puts into its lots by
        their due times (at most the demand): on(a, i).
    units
        ``on_time_units``: the ``filled`` units, plus, for an (area, item)
        whose lots are all filled, the units beyond them that arrive by
        ``deadline_hours`` (without lots, exactly contract §2's count).
    short_lots
        Lots left with room by the count (due-order filling), with the room.
    """

    filled: dict[tuple[str, str], int]
    units: int
    short_lots: dict[DueLot, int]


def count_on_time(scenario: Scenario, trips: list[Trip]) -> OnTime:
    """Count units against the demand lots, lot by lot in due order.

    Each lot, earliest due first, takes units of its (area, item) not yet
    taken that arrive by its due time. A unit that can fill one lot can fill
    every later-due one too, so which of those units a lot takes does not
    change the total, and taking them lot by lot gives the most units any
    assignment can put on time. When an (area, item)'s lots are all filled,
    the first units to arrive filled them, so the units beyond them that are
    on time are those arriving by ``deadline_hours`` past the lots' total.
    """
    arrivals: dict[tuple[str, str], list[tuple[float, int]]] = {}
    for trip in trips:
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                arrivals.setdefault((stop.area, item_id), []).append((stop.arrive_hours, qty))
    lots_of: dict[tuple[str, str], list[DueLot]] = {}
    for lot in due_lots(scenario):
        lots_of.setdefault((lot.area, lot.item), []).append(lot)
    filled: dict[tuple[str, str], int] = {}
    short: dict[DueLot, int] = {}
    units = 0
    for key in sorted(set(arrivals) | set(lots_of)):
        got = arrivals.get(key, [])
        taken = 0
        for lot in sorted(lots_of.get(key, []), key=lambda lot: lot.due_hours):
            take = max(0, min(lot.quantity, _arrived_by(got, lot.due_hours) - taken))
            taken += take
            if take < lot.quantity:
                short[lot] = lot.quantity - take
        filled[key] = taken
        units += taken
        total = sum(lot.quantity for lot in lots_of.get(key, []))
        if taken == total:
            units += max(0, _arrived_by(got, scenario.deadline_hours) - total)
    return OnTime(filled=filled, units=units, short_lots=short)


def _arrived_by(arrivals: list[tuple[float, int]], hours: float) -> int:
    """Units of these (arrival, quantity) deliveries that arrive by ``hours``."""
    return sum(qty for at, qty in arrivals if qty > 0 and at <= hours + ON_TIME_SLACK_H)


def recount(scenario: Scenario, trips: list[Trip]) -> Recount:
    """Count contract §2's KPIs for these trips from the definitions.

    d(a,i) is area a's demand for item i, p(a) its priority, and on(a,i) the
    units of i filling a's demand lots by their due times (:func:`count_on_time`;
    without lots, the units whose stop at a arrives by the deadline, counted up
    to d(a,i)). ``coverage_on_time`` is the mean over demanded items of
    sum_a on(a,i) / sum_a d(a,i); ``weighted_coverage_on_time`` the same with
    every term times p(a); ``min_area_coverage`` the least, over areas with
    demand, of the mean over the area's demanded items of on(a,i) / d(a,i).
    """
    stops = [stop for trip in trips for stop in trip.stops]
    counted = count_on_time(scenario, trips)

    def on(area_id: str, item_id: str, need: int) -> int:
        return min(counted.filled.get((area_id, item_id), 0), need)

    item_ids = sorted({i for area in scenario.areas for i, need in area.demand.items() if need > 0})
    plain: list[float] = []
    weighted: list[float] = []
    for item_id in item_ids:
        demanded = [(a, a.demand[item_id]) for a in scenario.areas if a.demand.get(item_id, 0) > 0]
        plain.append(sum(on(a.id, item_id, d) for a, d in demanded) / sum(d for _, d in demanded))
        weighted.append(
            sum(a.priority * on(a.id, item_id, d) for a, d in demanded)
            / sum(a.priority * d for a, d in demanded)
        )
    per_area = [
        _mean([on(area.id, i, need) / need for i, need in area.demand.items() if need > 0])
        for area in scenario.areas
        if any(need > 0 for need in area.demand.values())
    ]
    demand_units = sum(need for area in scenario.areas for need in area.demand.values())
    return Recount(
        demand_units=demand_units,
        delivered_units=sum(qty for stop in stops for qty in stop.deliver.values()),
        on_time_units=counted.units,
        coverage_on_time=_mean(plain),
        weighted_coverage_on_time=_mean(weighted),
        min_area_coverage=min(per_area) if per_area else 0.0,
        makespan_hours=max((stop.arrive_hours for stop in stops), default=0.0),
        vehicles_used=len({trip.vehicle for trip in trips}),
        distance_km=sum(trip.distance_km + (trip.empty_km or 0.0) for trip in trips),
        status=_status(demand_units, counted.units),
    )


def _status(demand_units: int, on_time_units: int) -> PlanStatus:
    """``complete`` when all demand arrives on time, ``empty`` when none does."""
    if on_time_units >= demand_units:
        return "complete"
    return "empty" if on_time_units == 0 else "partial"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
