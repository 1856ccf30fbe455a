"""Apply ``close_roads`` and ``slow_roads`` disruptions to road graphs and straight legs.

Each road disruption selects roads and gives them a speed factor: 0 for a
closed road, ``factor`` for a slowed one. Where several apply to one road the
lowest factor wins. Selection:

- ``osm_way``: every edge of that OSM way (OSM road model).
- ``between: [a, b]``: the road between two nodes — the edges joining them
  directly, or else the stretch of a way that passes through both.
- ``circle`` / ``polygon``: every road with a point inside the zone; a road
  is tested at its two ends and at points along the straight line between
  them (at least every ~200 m).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import coo_array
from scipy.sparse.csgraph import breadth_first_order

from ..model import CloseRoads, Location, Problem, ScenarioError, SlowRoads
from ..model.disruptions import Circle, Disruption
from .geo import EARTH_RADIUS_KM, haversine_km, pairwise_haversine_km
from .road_graph import RoadGraph

RoadDisruption = CloseRoads | SlowRoads
#: Spacing of the test points along a road or leg for zone membership.
ZONE_STEP_KM = 0.2
_MAX_SAMPLES = 64


def road_disruptions(disruptions: Sequence[Disruption]) -> list[tuple[int, RoadDisruption]]:
    """The road disruptions with their position in the scenario's list."""
    return [(idx, d) for idx, d in enumerate(disruptions) if isinstance(d, CloseRoads | SlowRoads)]


def _factor(disruption: RoadDisruption) -> float:
    return 0.0 if isinstance(disruption, CloseRoads) else disruption.factor


def in_zone(
    disruption: RoadDisruption, lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Whether each point lies in the disruption's circle or polygon."""
    if disruption.circle is not None:
        c: Circle = disruption.circle
        return np.asarray(haversine_km(lat, lon, c.lat, c.lon) <= c.radius_km)
    assert disruption.polygon is not None
    return _in_polygon(np.asarray(disruption.polygon, dtype=np.float64), lat, lon)


def _in_polygon(
    poly: NDArray[np.float64], lat: NDArray[np.float64], lon: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """Even-odd ray casting in the lat/lon plane (points on a vertex may go either way)."""
    inside = np.zeros(np.shape(lat), dtype=bool)
    y1, x1 = poly[:, 0], poly[:, 1]
    y2, x2 = np.roll(y1, -1), np.roll(x1, -1)
    for a_lat, a_lon, b_lat, b_lon in zip(y1, x1, y2, x2, strict=True):
        crosses = (a_lat > lat) != (b_lat > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = a_lon + (lat - a_lat) * (b_lon - a_lon) / (b_lat - a_lat)
        inside ^= crosses & (lon < x_at)
    return inside


def _segment_points(
    lat1: NDArray[np.float64],
    lon1: NDArray[np.float64],
    lat2: NDArray[np.float64],
    lon2: NDArray[np.float64],
    n_samples: int | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Test points along each straight segment: shape (n_segments, n_samples).

    ``n_samples`` defaults to enough for the longest segment given.
    """
    if n_samples is None:
        n_samples = _samples(haversine_km(lat1, lon1, lat2, lon2))
    t = np.linspace(0.0, 1.0, n_samples)
    lat = lat1[..., None] + (lat2 - lat1)[..., None] * t
    lon = lon1[..., None] + (lon2 - lon1)[..., None] * t
    return lat, lon


def _samples(km: NDArray[np.float64]) -> int:
    """Test points per segment, at least every ZONE_STEP_KM along the longest (2 to 64)."""
    return int(np.clip(np.ceil(np.max(km, initial=0.0) / ZONE_STEP_KM) + 1, 2, _MAX_SAMPLES))


def _crosses_box(
    lat: NDArray[np.float64], lon: NDArray[np.float64], box: tuple[float, float, float, float]
) -> NDArray[np.bool_]:
    """(n, n): whether the straight lat/lon segment between sites i and j meets the box.

    Liang-Barsky clipping of every segment at once.
    """
    t_lo = np.zeros((len(lat), len(lat)))
    t_hi = np.ones((len(lat), len(lat)))
    for start, (lo, hi) in ((lat, box[0:2]), (lon, box[2:4])):
        delta = start[None, :] - start[:, None]
        origin = np.broadcast_to(start[:, None], delta.shape)
        flat = delta == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            t1 = (lo - origin) / delta
            t2 = (hi - origin) / delta
        t_lo = np.where(flat, t_lo, np.maximum(t_lo, np.minimum(t1, t2)))
        t_hi = np.where(flat, t_hi, np.minimum(t_hi, np.maximum(t1, t2)))
        outside = flat & ((origin < lo) | (origin > hi))
        t_hi = np.where(outside, -1.0, t_hi)
    return np.asarray(t_lo <= t_hi)


def _zone_box(disruption: RoadDisruption) -> tuple[float, float, float, float] | None:
    """(lat_lo, lat_hi, lon_lo, lon_hi) holding every point of the zone; ``None``: no useful box.

    Test points lie on the straight lat/lon line between a leg's ends, so a
    leg whose ends' box misses the zone's box has no test point in the zone.
    A circle near a pole or across the antimeridian gets no box.
    """
    if disruption.polygon is not None:
        poly = np.asarray(disruption.polygon, dtype=np.float64)
        return (
            float(poly[:, 0].min()),
            float(poly[:, 0].max()),
            float(poly[:, 1].min()),
            float(poly[:, 1].max()),
        )
    assert disruption.circle is not None
    c = disruption.circle
    # 1 % wider than the circle: haversine on the same sphere, with rounding to spare.
    d_lat = np.degrees(c.radius_km / EARTH_RADIUS_KM) * 1.01
    top = abs(c.lat) + d_lat
    if top >= 89.0:
        return None
    d_lon = d_lat / np.cos(np.radians(top))
    if abs(c.lon) + d_lon >= 180.0:
        return None
    return (c.lat - d_lat, c.lat + d_lat, c.lon - d_lon, c.lon + d_lon)


def edge_speed_factors(graph: RoadGraph, disruptions: Sequence[Disruption]) -> NDArray[np.float64]:
    """Speed factor of every edge: 1 unaffected, 0 closed, else the lowest slow factor.

    Raises
    ------
    ScenarioError
        With a located message for every disruption that selects no road
        (an unknown way id, nodes that are not on one road).
    """
    factors = np.ones(len(graph.tail), dtype=np.float64)
    problems: list[Problem] = []
    for idx, disruption in road_disruptions(disruptions):
        where: Location = ("disruptions", idx)
        mask, problem = _select_edges(graph, disruption, where)
        if problem:
            problems.append(problem)
            continue
        factors[mask] = np.minimum(factors[mask], _factor(disruption))
    if problems:
        raise ScenarioError(problems)
    return factors


def _select_edges(
    graph: RoadGraph, disruption: RoadDisruption, where: Location
) -> tuple[NDArray[np.bool_], Problem | None]:
    none = np.zeros(len(graph.tail), dtype=bool)
    if disruption.osm_way is not None:
        if graph.way_id is None:
            return none, Problem((*where, "osm_way"), "only for roads of model 'osm'")
        mask = graph.way_id == disruption.osm_way
        if not mask.any():
            message = f"no drivable road with OSM way id {disruption.osm_way}"
            return none, Problem((*where, "osm_way"), message)
        return mask, None
    if disruption.between is not None:
        return _between(graph, disruption.between, where)
    lat, lon = _segment_points(
        graph.node_lat[graph.tail],
        graph.node_lon[graph.tail],
        graph.node_lat[graph.head],
        graph.node_lon[graph.head],
    )
    mask = np.asarray(in_zone(disruption, lat, lon).any(axis=1), dtype=bool)
    return mask, None


def _between(
    graph: RoadGraph, ends: Sequence[str | int], where: Location
) -> tuple[NDArray[np.bool_], Problem | None]:
    none = np.zeros(len(graph.tail), dtype=bool)
    index: dict[str, int] = {str(ref): idx for idx, ref in enumerate(graph.node_ref)}
    idx_pair: list[int] = []
    for pos, ref in enumerate(ends):
        if str(ref) not in index:
            return none, Problem(
                (*where, "between", pos), f"no road node {ref!r} in the road network"
            )
        idx_pair.append(index[str(ref)])
    a, b = idx_pair
    direct = ((graph.tail == a) & (graph.head == b)) | ((graph.tail == b) & (graph.head == a))
    if direct.any():
        return direct, None
    if graph.way_id is not None:
        ways_a = set(graph.way_id[(graph.tail == a) | (graph.head == a)].tolist())
        ways_b = set(graph.way_id[(graph.tail == b) | (graph.head == b)].tolist())
        for way in sorted(ways_a & ways_b):
            stretch = _stretch_of_way(graph, way, a, b)
            if stretch is not None:
                return stretch, None
    return none, Problem(
        (*where, "between"),
        f"nodes {ends[0]!r} and {ends[1]!r} are not joined by a road nor on one OSM way",
    )


def _stretch_of_way(graph: RoadGraph, way: int, a: int, b: int) -> NDArray[np.bool_] | None:
    """Edges of one way on the path from node a to node b along that way (either direction)."""
    assert graph.way_id is not None
    on_way = graph.way_id == way
    n = graph.n_nodes
    tail, head = graph.tail[on_way], graph.head[on_way]
    adjacency = coo_array(
        (np.ones(2 * len(tail)), (np.r_[tail, head], np.r_[head, tail])), shape=(n, n)
    ).tocsr()
    _, pred = breadth_first_order(adjacency, a, directed=True, return_predecessors=True)
    if pred[b] < 0:
        return None
    pairs: set[tuple[int, int]] = set()
    node = b
    while node != a:
        p = int(pred[node])
        pairs |= {(p, node), (node, p)}
        node = p
    keys = graph.tail.astype(np.int64) * n + graph.head
    wanted = np.array([t * n + h for t, h in pairs], dtype=np.int64)
    return np.asarray(on_way & np.isin(keys, wanted), dtype=bool)


def leg_time_factors(
    lat: NDArray[np.float64], lon: NDArray[np.float64], disruptions: Sequence[Disruption]
) -> NDArray[np.float64]:
    """Time multiplier of every straight leg between sites (great-circle roads).

    A leg through a closed zone is ``inf``; through a slowed zone, the share
    of the leg inside it takes ``1 / factor`` as long. Only zones apply to
    straight legs (way and node selectors need a road network).
    """
    n = len(lat)
    zones = [
        (i, d) for i, d in road_disruptions(disruptions) if d.selector in ("circle", "polygon")
    ]
    if not zones:
        return np.ones((n, n))
    n_samples = _samples(pairwise_haversine_km(lat, lon))
    # Test points lie on each leg's straight lat/lon line: only legs whose line
    # crosses a zone's box can have one in the zone.
    near = np.zeros((n, n), dtype=bool)
    for _, disruption in zones:
        box = _zone_box(disruption)
        if box is None:
            near[:] = True
            break
        near |= _crosses_box(lat, lon, box)
    rows, cols = np.nonzero(near)
    p_lat, p_lon = _segment_points(lat[rows], lon[rows], lat[cols], lon[cols], n_samples)
    factor = np.ones(p_lat.shape)
    for _, disruption in zones:
        inside = in_zone(disruption, p_lat, p_lon)
        factor[inside] = np.minimum(factor[inside], _factor(disruption))
    slowdown = np.ones((n, n))
    with np.errstate(divide="ignore"):
        slowdown[rows, cols] = (1.0 / factor).mean(axis=1)
    np.fill_diagonal(slowdown, 1.0)
    return slowdown
