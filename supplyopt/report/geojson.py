"""GeoJSON (RFC 7946) of a plan: warehouses, areas with on-time coverage, trips, roads.

Trip geometry is a LineString warehouse → stops → warehouse. Segments are
straight lines between sites for every road model: exact in spirit for
``great_circle`` roads (whose travel is a straight line times a circuity
factor); for ``graph`` and ``osm`` roads the line does not yet follow the
road network's shortest path, it only joins the sites in visiting order.
For ``graph`` roads the network itself is included as ``road`` features,
so a map can show the roads under the trips.

The same document drives the dashboard map, its per-area table and its
truck timeline: area features carry per-item results, trip features carry
their timed segments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..model import GraphRoads, Item, Plan, Scenario, VehicleType
from ..model.kpi import DEADLINE_EPS_H
from ._format import PALETTE, coverage_colour
from .areas import area_results
from .timeline import trip_segments

Position = list[float]


def plan_geojson(scenario: Scenario, plan: Plan) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection of the plan's sites and trips.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (coordinates, names, unloading times).
    plan
        The plan.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...], "scenario", "deadline_hours",
        "status", "summary", "path_geometry", "items", "vehicle_types"}``. Every feature has
        ``properties.kind``: ``road``, ``warehouse``, ``area`` or ``trip``. ``items`` and
        ``vehicle_types`` list ``{"id", "name", "names"}`` (display names per language,
        null when the scenario gives none) so a reader can name them in its language.
    """
    features: list[dict[str, Any]] = []
    features += _road_features(scenario)
    features += _warehouse_features(scenario, plan)
    features += _area_features(scenario, plan)
    features += _trip_features(scenario, plan)
    return {
        "type": "FeatureCollection",
        "scenario": plan.scenario,
        "deadline_hours": plan.deadline_hours,
        "status": plan.status,
        "summary": plan.summary.model_dump(),
        "path_geometry": "straight",
        "items": _display_names(scenario.items),
        "vehicle_types": _display_names(scenario.vehicle_types),
        "features": features,
    }


def plan_geojson_text(scenario: Scenario, plan: Plan) -> str:
    """:func:`plan_geojson` as UTF-8 JSON text (Chinese names unescaped)."""
    return json.dumps(plan_geojson(scenario, plan), ensure_ascii=False, indent=1) + "\n"


def _display_names(entries: Sequence[Item | VehicleType]) -> list[dict[str, Any]]:
    return [{"id": e.id, "name": e.name, "names": e.names} for e in entries]


def _point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _road_features(scenario: Scenario) -> list[dict[str, Any]]:
    roads = scenario.roads
    if not isinstance(roads, GraphRoads):
        return []
    where = {node.id: [node.lon, node.lat] for node in roads.nodes}
    return [
        {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [where[e.from_node], where[e.to_node]],
            },
            "properties": {
                "kind": "road",
                "from": e.from_node,
                "to": e.to_node,
                "length_km": e.length_km,
                "oneway": e.oneway,
            },
        }
        for e in roads.edges
        if e.from_node in where and e.to_node in where
    ]


def _warehouse_features(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    shipped: dict[str, dict[str, int]] = {}
    for trip in plan.trips:
        sent = shipped.setdefault(trip.warehouse, {})
        for stop in trip.stops:
            for item_id, qty in stop.deliver.items():
                sent[item_id] = sent.get(item_id, 0) + qty
    return [
        {
            "type": "Feature",
            "id": f"warehouse:{w.id}",
            "geometry": _point(w.lat, w.lon),
            "properties": {
                "kind": "warehouse",
                "id": w.id,
                "name": w.name,
                "colour": warehouse_colour(scenario, w.id),
                "stock": w.stock,
                "fleet": w.fleet,
                "shipped": shipped.get(w.id, {}),
                "trips": sum(1 for t in plan.trips if t.warehouse == w.id),
            },
        }
        for w in scenario.warehouses
    ]


def _area_features(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    features = []
    for result in area_results(scenario, plan):
        features.append(
            {
                "type": "Feature",
                "id": f"area:{result.area}",
                "geometry": _point(result.lat, result.lon),
                "properties": {
                    "kind": "area",
                    "id": result.area,
                    "name": result.name,
                    "priority": result.priority,
                    "population": result.population,
                    "coverage": result.coverage,
                    "colour": coverage_colour(result.coverage),
                    "first_arrival_hours": result.first_arrival_hours,
                    "last_arrival_hours": result.last_arrival_hours,
                    "arrivals_hours": result.arrivals_hours,
                    "items": [
                        {
                            "item": r.item,
                            "demand": r.demand,
                            "delivered": r.delivered,
                            "on_time": r.on_time,
                            "coverage": r.coverage,
                        }
                        for r in result.items
                    ],
                    "unmet": [u.model_dump(mode="json", exclude_none=True) for u in result.unmet],
                },
            }
        )
    return features


def _trip_features(scenario: Scenario, plan: Plan) -> list[dict[str, Any]]:
    sites: dict[str, Position] = {w.id: [w.lon, w.lat] for w in scenario.warehouses}
    sites.update({f"area:{a.id}": [a.lon, a.lat] for a in scenario.areas})
    features = []
    trip_no: dict[str, int] = {}
    for idx, trip in enumerate(plan.trips):
        trip_no[trip.vehicle] = trip_no.get(trip.vehicle, 0) + 1
        path = [sites.get(trip.warehouse)]
        path += [sites.get(f"area:{stop.area}") for stop in trip.stops]
        path.append(sites.get(trip.warehouse))
        coordinates = [p for p in path if p is not None]
        features.append(
            {
                "type": "Feature",
                "id": f"trip:{idx}",
                "geometry": {"type": "LineString", "coordinates": coordinates},
                "properties": {
                    "kind": "trip",
                    "index": idx,
                    "vehicle": trip.vehicle,
                    "trip_of_vehicle": trip_no[trip.vehicle],
                    "vehicle_type": trip.vehicle_type,
                    "warehouse": trip.warehouse,
                    "colour": warehouse_colour(scenario, trip.warehouse),
                    "load_start_hours": trip.load_start_hours,
                    "depart_hours": trip.depart_hours,
                    "return_hours": trip.return_hours,
                    "distance_km": trip.distance_km,
                    "on_time": all(
                        s.arrive_hours <= plan.deadline_hours + DEADLINE_EPS_H for s in trip.stops
                    ),
                    "stops": [
                        {
                            "area": stop.area,
                            "arrive_hours": stop.arrive_hours,
                            "deliver": stop.deliver,
                            "on_time": stop.arrive_hours <= plan.deadline_hours + DEADLINE_EPS_H,
                        }
                        for stop in trip.stops
                    ],
                    "segments": [
                        {
                            "kind": s.kind,
                            "start_hours": s.start_hours,
                            "end_hours": s.end_hours,
                            "place": s.place,
                        }
                        for s in trip_segments(scenario, trip)
                    ],
                },
            }
        )
    return features


def warehouse_colour(scenario: Scenario, warehouse_id: str) -> str:
    """Return the colour a warehouse and its trips are drawn in (by scenario order)."""
    ids = [w.id for w in scenario.warehouses]
    idx = ids.index(warehouse_id) if warehouse_id in ids else len(ids)
    return PALETTE[idx % len(PALETTE)]
