"""Snap sites to road nodes of the part of the network the warehouses can use.

The nearest road node of a site is not always a good place to join the
network: OSM extracts hold fragments (a one-way street's end, a service road
cut off at the edge of the extract, a carriageway tagged without its way
back) from which no road leads to the rest, or that no road enters. A site
snapped there is "unreachable" although a main road passes 30 m away.

So sites snap within strongly connected components of the road graph (every
node of one reaches every other and back), taken on the whole network, open
or closed: a closure must make a site unreachable, not move it to the other
side of the washed-out bridge, and every road state of an operation must
snap the sites alike.

- A warehouse joins the largest component that has a node within
  :data:`WAREHOUSE_SEARCH_KM` of its nearest road node's distance (on a
  typical extract the largest of all; on two islands, each warehouse its
  island's main network), at that component's nearest node.
- An area joins the nearest node of any component a warehouse joined (the
  warehouses of that component reach it and can drive back), unless that
  node is more than :data:`FRAGMENT_SKIP_KM` farther than its nearest road
  node: a site that far from the connected network really is cut off, and
  stays on its own road (a note says how far the connected network is).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from .geo import EARTH_RADIUS_KM, haversine_km, unit_vectors
from .road_graph import RoadGraph

#: A site snapped farther than this from the road network gets a warning note of its own.
SNAP_NOTE_KM = 5.0
#: The snapping note lists the sites snapped farther than this.
SNAP_LIST_KM = 0.25
#: A warehouse may join a component whose nearest node is this much farther than the nearest.
WAREHOUSE_SEARCH_KM = 1.0
#: An area skips a nearer fragment for a connected node at most this much farther.
FRAGMENT_SKIP_KM = 1.0


@dataclass(frozen=True)
class Snap:
    """Where each site joins the road network and how long that leg is.

    Attributes
    ----------
    node_idx
        The road node of each site.
    distance_km
        Great-circle distance from each site to its road node.
    nearest_km
        Distance to the nearest road node of any part of the network (equal
        to ``distance_km`` unless the site skipped a fragment).
    connected_km
        Distance to the nearest node of a component a warehouse joined
        (equal to ``distance_km`` unless the site stayed on a fragment).
    """

    node_idx: NDArray[np.int64]
    distance_km: NDArray[np.float64]
    nearest_km: NDArray[np.float64] | None = None
    connected_km: NDArray[np.float64] | None = None

    @property
    def skipped(self) -> NDArray[np.bool_]:
        """Sites whose nearest road node lay on a fragment they did not join."""
        if self.nearest_km is None:
            return np.zeros(len(self.node_idx), dtype=bool)
        return np.asarray(self.distance_km > self.nearest_km + 1e-9)

    @property
    def stranded(self) -> NDArray[np.bool_]:
        """Sites left on a fragment because the connected network is too far."""
        if self.connected_km is None:
            return np.zeros(len(self.node_idx), dtype=bool)
        return np.asarray(self.connected_km > self.distance_km + 1e-9)


def snap_to_nodes(graph: RoadGraph, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> Snap:
    """Nearest road node of each point (great-circle distance), whatever it connects to."""
    tree = cKDTree(unit_vectors(graph.node_lat, graph.node_lon))
    _, idx = tree.query(unit_vectors(lat, lon))
    idx = np.asarray(idx, dtype=np.int64)
    dist = haversine_km(lat, lon, graph.node_lat[idx], graph.node_lon[idx])
    return Snap(node_idx=idx, distance_km=dist)


def strong_components(graph: RoadGraph) -> NDArray[np.int64]:
    """Strongly connected component label of each node, over every road (closed or not)."""
    n = graph.n_nodes
    matrix = csr_array((np.ones(len(graph.tail)), (graph.tail, graph.head)), shape=(n, n))
    _, labels = connected_components(matrix, directed=True, connection="strong")
    return np.asarray(labels, dtype=np.int64)


def _chord(km: float) -> float:
    """Straight-line distance on the unit sphere of an arc of ``km``."""
    return float(2.0 * np.sin(min(km / (2.0 * EARTH_RADIUS_KM), np.pi / 2)))


def _warehouse_nodes(
    graph: RoadGraph,
    tree: cKDTree,
    points: NDArray[np.float64],
    labels: NDArray[np.int64],
    sizes: NDArray[np.int64],
) -> NDArray[np.int64]:
    """Per warehouse point: the nearest node of the largest component near it."""
    nearest_chord, _ = tree.query(points)
    nodes = np.empty(len(points), dtype=np.int64)
    for row, (point, chord) in enumerate(zip(points, np.atleast_1d(nearest_chord), strict=True)):
        radius = float(chord) + _chord(WAREHOUSE_SEARCH_KM)
        near = np.asarray(tree.query_ball_point(point, radius), dtype=np.int64)
        best = near[sizes[labels[near]] == sizes[labels[near]].max()]
        gap = np.linalg.norm(
            unit_vectors(graph.node_lat[best], graph.node_lon[best]) - point, axis=1
        )
        nodes[row] = best[int(np.argmin(gap))]
    return nodes


def snap_sites(
    graph: RoadGraph,
    lat: NDArray[np.float64],
    lon: NDArray[np.float64],
    n_warehouses: int,
) -> Snap:
    """Snap warehouses (the first ``n_warehouses`` points) and areas to usable road nodes.

    Parameters
    ----------
    graph
        The road graph, undisrupted edges included (closures do not move sites).
    lat, lon
        Site coordinates, warehouses first.
    n_warehouses
        How many of the points are warehouses; with none, areas join the
        largest component.

    Returns
    -------
    Snap
        Each site's node, its distance, and the distance to the nearest node
        of any component (see the module notes for the rule).
    """
    labels = strong_components(graph)
    sizes = np.bincount(labels)
    tree = cKDTree(unit_vectors(graph.node_lat, graph.node_lon))
    points = unit_vectors(lat, lon)
    _, nearest = tree.query(points)
    nearest = np.asarray(nearest, dtype=np.int64).reshape(-1)
    nodes = np.empty(len(points), dtype=np.int64)
    if n_warehouses:
        nodes[:n_warehouses] = _warehouse_nodes(graph, tree, points[:n_warehouses], labels, sizes)
        served = np.unique(labels[nodes[:n_warehouses]])
    else:
        served = np.array([int(np.argmax(sizes))])
    usable = np.flatnonzero(np.isin(labels, served))
    sub = cKDTree(unit_vectors(graph.node_lat[usable], graph.node_lon[usable]))
    _, idx = sub.query(points)
    connected = usable[np.asarray(idx, dtype=np.int64).reshape(-1)]
    nearest_km = _distance(graph, lat, lon, nearest)
    connected_km = _distance(graph, lat, lon, connected)
    areas = slice(n_warehouses, None)
    nodes[areas] = np.where(
        connected_km[areas] <= nearest_km[areas] + FRAGMENT_SKIP_KM,
        connected[areas],
        nearest[areas],
    )
    return Snap(
        node_idx=nodes,
        distance_km=_distance(graph, lat, lon, nodes),
        nearest_km=nearest_km,
        connected_km=connected_km,
    )


def _distance(
    graph: RoadGraph, lat: NDArray[np.float64], lon: NDArray[np.float64], nodes: NDArray[np.int64]
) -> NDArray[np.float64]:
    return haversine_km(lat, lon, graph.node_lat[nodes], graph.node_lon[nodes])


def _metres(km: float) -> str:
    return f"{km * 1000:.0f} m" if km < 1.0 else f"{km:.1f} km"


def snap_notes(names: Sequence[str], snap: Snap) -> list[str]:
    """Plan notes on snapping: one summary, one on skipped fragments, one per far site."""
    if not len(names):
        return []
    far = int(np.argmax(snap.distance_km))
    listed = [
        f"{name} {_metres(float(km))}"
        for name, km in zip(names, snap.distance_km, strict=True)
        if km > SNAP_LIST_KM
    ]
    if listed:
        summary = f"road snapping: {len(listed)} of {len(names)} sites over " + (
            f"{_metres(SNAP_LIST_KM)} from their road node: {', '.join(listed)}"
        )
    else:
        summary = (
            f"road snapping: all {len(names)} sites within "
            f"{_metres(float(snap.distance_km[far]))} of their road node (farthest: {names[far]})"
        )
    notes = [summary]
    skipped = np.flatnonzero(snap.skipped)
    if len(skipped) and snap.nearest_km is not None:
        notes.append(
            "road snapping: joined the connected network past a nearer road node on a fragment "
            "the warehouses cannot reach and return from: "
            + ", ".join(
                f"{names[i]} {_metres(float(snap.distance_km[i]))} "
                f"(nearest node {_metres(float(snap.nearest_km[i]))})"
                for i in skipped.tolist()
            )
        )
    if snap.connected_km is not None:
        notes += [
            f"{names[i]}: its road node lies on a fragment the warehouses cannot reach and "
            f"return from; the connected network is {_metres(float(snap.connected_km[i]))} away"
            for i in np.flatnonzero(snap.stranded).tolist()
        ]
    notes += [
        f"{name}: {km:.1f} km from the nearest road node"
        for name, km in zip(names, snap.distance_km, strict=True)
        if km > SNAP_NOTE_KM
    ]
    return notes
