"""Packed, deadline-bounded Dijkstra matrices: exact against networkx, cached, reused."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from supplyopt.network import matrix
from supplyopt.network.road_graph import RoadGraph


def grid_graph(side: int, seed: int = 0) -> RoadGraph:
    """A two-way grid with random lengths and speeds."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    tail = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    head = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    length = rng.uniform(0.2, 2.0, len(tail))
    speed = rng.choice([30.0, 50.0, 80.0], len(tail))
    return RoadGraph(
        node_lat=np.repeat(np.linspace(40, 41, side), side),
        node_lon=np.tile(np.linspace(80, 81, side), side),
        tail=np.r_[tail, head],
        head=np.r_[head, tail],
        length_km=np.r_[length, length],
        speed_kmh=np.r_[speed, speed],
    )


def reference(graph: RoadGraph, hours: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    digraph = nx.DiGraph()
    for t, h, w in zip(graph.tail, graph.head, hours, strict=True):
        if np.isfinite(w):
            digraph.add_edge(int(t), int(h), weight=float(w))
    out = np.full((len(nodes), len(nodes)), np.inf)
    for row, source in enumerate(nodes):
        dist = nx.single_source_dijkstra_path_length(digraph, int(source))
        for col, target in enumerate(nodes):
            out[row, col] = dist.get(int(target), np.inf)
    return out


def test_hours_match_networkx_within_rounding() -> None:
    """Fastest-path hours agree with networkx to well under a second."""
    graph = grid_graph(30)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.array([0, 17, 333, 450, 899])
    result = matrix.node_matrix(graph, hours, nodes, horizon_h=100.0)
    assert np.allclose(result.hours, reference(graph, hours, nodes), atol=1e-6)


def test_km_is_the_length_of_the_fastest_path() -> None:
    """The km reported are those of the fastest path, not the shortest one."""
    graph = RoadGraph(
        node_lat=np.zeros(3),
        node_lon=np.zeros(3),
        tail=np.array([0, 0, 2]),
        head=np.array([1, 2, 1]),
        length_km=np.array([10.0, 8.0, 8.0]),
        speed_kmh=np.array([20.0, 80.0, 80.0]),
    )
    result = matrix.node_matrix(
        graph, graph.length_km / graph.speed_kmh, np.array([0, 1]), horizon_h=5.0
    )
    assert result.hours[0, 1] == pytest.approx(0.2)
    assert result.km[0, 1] == pytest.approx(16.0)


def test_horizon_cuts_off_slower_pairs() -> None:
    """Pairs farther than the horizon are inf; nearer ones are exact."""
    graph = grid_graph(20)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.array([0, 1, 399])
    full = reference(graph, hours, nodes)
    horizon = float(full[0, 2]) / 2
    result = matrix.node_matrix(graph, hours, nodes, horizon_h=horizon)
    assert np.isinf(result.hours[0, 2])
    assert result.hours[0, 1] == pytest.approx(full[0, 1], abs=1e-6)


def test_same_input_returns_the_cached_matrix() -> None:
    """A second call with the same content is served from the cache."""
    graph = grid_graph(10)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.array([0, 55, 99])
    first = matrix.node_matrix(graph, hours, nodes, horizon_h=50.0)
    assert matrix.node_matrix(graph, hours.copy(), nodes.copy(), horizon_h=50.0) is first


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_variant_reuse_equals_full_recomputation(seed: int) -> None:
    """Reusing unaffected rows after slowing/closing edges gives exactly the full result."""
    matrix.clear_cache()
    graph = grid_graph(25, seed)
    rng = np.random.default_rng(seed)
    base = graph.length_km / graph.speed_kmh
    nodes = np.unique(rng.choice(graph.n_nodes, 12, replace=False))
    variant = base.copy()
    changed = rng.choice(len(base), 40, replace=False)
    variant[changed[:20]] = np.inf
    variant[changed[20:]] *= 3.0
    reused, recomputed = matrix.node_matrix_variant(graph, base, variant, nodes, horizon_h=80.0)
    matrix.clear_cache()
    full = matrix.node_matrix(graph, variant, nodes, horizon_h=80.0)
    assert np.array_equal(reused.hours, full.hours)
    assert np.array_equal(reused.km, full.km)
    assert recomputed < len(nodes)


def test_variant_must_only_slow_edges() -> None:
    """A variant that speeds an edge up is refused (reuse would be unsound)."""
    graph = grid_graph(5)
    base = graph.length_km / graph.speed_kmh
    with pytest.raises(ValueError, match="slower"):
        matrix.node_matrix_variant(graph, base, base / 2, np.array([0, 1]), horizon_h=10.0)
