"""Key performance indicators of a plan, exactly as contract section 2 defines them.

Pure functions of a scenario and a list of trips, so the planner, the plan
checker and the reports all count the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .lots import fill_lots
from .plan import Plan, PlanStatus, Summary, Trip, Unmet
from .scenario import Scenario

#: Slack on the deadline comparison, far below the 0.01 h rounding allowance.
DEADLINE_EPS_H = 1e-9


@dataclass(frozen=True)
class Delivered:
    """Units delivered per (area, item): all of them, and those on time."""

    total: Mapping[tuple[str, str], int]
    on_time: Mapping[tuple[str, str], int]


def count_deliveries(trips: Iterable[Trip], deadline_hours: float) -> Delivered:
    """Sum units per (area, item) over all stops, and over stops arriving by the deadline."""
    total: defaultdict[tuple[str, str], int] = defaultdict(int)
    on_time: defaultdict[tuple[str, str], int] = defaultdict(int)
    for trip in trips:
        for stop in trip.stops:
            in_time = stop.arrive_hours <= deadline_hours + DEADLINE_EPS_H
            for item_id, qty in stop.deliver.items():
                total[stop.area, item_id] += qty
                if in_time:
                    on_time[stop.area, item_id] += qty
    return Delivered(total=dict(total), on_time=dict(on_time))


def area_coverage(scenario: Scenario, on_time: Mapping[tuple[str, str], int]) -> dict[str, float]:
    """On-time coverage of each area with demand: mean over its demanded items."""
    coverage: dict[str, float] = {}
    for area in scenario.areas:
        ratios = [
            min(on_time.get((area.id, item_id), 0), need) / need
            for item_id, need in area.demand.items()
            if need > 0
        ]
        if ratios:
            coverage[area.id] = sum(ratios) / len(ratios)
    return coverage


def item_coverage(
    scenario: Scenario, on_time: Mapping[tuple[str, str], int], *, weighted: bool = False
) -> dict[str, float]:
    """On-time coverage of each item with demand, optionally priority-weighted."""
    met: defaultdict[str, float] = defaultdict(float)
    need: defaultdict[str, float] = defaultdict(float)
    for area in scenario.areas:
        weight = area.priority if weighted else 1
        for item_id, demand in area.demand.items():
            if demand > 0:
                need[item_id] += weight * demand
                met[item_id] += weight * min(on_time.get((area.id, item_id), 0), demand)
    return {item_id: met[item_id] / need[item_id] for item_id in need}


def summarize(scenario: Scenario, trips: list[Trip], *, solve_seconds: float = 0.0) -> Summary:
    """Compute the contract's summary figures for these trips.

    Parameters
    ----------
    scenario
        The scenario the trips were planned for.
    trips
        Every trip of the plan.
    solve_seconds
        Wall-clock time the solve took, copied into the summary.

    Returns
    -------
    Summary
        ``demand_units``, coverage figures, makespan, fleet use and distance.
    """
    delivered = count_deliveries(trips, scenario.deadline_hours)
    # On time is counted against the demand lots (one per (area, item), due at the
    # deadline, unless the scenario gives areas lots of their own).
    filled = fill_lots(scenario, trips)
    per_item = item_coverage(scenario, filled.on_time)
    per_item_weighted = item_coverage(scenario, filled.on_time, weighted=True)
    per_area = area_coverage(scenario, filled.on_time)
    demand_units = sum(sum(area.demand.values()) for area in scenario.areas)
    arrivals = [stop.arrive_hours for trip in trips for stop in trip.stops]
    return Summary(
        demand_units=demand_units,
        delivered_units=sum(delivered.total.values()),
        on_time_units=filled.on_time_units,
        coverage_on_time=_mean(per_item.values()),
        weighted_coverage_on_time=_mean(per_item_weighted.values()),
        min_area_coverage=min(per_area.values(), default=0.0),
        makespan_hours=max(arrivals, default=0.0),
        vehicles_used=len({trip.vehicle for trip in trips}),
        distance_km=sum(trip.distance_km + (trip.empty_km or 0.0) for trip in trips),
        solve_seconds=solve_seconds,
    )


def plan_status(summary: Summary) -> PlanStatus:
    """``complete`` when all demand arrives on time, ``empty`` when none does."""
    if summary.demand_units == 0 or summary.on_time_units >= summary.demand_units:
        return "complete"
    if summary.on_time_units == 0:
        return "empty"
    return "partial"


def assemble_plan(
    scenario: Scenario,
    trips: list[Trip],
    unmet: list[Unmet],
    *,
    solve_seconds: float = 0.0,
    **extra: object,
) -> Plan:
    """A plan for these trips: summary figures and status counted here, never by hand.

    ``extra`` holds further plan fields (``seed``, ``time_limit_s``, ``notes``).
    """
    summary = summarize(scenario, trips, solve_seconds=solve_seconds)
    return Plan.model_validate(
        {
            "scenario": scenario.name,
            "deadline_hours": scenario.deadline_hours,
            "status": plan_status(summary),
            "summary": summary,
            "trips": trips,
            "unmet": unmet,
            **extra,
        }
    )


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0
