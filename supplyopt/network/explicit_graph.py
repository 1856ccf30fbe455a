"""The ``graph`` road model: explicit nodes and edges, shortest paths by Dijkstra.

Sites snap to their nearest road node; the leg from a site to its node is
driven in a straight line at the road model's ``speed_kmh``. An edge is
driven at its own ``speed_kmh`` (default: the road model's), capped by the
vehicle type's ``speed_kmh`` when that is set. Routes follow the fastest
path; the distance reported is that path's length.
"""

from __future__ import annotations

import numpy as np

from ..model import GraphRoads, Scenario
from .road_graph import RoadGraph
from .road_graph_travel import network_travel_times
from .travel_times import TravelTimes


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
        node_ref=tuple(node.id for node in roads.nodes),
    )


def graph_travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices for a scenario whose roads are an explicit ``graph``."""
    roads = scenario.roads
    assert isinstance(roads, GraphRoads)
    return network_travel_times(
        scenario, road_graph_from_scenario(roads), access_speed_kmh=roads.speed_kmh
    )
