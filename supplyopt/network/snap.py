"""Snap sites to their nearest road node."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from .geo import haversine_km, unit_vectors
from .road_graph import RoadGraph

#: A site snapped farther than this from the road network gets a note.
SNAP_NOTE_KM = 5.0


@dataclass(frozen=True)
class Snap:
    """Where each site joins the road network and how long that leg is."""

    node_idx: NDArray[np.int64]
    distance_km: NDArray[np.float64]


def snap_to_nodes(graph: RoadGraph, lat: NDArray[np.float64], lon: NDArray[np.float64]) -> Snap:
    """Nearest road node of each point (great-circle distance)."""
    tree = cKDTree(unit_vectors(graph.node_lat, graph.node_lon))
    _, idx = tree.query(unit_vectors(lat, lon))
    idx = np.asarray(idx, dtype=np.int64)
    dist = haversine_km(lat, lon, graph.node_lat[idx], graph.node_lon[idx])
    return Snap(node_idx=idx, distance_km=dist)
