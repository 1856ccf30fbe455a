"""The road path of every leg of a plan, recomputed on the roads its travel time came from.

The matrix stage keeps only hours and km (its compiled engine records no
predecessors, and a K × N predecessor table per road state and vehicle
speed would outweigh the matrices it serves); a map needs the paths of the
few legs a plan drives. So they are recomputed here, once per leg origin,
road state and vehicle speed cap: one Dijkstra with predecessors on the same
packed integer weights (:func:`~.matrix.pack_graph`, same horizon) as the
matrix. A path found there has exactly the weight the matrix holds, hence
its hours and km; where two paths tie to the metre and the time unit, either
is the path of that travel time.

A leg that starts at ``hours`` is driven on ``roads_at(hours)`` (for an
operation under way, :meth:`~supplyopt.model.Operation.roads_at`; by
default the scenario's own roads for every leg), as in
:class:`~supplyopt.replan.legs.Legs`: the first leg starts at the trip's
``depart_hours``, each next one when the truck has unloaded.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from ..model import GraphRoads, OsmRoads, Plan, Scenario, Trip
from .explicit_graph import road_graph_from_scenario
from .matrix import PackedGraph, pack_graph
from .road_disruptions import edge_speed_factors
from .road_graph import RoadGraph
from .road_graph_travel import RETURN_HORIZON_FACTOR, edge_hours, site_names
from .road_lines import RoadLine, road_lines
from .snap import Snap, snap_sites
from .travel_times import site_coordinates

#: (lon, lat) of a point on a path, as GeoJSON orders them.
LonLat = tuple[float, float]
#: The roads a leg starting at the given hour is driven on.
RoadsAt = Callable[[float], Scenario]


def scenario_road_graph(scenario: Scenario) -> RoadGraph:
    """The road graph of a ``graph`` or ``osm`` scenario (reading the OSM extract if needed)."""
    roads = scenario.roads
    if isinstance(roads, GraphRoads):
        return road_graph_from_scenario(roads)
    assert isinstance(roads, OsmRoads)
    from .osm import osm_road_graph

    return osm_road_graph(roads)


@dataclass(frozen=True)
class SiteSnap:
    """The scenario's sites on its road graph.

    Attributes
    ----------
    graph
        The road graph.
    snap
        Each site's road node and distance (warehouses first).
    index
        Site index by ``warehouse id`` and by ``area:<id>``.
    lat, lon
        Site coordinates by site index.
    """

    graph: RoadGraph
    snap: Snap
    index: dict[str, int]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]

    def snap_km(self) -> dict[str, float]:
        """Snapping distance by site key (``warehouse id`` / ``area:<id>``)."""
        return {key: float(self.snap.distance_km[idx]) for key, idx in self.index.items()}


def snap_scenario(scenario: Scenario, graph: RoadGraph | None = None) -> SiteSnap:
    """Snap a scenario's sites as its travel matrices do (:func:`.snap.snap_sites`)."""
    graph = scenario_road_graph(scenario) if graph is None else graph
    lat, lon = site_coordinates(scenario)
    n_wh = len(scenario.warehouses)
    keys = [w.id for w in scenario.warehouses] + [f"area:{a.id}" for a in scenario.areas]
    assert len(keys) == len(site_names(scenario))
    return SiteSnap(
        graph=graph,
        snap=snap_sites(graph, lat, lon, n_wh),
        index={key: idx for idx, key in enumerate(keys)},
        lat=lat,
        lon=lon,
    )


@dataclass(frozen=True)
class _Leg:
    trip: int
    origin: int  # site idx
    target: int
    start_h: float


def _legs(scenario: Scenario, plan: Plan, index: dict[str, int]) -> list[list[_Leg]]:
    """Each trip's legs warehouse → stops → warehouse (a transfer: to the other one), with start hours."""
    unload = {a.id: a.unloading_hours for a in scenario.areas}
    out: list[list[_Leg]] = []
    for number, trip in enumerate(plan.trips):
        sites = [trip.warehouse, *(f"area:{s.area}" for s in trip.stops), trip.ends_at]
        if any(site not in index for site in sites):
            out.append([])
            continue
        starts = [trip.depart_hours] + [s.arrive_hours + unload[s.area] for s in trip.stops]
        out.append(
            [
                _Leg(number, index[a], index[b], start)
                for a, b, start in zip(sites, sites[1:], starts, strict=False)
            ]
        )
    return out


class _Searches:
    """Dijkstra trees per (road state, speed cap, horizon, source), computed when first asked."""

    def __init__(self, graph: RoadGraph, deadline_h: float) -> None:
        self.graph = graph
        self.deadline_h = deadline_h
        self._factors: dict[tuple[int, ...], NDArray[np.float64]] = {}
        self._packed: dict[tuple[object, ...], PackedGraph] = {}
        self._trees: dict[tuple[object, ...], tuple[NDArray[np.float64], NDArray[np.int32]]] = {}

    def _state(self, roads: Scenario) -> tuple[int, ...]:
        key = tuple(id(d) for d in roads.disruptions)
        if key not in self._factors:
            self._factors[key] = edge_speed_factors(self.graph, roads.disruptions)
        return key

    def _tree(
        self, state: tuple[int, ...], cap_kmh: float | None, horizon_h: float, source: int
    ) -> tuple[NDArray[np.float64], NDArray[np.int32]]:
        key = (state, cap_kmh, horizon_h, source)
        if key not in self._trees:
            weights = (state, cap_kmh, horizon_h)
            if weights not in self._packed:
                hours = edge_hours(self.graph, cap_kmh, self._factors[state])
                self._packed[weights] = pack_graph(self.graph, hours, horizon_h)
            packed = self._packed[weights]
            dist, pred = dijkstra(
                packed.csr,
                directed=True,
                indices=source,
                limit=packed.limit,
                return_predecessors=True,
            )
            self._trees[key] = (np.asarray(dist), np.asarray(pred))
        return self._trees[key]

    def path(
        self, roads: Scenario, cap_kmh: float | None, source: int, target: int
    ) -> list[int] | None:
        """Node path of the fastest route (as the matrix stage found it), or ``None``.

        Searched on the matrix's packing (horizon: the deadline), then, for a
        route beyond it, on the packing of the farther search of return legs.
        """
        state = self._state(roads)
        for horizon_h in (self.deadline_h, self.deadline_h * RETURN_HORIZON_FACTOR):
            dist, pred = self._tree(state, cap_kmh, horizon_h, source)
            if np.isfinite(dist[target]):
                nodes = [target]
                while nodes[-1] != source:
                    nodes.append(int(pred[nodes[-1]]))
                return nodes[::-1]
        return None


def trip_road_paths(
    scenario: Scenario,
    plan: Plan,
    *,
    sites: SiteSnap | None = None,
    roads_at: RoadsAt | None = None,
) -> list[list[LonLat]]:
    """Each trip's path along the roads: warehouse → stops → warehouse, as (lon, lat) points.

    Parameters
    ----------
    scenario
        The scenario the plan was made for (``graph`` or ``osm`` roads); for a
        revised plan, the operation's changed scenario.
    plan
        The plan.
    sites
        The scenario's sites snapped (computed when not given).
    roads_at
        The roads of a leg that starts at a given hour; by default the
        scenario's for every leg.

    Returns
    -------
    list of list of (lon, lat)
        Per trip, in plan order: the site, its road node, the path's nodes,
        the next site's node, the next site, and so on. A leg with no road
        (a trip of a plan made on other roads) is a straight segment.
    """
    sites = snap_scenario(scenario) if sites is None else sites
    graph, node = sites.graph, sites.snap.node_idx
    searches = _Searches(graph, scenario.deadline_hours)
    caps = {vt.id: vt.speed_kmh for vt in scenario.vehicle_types}
    paths: list[list[LonLat]] = []
    for trip, legs in zip(plan.trips, _legs(scenario, plan, sites.index), strict=True):
        points: list[LonLat] = []
        for leg in legs:
            roads = scenario if roads_at is None else roads_at(leg.start_h)
            nodes = searches.path(
                roads, _cap(caps, trip), int(node[leg.origin]), int(node[leg.target])
            )
            leg_points = [(float(sites.lon[leg.origin]), float(sites.lat[leg.origin]))]
            path = np.asarray(nodes or [], dtype=np.int64)
            leg_points += zip(
                graph.node_lon[path].tolist(), graph.node_lat[path].tolist(), strict=True
            )
            leg_points.append((float(sites.lon[leg.target]), float(sites.lat[leg.target])))
            for point in leg_points:
                if not points or point != points[-1]:
                    points.append(point)
        paths.append(points)
    return paths


def _cap(caps: dict[str, float | None], trip: Trip) -> float | None:
    return caps.get(trip.vehicle_type)


@dataclass(frozen=True)
class RoadGeometry:
    """What a map of a plan on a road network draws.

    Attributes
    ----------
    trips
        Per trip (plan order), its path along the roads as (lon, lat) points.
    roads
        The road network as polylines (closures of the scenario applied).
    snap_km
        Per site (``warehouse id`` / ``area:<id>``), how far it is from its road node.
    """

    trips: list[list[LonLat]]
    roads: list[RoadLine]
    snap_km: dict[str, float]


#: Geometry of the last few (scenario, plan) pairs: a map and a GeoJSON of one plan, or a
#: page asking twice, build it once. Keyed by content; kept with the graph it came from.
_GEOMETRY_KEPT = 4
_geometry: OrderedDict[str, tuple[RoadGraph, RoadGeometry]] = OrderedDict()
_geometry_lock = threading.Lock()


def plan_road_geometry(
    scenario: Scenario, plan: Plan, *, roads_at: RoadsAt | None = None
) -> RoadGeometry:
    """Trip paths, road polylines and snapping distances of a plan on ``graph``/``osm`` roads.

    Without ``roads_at`` the result is kept in memory for the same scenario,
    plan and road graph (an OSM graph is the same object while its extract
    is unchanged, see :func:`.osm.osm_road_graph`; a ``graph`` scenario's
    roads are part of the scenario).

    Raises
    ------
    ScenarioError
        When the road network cannot be read (a missing extract, osmnx not
        installed to parse one).
    """
    graph = scenario_road_graph(scenario)
    key = ""
    if roads_at is None:
        digest = hashlib.sha256(scenario.model_dump_json().encode())
        digest.update(plan.model_dump_json().encode())
        key = digest.hexdigest()
        with _geometry_lock:  # exports of the service are drawn in several threads
            hit = _geometry.get(key)
            if hit is not None and key in _geometry:
                _geometry.move_to_end(key)
        if hit is not None and (hit[0] is graph or isinstance(scenario.roads, GraphRoads)):
            return hit[1]
    sites = snap_scenario(scenario, graph)
    geometry = RoadGeometry(
        trips=trip_road_paths(scenario, plan, sites=sites, roads_at=roads_at),
        roads=road_lines(scenario, graph),
        snap_km=sites.snap_km(),
    )
    if key:
        with _geometry_lock:
            _geometry[key] = (graph, geometry)
            while len(_geometry) > _GEOMETRY_KEPT:
                _geometry.popitem(last=False)
    return geometry
