"""The key figures of one planned variant, the unit compared in what-if tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Plan, Scenario, UnmetReason, area_coverage, fill_lots


@dataclass(frozen=True)
class Outcome:
    """What a variant's plan achieves.

    Attributes
    ----------
    name
        The variant's name.
    coverage
        ``weighted_coverage_on_time`` (the planner's first objective).
    coverage_on_time
        Unweighted on-time coverage.
    worst_area
        Id of the area with the lowest on-time coverage ('' if none).
    worst_area_coverage
        That area's coverage (``min_area_coverage``).
    latest_arrival_h
        ``makespan_hours``: the latest arrival of any stop.
    distance_km
        Total distance driven.
    unmet_units
        Units left short, by reason (every reason present, 0 when none).
    time_limited
        True when the time limit (a safety cap) still cut the variant's
        solve short of its work budget: its figures may depend on machine load.
    """

    name: str
    coverage: float
    coverage_on_time: float
    worst_area: str
    worst_area_coverage: float
    latest_arrival_h: float
    distance_km: float
    unmet_units: dict[str, int] = field(default_factory=dict)
    time_limited: bool = False


def outcome_of(name: str, scenario: Scenario, plan: Plan) -> Outcome:
    """Summarise a variant's plan (``scenario`` with its disruptions applied)."""
    on_time = fill_lots(scenario, plan.trips).on_time
    per_area = area_coverage(scenario, on_time)
    worst = min(per_area, key=lambda area_id: (per_area[area_id], area_id), default="")
    unmet = {reason.value: 0 for reason in UnmetReason}
    for entry in plan.unmet:
        unmet[entry.reason.value] += entry.quantity
    s = plan.summary
    return Outcome(
        name=name,
        coverage=round(s.weighted_coverage_on_time, 6),
        coverage_on_time=round(s.coverage_on_time, 6),
        worst_area=worst,
        worst_area_coverage=round(s.min_area_coverage, 6),
        latest_arrival_h=round(s.makespan_hours, 4),
        distance_km=round(s.distance_km, 3),
        unmet_units=unmet,
        time_limited=bool(s.time_limited),
    )
