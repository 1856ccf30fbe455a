"""What each vehicle does when: loading, driving, unloading, driving back.

A trip's events follow contract section 2: loading from ``load_start_hours``
to ``depart_hours``; each stop is reached by driving (which may include
waiting) and then occupied for the area's ``unloading_hours``; the vehicle
then drives back until ``return_hours``. A stock transfer (an extension)
drives to the receiving warehouse by ``transfer.arrive_hours`` and unloads
there (in a bay, for that warehouse's ``loading_hours``) until ``return_hours``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..model import Plan, Scenario, Trip

SegmentKind = Literal["loading", "driving", "unloading", "returning"]


@dataclass(frozen=True)
class Segment:
    """One stretch of a vehicle's day."""

    kind: SegmentKind
    start_hours: float
    end_hours: float
    place: str
    """Warehouse id for loading and returning, the area (a transfer: the warehouse) id for
    driving to and unloading at it."""

    @property
    def duration_h(self) -> float:
        """Length of the segment in hours."""
        return self.end_hours - self.start_hours


def trip_segments(scenario: Scenario, trip: Trip) -> list[Segment]:
    """List the segments of one trip, in time order."""
    segments = [Segment("loading", trip.load_start_hours, trip.depart_hours, trip.warehouse)]
    clock = trip.depart_hours
    if trip.transfer is not None:
        dest = trip.transfer.warehouse
        arrive = trip.transfer.arrive_hours
        unload_h = _warehouse_loading_hours(scenario, dest)
        begin = max(arrive, trip.return_hours - unload_h)
        return [
            *segments,
            Segment("driving", clock, arrive, dest),
            Segment("unloading", begin, max(begin, trip.return_hours), dest),
        ]
    for stop in trip.stops:
        segments.append(Segment("driving", clock, stop.arrive_hours, stop.area))
        unloading_h = _unloading_hours(scenario, stop.area)
        segments.append(
            Segment("unloading", stop.arrive_hours, stop.arrive_hours + unloading_h, stop.area)
        )
        clock = stop.arrive_hours + unloading_h
    segments.append(Segment("returning", clock, max(clock, trip.return_hours), trip.warehouse))
    return segments


def vehicle_timelines(scenario: Scenario, plan: Plan) -> dict[str, list[Segment]]:
    """Every vehicle's segments over all its trips, vehicles sorted by id."""
    timelines: dict[str, list[Segment]] = {}
    for trip in sorted(plan.trips, key=lambda t: (t.vehicle, t.load_start_hours)):
        timelines.setdefault(trip.vehicle, []).extend(trip_segments(scenario, trip))
    return dict(sorted(timelines.items()))


def horizon_hours(scenario: Scenario, plan: Plan) -> float:
    """Return the end of the time axis: the later of the deadline and the last return."""
    last = max((trip.return_hours for trip in plan.trips), default=0.0)
    return max(scenario.deadline_hours, plan.deadline_hours, last)


def _unloading_hours(scenario: Scenario, area_id: str) -> float:
    try:
        return scenario.area(area_id).unloading_hours
    except KeyError:
        return 0.0


def _warehouse_loading_hours(scenario: Scenario, warehouse_id: str) -> float:
    try:
        return scenario.warehouse(warehouse_id).loading_hours
    except KeyError:
        return 0.0
