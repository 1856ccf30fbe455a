"""Site-to-site travel over a road graph: snap, disrupt, run the matrix, add access legs.

Shared by the ``graph`` and ``osm`` road models. Sites snap to the nearest
node of the part of the network the warehouses reach and return from (see
:mod:`.snap`); the leg from a site to its node is driven in a straight line at
``access_speed_kmh``. An edge is driven at its own speed times its
disruption factor, capped by the vehicle type's ``speed_kmh`` when set.
Routes follow the fastest path (ties: the shorter); the distance reported is
that path's length. Routes slower than the deadline are not explored (see
:attr:`TravelTimes.horizon_h`), except return legs to warehouses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import breadth_first_order

from ..model import Scenario
from .matrix import NodeMatrix, node_matrix, node_matrix_variant, node_rows
from .road_disruptions import edge_speed_factors
from .road_graph import RoadGraph
from .snap import snap_notes, snap_sites
from .travel_times import TravelTimes, site_coordinates

#: Return legs that the deadline horizon cut off are searched up to this many deadlines.
RETURN_HORIZON_FACTOR = 10.0


def site_names(scenario: Scenario) -> list[str]:
    """Site ids, warehouses first."""
    return [*(w.id for w in scenario.warehouses), *(a.id for a in scenario.areas)]


def edge_hours(
    graph: RoadGraph, speed_cap_kmh: float | None, factors: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Hours per edge at the capped speed times the disruption factor (``inf`` when closed)."""
    speed = graph.speed_kmh if speed_cap_kmh is None else np.minimum(graph.speed_kmh, speed_cap_kmh)
    with np.errstate(divide="ignore"):
        return graph.length_km / (speed * factors)


def network_travel_times(
    scenario: Scenario,
    graph: RoadGraph,
    *,
    access_speed_kmh: float,
    extra_notes: Sequence[str] = (),
) -> TravelTimes:
    """Travel matrices for a scenario over a road graph, its road disruptions applied."""
    lat, lon = site_coordinates(scenario)
    snap = snap_sites(graph, lat, lon, len(scenario.warehouses))
    nodes, rows = np.unique(snap.node_idx, return_inverse=True)
    notes = [*extra_notes, *snap_notes(site_names(scenario), snap)]
    factors = edge_speed_factors(graph, scenario.disruptions)
    disrupted = bool(np.any(factors != 1.0))
    horizon_h = scenario.deadline_hours
    n_wh = len(scenario.warehouses)
    duration: dict[str, NDArray[np.float64]] = {}
    distance: dict[str, NDArray[np.float64]] = {}
    done: dict[float | None, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    for vt in scenario.vehicle_types:
        cap = vt.speed_kmh
        if cap not in done:
            hours = edge_hours(graph, cap, factors)
            matrix: NodeMatrix
            if disrupted:
                base = edge_hours(graph, cap, np.ones_like(factors))
                matrix, _ = node_matrix_variant(graph, base, hours, nodes, horizon_h=horizon_h)
            else:
                matrix = node_matrix(graph, hours, nodes, horizon_h=horizon_h)
            node_h, node_km = matrix.hours[rows][:, rows], matrix.km[rows][:, rows]
            _fill_returns(graph, hours, nodes, rows, node_h, node_km, n_wh, horizon_h)
            leg_speed = access_speed_kmh if cap is None else min(access_speed_kmh, cap)
            leg_h = snap.distance_km / leg_speed
            site_h = leg_h[:, None] + node_h + leg_h[None, :]
            site_km = snap.distance_km[:, None] + node_km + snap.distance_km[None, :]
            np.fill_diagonal(site_h, 0.0)
            np.fill_diagonal(site_km, 0.0)
            done[cap] = (site_h, site_km)
        duration[vt.id], distance[vt.id] = done[cap]
    notes += _unreachable_notes(scenario, duration)
    any_hours = edge_hours(graph, None, factors)
    reach = _reach_from(graph, any_hours, nodes[rows[:n_wh]])
    return TravelTimes(
        n_warehouses=n_wh,
        n_areas=len(scenario.areas),
        duration_h=duration,
        distance_km=distance,
        notes=tuple(notes),
        horizon_h=horizon_h,
        connected=reach[:, nodes[rows]],
    )


def _reach_from(
    graph: RoadGraph, hours: NDArray[np.float64], sources: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """(len(sources), N): which nodes any road (open, any speed) leads to from each source."""
    open_edge = np.isfinite(hours)
    matrix = csr_array(
        (np.ones(int(open_edge.sum())), (graph.tail[open_edge], graph.head[open_edge])),
        shape=(graph.n_nodes, graph.n_nodes),
    )
    reach = np.zeros((len(sources), graph.n_nodes), dtype=bool)
    for row, source in enumerate(sources):
        reach[
            row, breadth_first_order(matrix, int(source), directed=True, return_predecessors=False)
        ] = True
    return reach


def _fill_returns(
    graph: RoadGraph,
    hours: NDArray[np.float64],
    nodes: NDArray[np.int64],
    rows: NDArray[np.int64],
    node_h: NDArray[np.float64],
    node_km: NDArray[np.float64],
    n_wh: int,
    horizon_h: float,
) -> None:
    """Search farther for area → warehouse legs whose warehouse → area leg is finite."""
    out_ok = np.isfinite(node_h[:n_wh, n_wh:]).T  # (areas, warehouses)
    back_missing = ~np.isfinite(node_h[n_wh:, :n_wh]) & out_ok
    areas = np.flatnonzero(back_missing.any(axis=1))
    if not len(areas):
        return
    sources = nodes[rows[n_wh + areas]]
    targets = nodes[rows[:n_wh]]
    far_h, far_km = node_rows(
        graph, hours, sources, targets, horizon_h=horizon_h * RETURN_HORIZON_FACTOR
    )
    for pos, area in enumerate(areas):
        missing = back_missing[area]
        node_h[n_wh + area, :n_wh][missing] = far_h[pos][missing]
        node_km[n_wh + area, :n_wh][missing] = far_km[pos][missing]


def _unreachable_notes(scenario: Scenario, duration: dict[str, NDArray[np.float64]]) -> list[str]:
    """Name the areas that no warehouse reaches within the deadline, for any vehicle type."""
    n_wh = len(scenario.warehouses)
    reach = np.zeros(len(scenario.areas), dtype=bool)
    for matrix in duration.values():
        reach |= np.isfinite(matrix[:n_wh, n_wh:]).any(axis=0)
    return [
        f"{area.id}: no warehouse reaches it by road within {scenario.deadline_hours:g} h"
        for area, ok in zip(scenario.areas, reach, strict=True)
        if not ok
    ]
