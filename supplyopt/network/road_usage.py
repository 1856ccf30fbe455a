"""Which roads the fastest warehouse → area routes use (candidates for criticality)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from scipy.sparse.csgraph import dijkstra

from ..model import GraphRoads, OsmRoads, Scenario
from .explicit_graph import road_graph_from_scenario
from .matrix import pack_graph
from .road_disruptions import edge_speed_factors
from .road_graph import RoadGraph
from .road_graph_travel import edge_hours
from .snap import snap_sites
from .travel_times import site_coordinates

RoadKey = int | tuple[str, str]


def _road_graph(scenario: Scenario) -> RoadGraph:
    roads = scenario.roads
    if isinstance(roads, GraphRoads):
        return road_graph_from_scenario(roads)
    assert isinstance(roads, OsmRoads)
    from .osm import osm_road_graph

    return osm_road_graph(roads)


def route_usage(scenario: Scenario) -> Counter[RoadKey]:
    """How many warehouse → area fastest routes use each road, under the scenario's disruptions.

    Roads are OSM way ids of major classes (motorway … secondary) for the
    ``osm`` model and node-id pairs (sorted) for the ``graph`` model. Routes
    are those of vehicles without their own speed cap.
    """
    graph = _road_graph(scenario)
    lat, lon = site_coordinates(scenario)
    n_wh = len(scenario.warehouses)
    nodes = snap_sites(graph, lat, lon, n_wh).node_idx
    hours = edge_hours(graph, None, edge_speed_factors(graph, scenario.disruptions))
    packed = pack_graph(graph, hours, scenario.deadline_hours)
    sources = np.unique(nodes[:n_wh])
    _, pred = dijkstra(
        packed.csr, directed=True, indices=sources, limit=packed.limit, return_predecessors=True
    )
    n = graph.n_nodes
    edge_of = {
        int(t) * n + int(h): idx
        for idx, (t, h) in enumerate(zip(graph.tail, graph.head, strict=True))
    }
    major = _major_mask(scenario, graph)
    usage: Counter[RoadKey] = Counter()
    for row in range(len(sources)):
        for target in np.unique(nodes[n_wh:]):
            roads: set[RoadKey] = set()
            node = int(target)
            while pred[row, node] >= 0:
                parent = int(pred[row, node])
                edge = edge_of.get(parent * n + node)
                if edge is not None and major[edge]:
                    roads.add(_road_key(graph, edge))
                node = parent
            usage.update(roads)
    return usage


def _major_mask(scenario: Scenario, graph: RoadGraph) -> np.ndarray:
    if graph.way_id is None:
        return np.ones(len(graph.tail), dtype=bool)
    from .osm import MAJOR_CLASSES

    return np.array(
        [label.endswith(tuple(f"({c})" for c in MAJOR_CLASSES)) for label in graph.road_label]
    )


def _road_key(graph: RoadGraph, edge: int) -> RoadKey:
    if graph.way_id is not None:
        return int(graph.way_id[edge])
    a, b = str(graph.node_ref[graph.tail[edge]]), str(graph.node_ref[graph.head[edge]])
    return (a, b) if a <= b else (b, a)


def way_label(scenario: Scenario, way: int) -> str | None:
    """The ref, name and class of an OSM way, e.g. ``CG-2 (primary)``."""
    graph = _road_graph(scenario)
    if graph.way_id is None:
        return None
    hits = np.flatnonzero(graph.way_id == way)
    return graph.road_label[int(hits[0])] if len(hits) else None
