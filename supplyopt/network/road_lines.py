"""The road network as polylines for a map: one per road between junctions, closed or open.

An OSM extract read unsimplified has a node at every bend, so drawing it edge
by edge would repeat each bend's coordinates and make thousands of tiny
features. Here the directed edges are first paired into roads (a two-way
road is one line), then chains of roads through nodes where nothing else
meets (exactly two roads, same OSM way, same one-way and closed state, and
for one-way roads the same driving direction) are merged into one polyline.
A one-way polyline runs in its driving direction.

For the explicit ``graph`` model every scenario edge stays a line of its own
(``ends`` are its node ids), as the scenario author drew it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..model import GraphRoads, Scenario
from .road_disruptions import edge_speed_factors
from .road_graph import RoadGraph

LonLat = tuple[float, float]


@dataclass(frozen=True)
class RoadLine:
    """One drawable road.

    Attributes
    ----------
    coordinates
        (lon, lat) points along it (driving direction for one-way roads).
    oneway
        Driven in one direction only.
    length_km
        Its length along the road.
    closed
        Closed by the scenario's disruptions (every direction of it).
    ends
        Node ids at its two ends (graph node ids or OSM node ids).
    way_id
        OSM way id (``osm`` roads), else ``None``.
    label
        Ref, name and class of an OSM road (``CG-2 (primary)``), else ``""``.
    """

    coordinates: list[LonLat]
    oneway: bool
    length_km: float
    closed: bool
    ends: tuple[str | int, str | int]
    way_id: int | None = None
    label: str = ""


def road_lines(scenario: Scenario, graph: RoadGraph) -> list[RoadLine]:
    """The scenario's road network as polylines, closures applied (see the module notes)."""
    closed = edge_speed_factors(graph, scenario.disruptions) == 0.0
    if isinstance(scenario.roads, GraphRoads):
        return _graph_lines(scenario.roads, graph, closed)
    return merged_road_lines(graph, closed)


def _graph_lines(roads: GraphRoads, graph: RoadGraph, closed: NDArray[np.bool_]) -> list[RoadLine]:
    """One line per scenario edge; directed edges come in scenario order (see explicit_graph)."""
    where = {node.id: (node.lon, node.lat) for node in roads.nodes}
    lines: list[RoadLine] = []
    edge = 0
    for road in roads.edges:
        n_dir = 1 if road.oneway else 2
        lines.append(
            RoadLine(
                coordinates=[where[road.from_node], where[road.to_node]],
                oneway=road.oneway,
                length_km=road.length_km,
                closed=bool(closed[edge : edge + n_dir].all()),
                ends=(road.from_node, road.to_node),
            )
        )
        edge += n_dir
    assert edge == len(graph.tail)
    return lines


@dataclass(frozen=True)
class _Road:
    """An undirected road between two nodes: its first directed edge and state."""

    a: int
    b: int
    edge: int
    oneway: bool
    closed: bool


def _roads(graph: RoadGraph, closed: NDArray[np.bool_]) -> list[_Road]:
    """Pair directed edges into undirected roads (parallel edges: the first one's way kept)."""
    tail, head = graph.tail, graph.head
    edges = np.flatnonzero(tail != head)
    low, high = np.minimum(tail[edges], head[edges]), np.maximum(tail[edges], head[edges])
    order = np.lexsort((edges, low * graph.n_nodes + high))
    edges = edges[order]
    key = (low * graph.n_nodes + high)[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    forward = (tail[edges] < head[edges]).astype(np.int8)
    oneway = np.minimum.reduceat(forward, starts) == np.maximum.reduceat(forward, starts)
    all_closed = np.minimum.reduceat(closed[edges].astype(np.int8), starts) == 1
    first = edges[starts]
    return [
        _Road(a=a, b=b, edge=e, oneway=o, closed=c)
        for a, b, e, o, c in zip(
            tail[first].tolist(),
            head[first].tolist(),
            first.tolist(),
            oneway.tolist(),
            all_closed.tolist(),
            strict=True,
        )
    ]


def merged_road_lines(graph: RoadGraph, closed: NDArray[np.bool_]) -> list[RoadLine]:
    """Roads between junctions as polylines (see the module notes); ``closed`` per edge."""
    roads = _roads(graph, closed)
    at: dict[int, list[int]] = defaultdict(list)
    for idx, road in enumerate(roads):
        at[road.a].append(idx)
        at[road.b].append(idx)
    way = graph.way_id

    def same(r1: _Road, r2: _Road, node: int) -> bool:
        if r1.oneway != r2.oneway or r1.closed != r2.closed:
            return False
        if way is not None and way[r1.edge] != way[r2.edge]:
            return False
        # One-way: one road enters the node and the other leaves it.
        return not r1.oneway or ((r1.b == node) != (r2.b == node))

    def through(node: int) -> bool:
        pair = at[node]
        return len(pair) == 2 and same(roads[pair[0]], roads[pair[1]], node)

    used = np.zeros(len(roads), dtype=bool)
    lines: list[RoadLine] = []
    starts = [n for n in at if not through(n)] + list(at)  # cycles of through nodes last
    for start in starts:
        for first in at[start]:
            if used[first]:
                continue
            nodes, members = _walk(roads, at, used, start, first, through)
            lines.append(_line(graph, roads, nodes, members))
    return lines


def _walk(
    roads: list[_Road],
    at: dict[int, list[int]],
    used: NDArray[np.bool_],
    start: int,
    first: int,
    through: Callable[[int], bool],
) -> tuple[list[int], list[int]]:
    """Follow roads from ``start`` along ``first`` until a node that is not a through node."""
    nodes, members = [start], []
    road_idx, node = first, start
    while True:
        used[road_idx] = True
        members.append(road_idx)
        road = roads[road_idx]
        node = road.b if road.a == node else road.a
        nodes.append(node)
        if node == start or not through(node):
            return nodes, members
        nxt = [r for r in at[node] if r != road_idx]
        if not nxt or used[nxt[0]]:
            return nodes, members
        road_idx = nxt[0]


def _line(graph: RoadGraph, roads: list[_Road], nodes: list[int], members: list[int]) -> RoadLine:
    first = roads[members[0]]
    if first.oneway and first.a != nodes[0]:
        nodes = nodes[::-1]  # walked against the driving direction
    length = float(graph.length_km[[roads[m].edge for m in members]].sum())
    ref = graph.node_ref
    return RoadLine(
        coordinates=list(
            zip(graph.node_lon[nodes].tolist(), graph.node_lat[nodes].tolist(), strict=True)
        ),
        oneway=first.oneway,
        length_km=length,
        closed=first.closed,
        ends=(ref[nodes[0]], ref[nodes[-1]]) if ref else (nodes[0], nodes[-1]),
        way_id=None if graph.way_id is None else int(graph.way_id[first.edge]),
        label=graph.road_label[first.edge] if graph.road_label else "",
    )
