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


def recount(scenario: Scenario, trips: list[Trip]) -> Recount:
    """Count contract §2's KPIs for these trips from the definitions.

    d(a,i) is area a's demand for item i, p(a) its priority, and on(a,i) the
    units of i whose stop at a arrives by the deadline, counted up to d(a,i).
    ``coverage_on_time`` is the mean over demanded items of
    sum_a on(a,i) / sum_a d(a,i); ``weighted_coverage_on_time`` the same with
    every term times p(a); ``min_area_coverage`` the least, over areas with
    demand, of the mean over the area's demanded items of on(a,i) / d(a,i).
    """
    stops = [stop for trip in trips for stop in trip.stops]
    arrived: dict[tuple[str, str], int] = {}
    on_time_units = 0
    for stop in stops:
        if stop.arrive_hours <= scenario.deadline_hours + ON_TIME_SLACK_H:
            for item_id, qty in stop.deliver.items():
                arrived[stop.area, item_id] = arrived.get((stop.area, item_id), 0) + qty
                on_time_units += qty

    def on(area_id: str, item_id: str, need: int) -> int:
        return min(arrived.get((area_id, item_id), 0), need)

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
        on_time_units=on_time_units,
        coverage_on_time=_mean(plain),
        weighted_coverage_on_time=_mean(weighted),
        min_area_coverage=min(per_area) if per_area else 0.0,
        makespan_hours=max((stop.arrive_hours for stop in stops), default=0.0),
        vehicles_used=len({trip.vehicle for trip in trips}),
        distance_km=sum(trip.distance_km + (trip.empty_km or 0.0) for trip in trips),
        status=_status(demand_units, on_time_units),
    )


def _status(demand_units: int, on_time_units: int) -> PlanStatus:
    """``complete`` when all demand arrives on time, ``empty`` when none does."""
    if on_time_units >= demand_units:
        return "complete"
    return "empty" if on_time_units == 0 else "partial"


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0
