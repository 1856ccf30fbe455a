"""Reload: the same trips, at the same times, carrying more valuable units.

When a destroy frees need at some areas, trips kept in the plan that stop
there anyway may take it for free (no vehicle-hour spent): each such trip is
loaded again over its own stops, best value per share of the truck first,
and the new load is kept only when it is worth more.
"""

from __future__ import annotations

from dataclasses import replace

from ..dispatch import TimedStop, TimedTrip
from ._days import DayPlan
from ._days import loaded as loaded_units
from ._model import SearchModel, lot_split
from ._trip import load


def route_of(model: SearchModel, trip: TimedTrip) -> tuple[list[int], list[float]]:
    """The trip's stops as groups (a scenario area's lots are one stop) and their arrivals."""
    groups: list[int] = []
    arrive: list[float] = []
    for stop in trip.stops:
        g = int(model.group_of[stop.area_idx])
        if not groups or groups[-1] != g:
            groups.append(g)
            arrive.append(stop.arrive_h)
    return groups, arrive


def reload_visits(model: SearchModel, plan: DayPlan, groups: set[int]) -> None:
    """Load again every trip of ``plan`` that stops at one of ``groups``, where that gains value."""
    if not groups:
        return
    areas = {int(a) for g in groups for a in model.lots[g]}
    for day in plan.days.values():
        for pos, trip in enumerate(day):
            if not areas.isdisjoint(trip.area_set):
                day[pos] = _reload(model, plan, trip)


def _reload(model: SearchModel, plan: DayPlan, trip: TimedTrip) -> TimedTrip:
    """``trip`` with its best load over its own stops (itself if that is worth no more)."""
    inst, w = model.inst, trip.warehouse_idx
    old = sum(float(inst.value[s.area_idx] @ s.units) for s in trip.stops)
    # What it may take: what a loading at its start may take, plus its own load.
    avail = plan.stock_at(w, trip.load_start_h) + loaded_units(trip, inst.n_items)
    for stop in trip.stops:
        plan.need[stop.area_idx] += stop.units
        plan.stock[w] += stop.units
    groups, arrive = route_of(model, trip)
    loaded = load(model, trip.vehicle_type_idx, groups, arrive, plan.need, avail)
    if loaded is not None and loaded[1] > old + 1e-12:
        stops = [
            TimedStop(a, arrive_h, take)
            for g, arrive_h, units in zip(groups, arrive, loaded[0], strict=True)
            for a, take in lot_split(model, g, units, plan.need, arrive_h)
        ]
        trip = replace(trip, stops=stops)
    for stop in trip.stops:
        plan.need[stop.area_idx] -= stop.units
        plan.stock[w] -= stop.units
    return trip
