"""A directed road graph as edge arrays, shared by the graph and OSM road models."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class RoadGraph:
    """Directed road graph as edge arrays (one row per driving direction)."""

    node_lat: NDArray[np.float64]
    node_lon: NDArray[np.float64]
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    length_km: NDArray[np.float64]
    speed_kmh: NDArray[np.float64]
    #: The user's node ids (graph node ids, or OSM node ids), by node idx.
    node_ref: tuple[str | int, ...] = ()
    #: OSM way id of each edge (OSM road model only).
    way_id: NDArray[np.int64] | None = None
    #: A short road label per edge (``CG-2 primary`` …), for reports.
    road_label: tuple[str, ...] = ()

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.node_lat)
