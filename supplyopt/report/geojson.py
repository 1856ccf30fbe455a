"""GeoJSON (RFC 7946) of a plan: warehouses, areas with on-time coverage, trips, roads.

Trip geometry is a LineString warehouse → stops → warehouse. For
``great_circle`` roads its segments are straight lines between sites (their
travel is a straight line times a circuity factor) and ``path_geometry`` is
``"straight"``. For ``graph`` and ``osm`` roads each leg follows the road
path its travel time was computed on (site, its road node, the path, the
next site's node, the next site; see :mod:`supplyopt.network.road_paths`),
``path_geometry`` is ``"roads"``, and the network itself comes as ``road``
features (polylines between junctions, ``closed`` where the scenario's
disruptions close them), so a map can draw the roads under the trips. When
the road data cannot be read where the document is made (a missing
extract), trips fall back to straight lines and ``path_geometry_note`` says
why. Road coordinates are rounded to 6 decimals (~0.1 m).

The same document drives the dashboard map, its per-area table and its
truck timeline: area features carry per-item results, trip features carry
their timed segments.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..model import Item, Plan, Scenario, ScenarioError, Trip, VehicleType
from ..model.kpi import DEADLINE_EPS_H
from ._format import PALETTE, coverage_colour
from .areas import area_results
from .timeline import trip_segments

if TYPE_CHECKING:
    from ..network.road_paths import RoadGeometry, RoadsAt

Position = list[float]
#: Decimals kept in road and path coordinates (1e-6 degrees is about 0.1 m).
COORD_DECIMALS = 6


def plan_geojson(
    scenario: Scenario, plan: Plan, *, roads_at: RoadsAt | None = None
) -> dict[str, Any]:
    """Build a GeoJSON FeatureCollection of the plan's sites and trips.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (coordinates, names, unloading
        times, roads); for a revised plan, the operation's changed scenario.
    plan
        The plan.
    roads_at
        For a revised plan, the roads of a leg starting at a given hour
        (:meth:`supplyopt.model.Operation.roads_at`); by default every leg
        is drawn on the scenario's roads.

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...], "scenario", "deadline_hours",
        "status", "summary", "path_geometry", "items", "vehicle_types"}``
        (``path_geometry`` is ``"roads"`` or ``"straight"``; ``path_geometry_note``
        when roads could not be read). Every feature has ``properties.kind``:
        ``road``, ``warehouse``, ``area`` or ``trip``; sites carry ``snap_m``
        (distance to their road node) on road networks. ``items`` and
        ``vehicle_types`` list ``{"id", "name", "names"}`` (display names per
        language, null when the scenario gives none) so a reader can name them
        in its language.
    """
    geometry, note = _road_geometry(scenario, plan, roads_at)
    features: list[dict[str, Any]] = []
    features += _road_features(geometry)
    features += _warehouse_features(scenario, plan)
    features += _area_features(scenario, plan)
    features += _trip_features(scenario, plan, geometry)
    if geometry is not None:
        _add_snap(features, geometry.snap_km)
    document: dict[str, Any] = {
        "type": "FeatureCollection",
        "scenario": plan.scenario,
        "deadline_hours": plan.deadline_hours,
        "status": plan.status,
        "summary": plan.summary.model_dump(),
        "path_geometry": "straight" if geometry is None else "roads",
        "items": _display_names(scenario.items),
        "vehicle_types": _display_names(scenario.vehicle_types),
    }
    if note:
        document["path_geometry_note"] = note
    document["features"] = features
    return document


def _road_geometry(
    scenario: Scenario, plan: Plan, roads_at: RoadsAt | None
) -> tuple[RoadGeometry | None, str | None]:
    """The plan's road geometry, or why there is none (``None, None`` for straight roads)."""
    if scenario.roads.model == "great_circle":
        return None, None
    # Imported here: straight-line scenarios never load the road-graph modules.
    from ..network.road_paths import plan_road_geometry

    try:
        return plan_road_geometry(scenario, plan, roads_at=roads_at), None
    except ScenarioError as err:
        reason = str(err.problems[0]) if err.problems else str(err)
        return None, f"trips drawn as straight lines: road data not readable here ({reason})"


def _positions(points: list[tuple[float, float]]) -> list[Position]:
    """(lon, lat) points as GeoJSON positions, rounded to :data:`COORD_DECIMALS`."""
    rounded: list[Position] = np.round(
        np.asarray(points, dtype=np.float64), COORD_DECIMALS
    ).tolist()
    return rounded


def _add_snap(features: list[dict[str, Any]], snap_km: dict[str, float]) -> None:
    for feature in features:
        props = feature["properties"]
        key = {"warehouse": props.get("id"), "area": f"area:{props.get('id')}"}.get(props["kind"])
        if key in snap_km:
            props["snap_m"] = round(snap_km[key] * 1000.0, 1)


def plan_geojson_text(scenario: Scenario, plan: Plan, *, roads_at: RoadsAt | None = None) -> str:
    """:func:`plan_geojson` as compact UTF-8 JSON text (Chinese names unescaped).

    Compact because on an OSM extract the roads and paths are thousands of
    positions: indented, every number takes a line and the text doubles.
    """
    document = plan_geojson(scenario, plan, roads_at=roads_at)
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return text + "\n"


def _display_names(entries: Sequence[Item | VehicleType]) -> list[dict[str, Any]]:
    return [{"id": e.id, "name": e.name, "names": e.names} for e in entries]


def _point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def _road_features(geometry: RoadGeometry | None) -> list[dict[str, Any]]:
    if geometry is None:
        return []
    features = []
    for line in geometry.roads:
        props: dict[str, Any] = {
            "kind": "road",
            "from": line.ends[0],
            "to": line.ends[1],
            "length_km": round(line.length_km, 3),
            "oneway": line.oneway,
            "closed": line.closed,
        }
        if line.way_id is not None:
            props["way"] = line.way_id
        if line.label:
            props["label"] = line.label
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": _positions(line.coordinates),
                },
                "properties": props,
            }
        )
    return features


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


def _trip_features(
    scenario: Scenario, plan: Plan, geometry: RoadGeometry | None
) -> list[dict[str, Any]]:
    sites: dict[str, Position] = {w.id: [w.lon, w.lat] for w in scenario.warehouses}
    sites.update({f"area:{a.id}": [a.lon, a.lat] for a in scenario.areas})
    features = []
    trip_no: dict[str, int] = {}
    for idx, trip in enumerate(plan.trips):
        trip_no[trip.vehicle] = trip_no.get(trip.vehicle, 0) + 1
        path = [sites.get(trip.warehouse)]
        path += [sites.get(f"area:{stop.area}") for stop in trip.stops]
        path.append(sites.get(trip.ends_at))  # a stock transfer ends at another warehouse
        coordinates = [p for p in path if p is not None]
        if geometry is not None and len(geometry.trips[idx]) >= 2:
            coordinates = _positions(geometry.trips[idx])
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
                    **_transfer_properties(trip),
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


def _transfer_properties(trip: Trip) -> dict[str, Any]:
    """A stock transfer's properties (an extension): ``{"transfer": {...}}``, else nothing."""
    if trip.transfer is None:
        return {}
    return {"transfer": trip.transfer.model_dump(mode="json")}
