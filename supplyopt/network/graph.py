"""The ``graph`` road model: explicit nodes and edges, shortest paths by Dijkstra.

Sites snap to their nearest road node; the leg from a site to its node is
driven in a straight line at the road model's ``speed_kmh``. An edge is
driven at its own ``speed_kmh`` (default: the road model's), capped by the
vehicle type's ``speed_kmh`` when that is set. Routes follow the fastest
path; the distance reported is that path's length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from ..model import GraphRoads, Scenario
from .geo import haversine_km, unit_vectors
from .travel import TravelTimes, site_coordinates

#: A site snapped farther than this from the road network gets a note.
SNAP_NOTE_KM = 5.0


@dataclass(frozen=True)
class RoadGraph:
    """Directed road graph as edge arrays (one row per driving direction)."""

    node_lat: NDArray[np.float64]
    node_lon: NDArray[np.float64]
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    length_km: NDArray[np.float64]
    speed_kmh: NDArray[np.float64]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_lat)


@dataclass(frozen=True)
class Snap:
    """Where each site joins the road network and how long that leg is."""

    node_idx: NDArray[np.int64]
    distance_km: NDArray[np.float64]


def road_graph_from_scenario(roads: GraphRoads) -> RoadGraph:
    """Directed edge arrays of an explicit ``graph`` road model."""
    index = {node.id: idx for idx, node in enumerate(roads.nodes)}
    tail: list[int] = []
    head: list[int] = []
    length: list[float] = []
    speed: list[float] = []
    for edge in roads.edges:
        edge_speed = edge.speed_kmh if edge.speed_kmh is not None else roads.speed_kmh
        ends = [(edge.from_node, edge.to_node)]
        if not edge.oneway:
            ends.append((edge.to_node, edge.from_node))
        for a, b in ends:
            tail.append(index[a])
            head.append(index[b])
            length.append(edge.length_km)
            speed.append(edge_speed)
    return RoadGraph(
        node_lat=np.array([n.lat for n in roads.nodes], dtype=np.float64),
        node_lon=np.array([n.lon for n in roads.nodes], dtype=np.float64),
        tail=np.array(tail, dtype=np.int64),
        head=np.array(head, dtype=np.int64),
        length_km=np.array(length, dtype=np.float64),
        speed_kmh=np.array(speed, dtype=np.float64),
    )


def snap_to_nodes(graph: RoadGraph, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> Snap:
    """Nearest road node of each point (great-circle distance)."""
    tree = cKDTree(unit_vectors(graph.node_lat, graph.node_lon))
    _, idx = tree.query(unit_vectors(lat, lon))
    idx = np.asarray(idx, dtype=np.int64)
    dist = haversine_km(lat, lon, graph.node_lat[idx], graph.node_lon[idx])
    return Snap(node_idx=idx, distance_km=dist)


def _csr(graph: RoadGraph, weight: NDArray[np.float64]) -> csr_array:
    # Parallel edges: keep the cheapest (csr would add duplicates together).
    order = np.lexsort((weight, graph.head, graph.tail))
    tail, head, w = graph.tail[order], graph.head[order], weight[order]
    keep = np.ones(len(tail), dtype=bool)
    keep[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    n = graph.n_nodes
    return csr_array((w[keep], (tail[keep], head[keep])), shape=(n, n))


def node_travel(
    graph: RoadGraph, sources: NDArray[np.int64], speed_cap_kmh: float | None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Fastest-path hours and that path's km from each source node to every node."""
    speed = graph.speed_kmh if speed_cap_kmh is None else np.minimum(graph.speed_kmh, speed_cap_kmh)
    hours = graph.length_km / speed
    matrix = _csr(graph, hours)
    duration, pred = dijkstra(matrix, directed=True, indices=sources, return_predecessors=True)
    # For parallel edges, the length of the fastest one (the one Dijkstra used).
    edge_len = _edge_lookup(graph, hours)
    distance = np.full(duration.shape, np.inf)
    for row, source in enumerate(sources):
        distance[row] = _path_lengths(pred[row], int(source), edge_len, duration[row])
    return duration, distance


def _edge_lookup(graph: RoadGraph, hours: NDArray[np.float64]) -> dict[tuple[int, int], float]:
    best: dict[tuple[int, int], tuple[float, float]] = {}
    for t, h, w, km in zip(graph.tail, graph.head, hours, graph.length_km, strict=True):
        key = (int(t), int(h))
        if key not in best or w < best[key][0]:
            best[key] = (float(w), float(km))
    return {key: km for key, (_, km) in best.items()}


def _path_lengths(
    pred: NDArray[np.int32],
    source: int,
    edge_len: dict[tuple[int, int], float],
    duration: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Length of every fastest path from ``source``, by walking predecessors in time order."""
    n = len(pred)
    out = np.full(n, np.inf)
    out[source] = 0.0
    reached = np.flatnonzero(np.isfinite(duration))
    for node in reached[np.argsort(duration[reached], kind="stable")]:
        p = int(pred[node])
        if p >= 0:
            out[node] = out[p] + edge_len[p, int(node)]
    return out


def graph_travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices for a scenario whose roads are an explicit ``graph``."""
    roads = scenario.roads
    assert isinstance(roads, GraphRoads)
    graph = road_graph_from_scenario(roads)
    lat, lon = site_coordinates(scenario)
    snap = snap_to_nodes(graph, lat, lon)
    sources = np.unique(snap.node_idx)
    row_of = {int(node): row for row, node in enumerate(sources)}
    rows = np.array([row_of[int(node)] for node in snap.node_idx], dtype=np.int64)
    site_names = [*(w.id for w in scenario.warehouses), *(a.id for a in scenario.areas)]
    notes = tuple(
        f"{name}: {km:.1f} km from the nearest road node"
        for name, km in zip(site_names, snap.distance_km, strict=True)
        if km > SNAP_NOTE_KM
    )
    duration: dict[str, NDArray[np.float64]] = {}
    distance: dict[str, NDArray[np.float64]] = {}
    cache: dict[float | None, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    for vt in scenario.vehicle_types:
        cap = vt.speed_kmh
        if cap not in cache:
            node_h, node_km = node_travel(graph, sources, cap)
            leg_speed = roads.speed_kmh if cap is None else min(roads.speed_kmh, cap)
            leg_h = snap.distance_km / leg_speed
            hours = leg_h[:, None] + node_h[rows][:, snap.node_idx] + leg_h[None, :]
            km = (
                snap.distance_km[:, None]
                + node_km[rows][:, snap.node_idx]
                + snap.distance_km[None, :]
            )
            np.fill_diagonal(hours, 0.0)
            np.fill_diagonal(km, 0.0)
            cache[cap] = (hours, km)
        duration[vt.id], distance[vt.id] = cache[cap]
    return TravelTimes(
        n_warehouses=len(scenario.warehouses),
        n_areas=len(scenario.areas),
        duration_h=duration,
        distance_km=distance,
        notes=notes,
    )
