"""Seeded event streams for the re-planning benchmark (contract §6 events).

An operation is a relief-family scenario, its first plan, and a stream of
2–5 events between hour 1 and hour 8 that a dispatcher might hear about:
more people reported in an area (``set_demand`` raising totals), a village
nobody listed (``add_area`` near an existing one), a road closure on a
route the plan uses (``close_roads``: a circle on a leg driven after the
event), a truck breaking down while it has work (``vehicle_down``), and
sometimes stock found lost or received (``stock_change``).

Events are raw mappings in the events-file shape; :func:`events_file` wraps
the ones known at a moment into a whole events file.
:func:`generate_events` is a pure function of the scenario, the plan and
the seed (NumPy's generator seeded with the scenario name and the seed).
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import numpy as np

from benchmarks.relief.generator import CENTRE_LAT, ITEMS, KM_PER_DEG_LAT
from supplyopt.model import Area, Plan, Scenario, Trip

#: Events happen between these hours of the operation.
FIRST_EVENT_H, LAST_EVENT_H = 1.0, 8.0
#: Event times are rounded to this step (hours), then made distinct.
TIME_STEP_H = 0.05
#: Kinds every stream draws from first (a stream of n events takes n of them, in
#: random order); a fifth event is a stock change or more demand.
CORE_KINDS = ("set_demand", "add_area", "close_roads", "vehicle_down")
#: A closure circle keeps this far (km) from every warehouse and area, so that it
#: cuts roads, not places.
CLEAR_OF_SITES_KM = 2.0

_KM_PER_DEG_LON = KM_PER_DEG_LAT * math.cos(math.radians(CENTRE_LAT))


def generate_events(scenario: Scenario, plan: Plan, seed: int) -> list[dict[str, Any]]:
    """Draw the event stream of an operation (deterministic).

    Parameters
    ----------
    scenario
        The operation's scenario (a relief-family scenario).
    plan
        The plan being carried out: closures fall on its routes, breakdowns
        hit its busy trucks, lost stock is what it leaves unused.
    seed
        Any non-negative integer.

    Returns
    -------
    list[dict[str, Any]]
        2–5 events in time order, each a raw events-file mapping with
        ``kind`` and ``at_hours`` (distinct times in [1, 8] h).
    """
    rng = np.random.default_rng([zlib.crc32(f"replan:{scenario.name}".encode()), seed])
    count = int(rng.integers(2, 6))
    kinds = [CORE_KINDS[idx] for idx in rng.permutation(len(CORE_KINDS))][:count]
    if count == 5:
        kinds.append("stock_change" if rng.random() < 0.6 else "set_demand")
    times = _distinct_times(rng, len(kinds))
    state = _StreamState(scenario, plan)
    events: list[dict[str, Any]] = []
    for kind, at_hours in zip(kinds, times, strict=True):
        event = state.draw(rng, kind, at_hours)
        if event is None:  # nothing fits (no leg to close, no busy truck): more demand
            event = state.draw(rng, "set_demand", at_hours)
        if event is not None:
            events.append(event)
    return events


def events_file(events: list[dict[str, Any]], now_hours: float) -> dict[str, Any]:
    """The events file at ``now_hours``: the events known by then (``at_hours <= now``)."""
    return {
        "now_hours": now_hours,
        "events": [dict(e) for e in events if e["at_hours"] <= now_hours],
    }


def cap_losses(data: dict[str, Any], scenario: Scenario, plan: Plan) -> tuple[dict[str, Any], int]:
    """The events file with each stock loss capped at what ``plan`` left; how many were capped.

    A stream's losses are drawn against the first plan (at most half of what it
    never loads), but a rolling re-plan revises the plan at every event, and a
    revision may load more of that stock before the loss is heard of: stock
    cannot be lost twice, so the loss is what is still there (the library
    refuses a larger one, as a dispatcher's file should be). Stock left is
    counted as the library counts it: the scenario's stock less what the
    plan's trips loaded before ``now_hours`` (a trip of a vehicle down before
    its loading began loaded nothing), then the earlier changes in time order.
    """
    now_hours = float(data["now_hours"])
    events = [dict(e) for e in data["events"]]
    down: dict[str, float] = {}
    for e in events:
        if e["kind"] == "vehicle_down":
            down[e["vehicle"]] = min(float(e["at_hours"]), down.get(e["vehicle"], math.inf))
    left = {(w.id, item): qty for w in scenario.warehouses for item, qty in w.stock.items()}
    for trip in plan.trips:
        if trip.load_start_hours < min(now_hours, down.get(trip.vehicle, math.inf)):
            for stop in trip.stops:
                for item, qty in stop.deliver.items():
                    left[trip.warehouse, item] = left.get((trip.warehouse, item), 0) - qty
    capped = 0
    for e in sorted(events, key=lambda e: float(e["at_hours"])):
        if e["kind"] != "stock_change":
            continue
        key = (e["warehouse"], e["item"])
        there = max(left.get(key, 0), 0)
        if e["quantity"] < -there:
            e["quantity"], capped = -there, capped + 1
        left[key] = there + e["quantity"]
    return {**data, "events": events}, capped


def event_times(events: list[dict[str, Any]]) -> list[float]:
    """The distinct event times, in order: the moments of re-planning."""
    return sorted({float(e["at_hours"]) for e in events})


def _distinct_times(rng: np.random.Generator, count: int) -> list[float]:
    """``count`` distinct times in [FIRST, LAST], on the TIME_STEP grid, in order."""
    steps = round((LAST_EVENT_H - FIRST_EVENT_H) / TIME_STEP_H)
    picks = np.sort(rng.choice(steps + 1, size=count, replace=False))
    return [round(FIRST_EVENT_H + int(p) * TIME_STEP_H, 2) for p in picks]


class _StreamState:
    """What earlier events of the stream changed: totals, added areas, taken ids."""

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.scenario = scenario
        self.plan = plan
        self.demand: dict[str, dict[str, int]] = {a.id: dict(a.demand) for a in scenario.areas}
        self.areas: list[Area] = list(scenario.areas)
        self.added = 0
        self.down: set[str] = set()
        self.stock_touched: set[tuple[str, str]] = set()

    def draw(self, rng: np.random.Generator, kind: str, at_hours: float) -> dict[str, Any] | None:
        """One event of ``kind`` at ``at_hours``, or ``None`` when none fits."""
        match kind:
            case "set_demand":
                return self._set_demand(rng, at_hours)
            case "add_area":
                return self._add_area(rng, at_hours)
            case "close_roads":
                return _close_roads(rng, self.scenario, self.plan, at_hours)
            case "vehicle_down":
                return self._vehicle_down(rng, at_hours)
            case "stock_change":
                return self._stock_change(rng, at_hours)
        raise ValueError(f"unknown event kind {kind!r}")

    def _set_demand(self, rng: np.random.Generator, at_hours: float) -> dict[str, Any] | None:
        """An area reports more people: 1–4 of its items rise by 20–100 %."""
        candidates = [area_id for area_id, d in self.demand.items() if any(d.values())]
        if not candidates:
            return None
        area_id = candidates[int(rng.integers(len(candidates)))]
        current = self.demand[area_id]
        items = [item for item, qty in current.items() if qty > 0]
        size = int(rng.integers(1, len(items) + 1))
        chosen = [items[int(idx)] for idx in sorted(rng.choice(len(items), size, replace=False))]
        totals = {
            item: max(current[item] + 1, math.ceil(current[item] * rng.uniform(1.2, 2.0)))
            for item in chosen
        }
        current.update(totals)
        return {"kind": "set_demand", "at_hours": at_hours, "area": area_id, "demand": totals}

    def _add_area(self, rng: np.random.Generator, at_hours: float) -> dict[str, Any]:
        """A village nobody listed, 5–30 km from an existing area, as hard hit."""
        near = self.areas[int(rng.integers(len(self.areas)))]
        self.added += 1
        distance_km = rng.uniform(5.0, 30.0)
        angle = rng.uniform(0.0, 2 * math.pi)
        lat = near.lat + distance_km * math.sin(angle) / KM_PER_DEG_LAT
        lon = near.lon + distance_km * math.cos(angle) / _KM_PER_DEG_LON
        displaced = max(20, round(self.demand[near.id].get("quilt", 100) * rng.uniform(0.3, 1.0)))
        demand = {item: math.ceil(displaced * per_person) for item, *_, per_person in ITEMS}
        area = Area(
            id=f"new-{self.added:02d}",
            name=f"新报安置点{self.added}",
            lat=round(lat, 5),
            lon=round(lon, 5),
            population=int(displaced / rng.uniform(0.05, 0.4)),
            demand={i: q for i, q in demand.items() if i in self.scenario.item_ids and q > 0},
            priority=near.priority,
            unloading_hours=round(float(rng.uniform(0.25, 0.5)), 2),
        )
        self.areas.append(area)
        self.demand[area.id] = dict(area.demand)
        return {
            "kind": "add_area",
            "at_hours": at_hours,
            "area": area.model_dump(exclude={"lots"}, exclude_none=True),
        }

    def _vehicle_down(self, rng: np.random.Generator, at_hours: float) -> dict[str, Any] | None:
        """A truck on the road at that time breaks down (else one with a trip still to come)."""
        trips = [t for t in self.plan.trips if t.vehicle not in self.down]
        busy = [t for t in trips if t.load_start_hours <= at_hours < t.return_hours]
        later = [t for t in trips if t.load_start_hours > at_hours]
        pool = busy or later
        if not pool:
            return None
        vehicles = sorted({t.vehicle for t in pool})
        vehicle = vehicles[int(rng.integers(len(vehicles)))]
        self.down.add(vehicle)
        return {"kind": "vehicle_down", "at_hours": at_hours, "vehicle": vehicle}

    def _stock_change(self, rng: np.random.Generator, at_hours: float) -> dict[str, Any]:
        """Stock the plan leaves unused found lost (up to half of it), else a delivery received.

        Losing at most half of what the first plan never loads keeps the loss
        within what is left whatever a revision loaded before it was known.
        """
        loaded: dict[tuple[str, str], int] = {}
        for trip in self.plan.trips:
            for stop in trip.stops:
                for item, qty in stop.deliver.items():
                    key = (trip.warehouse, item)
                    loaded[key] = loaded.get(key, 0) + qty
        held = [
            (w.id, item, qty)
            for w in self.scenario.warehouses
            for item, qty in sorted(w.stock.items())
            if qty > 0 and (w.id, item) not in self.stock_touched
        ]
        spare = [(w, i, q - loaded.get((w, i), 0)) for w, i, q in held]
        losable = [(w, i, s) for w, i, s in spare if s >= 20]
        if losable:
            warehouse, item, left = losable[int(rng.integers(len(losable)))]
            quantity = -math.floor(left * rng.uniform(0.2, 0.5))
        else:
            warehouse, item, stock = held[int(rng.integers(len(held)))]
            quantity = max(1, math.ceil(stock * rng.uniform(0.1, 0.3)))
        self.stock_touched.add((warehouse, item))
        return {
            "kind": "stock_change",
            "at_hours": at_hours,
            "warehouse": warehouse,
            "item": item,
            "quantity": quantity,
        }


def _close_roads(
    rng: np.random.Generator, scenario: Scenario, plan: Plan, at_hours: float
) -> dict[str, Any] | None:
    """A circle on a delivery leg the plan drives after ``at_hours``, clear of every site."""
    sites = [(w.lat, w.lon) for w in scenario.warehouses] + [(a.lat, a.lon) for a in scenario.areas]
    legs = [
        leg for trip in plan.trips for leg in _delivery_legs(scenario, trip) if leg[0] >= at_hours
    ]
    if not legs:
        return None
    for idx in rng.permutation(len(legs))[:20]:
        _, (lat1, lon1), (lat2, lon2) = legs[int(idx)]
        leg_km = _km(lat1, lon1, lat2, lon2)
        share = rng.uniform(0.35, 0.65)
        lat = lat1 + share * (lat2 - lat1)
        lon = lon1 + share * (lon2 - lon1)
        # The checker tests at most 64 points along a leg: the circle must hold one.
        radius_km = round(max(float(rng.uniform(3.0, 8.0)), leg_km / 50), 1)
        clear = min(_km(lat, lon, s_lat, s_lon) for s_lat, s_lon in sites)
        if clear > radius_km + CLEAR_OF_SITES_KM:
            return {
                "kind": "close_roads",
                "at_hours": at_hours,
                "label": "山体滑坡封路",
                "circle": {"lat": round(lat, 5), "lon": round(lon, 5), "radius_km": radius_km},
            }
    return None


def _delivery_legs(
    scenario: Scenario, trip: Trip
) -> list[tuple[float, tuple[float, float], tuple[float, float]]]:
    """(start hour, from, to) of each loaded leg of a trip: warehouse → stops in order."""
    where = {w.id: (w.lat, w.lon) for w in scenario.warehouses}
    where.update({a.id: (a.lat, a.lon) for a in scenario.areas})
    unloading = {a.id: a.unloading_hours for a in scenario.areas}
    legs = []
    start, here = trip.depart_hours, where[trip.warehouse]
    for stop in trip.stops:
        legs.append((start, here, where[stop.area]))
        start, here = stop.arrive_hours + unloading[stop.area], where[stop.area]
    return legs


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Local flat-earth distance in km (enough at tens of km)."""
    return math.hypot((lat2 - lat1) * KM_PER_DEG_LAT, (lon2 - lon1) * _KM_PER_DEG_LON)
