"""The compiled engine (contraction + bucket queue) gives exactly the scipy engine's matrices."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplyopt.network import matrix
from supplyopt.network.road_graph import RoadGraph

pytest.importorskip("numba", reason="the compiled engine needs numba (the osm extra)")
from supplyopt.network import fast_paths
from tests.budget import examples


def road_graph(side: int, shape_nodes: int, seed: int) -> RoadGraph:
    """A grid with shape nodes on its streets, dead ends, one-way streets and mixed speeds."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    keep = rng.random(len(a)) > 0.3
    n = side * side
    tails: list[int] = []
    heads: list[int] = []
    lengths: list[float] = []
    speeds: list[float] = []
    for u, v in zip(a[keep], b[keep], strict=True):
        k = int(rng.integers(0, shape_nodes + 1))
        chain = [int(u), *range(n, n + k), int(v)]
        n += k
        one_way = rng.random() < 0.15
        speed = float(rng.choice([30.0, 50.0, 80.0]))
        for x, y in itertools.pairwise(chain):
            length = float(rng.uniform(0.05, 1.0))
            for t, h in [(x, y)] if one_way else [(x, y), (y, x)]:
                tails.append(t)
                heads.append(h)
                lengths.append(length)
                speeds.append(speed)
    return RoadGraph(
        node_lat=np.zeros(n),
        node_lon=np.zeros(n),
        tail=np.array(tails, dtype=np.int64),
        head=np.array(heads, dtype=np.int64),
        length_km=np.array(lengths),
        speed_kmh=np.array(speeds),
    )


def both_engines(
    graph: RoadGraph, hours: np.ndarray, nodes: np.ndarray, horizon_h: float
) -> tuple[matrix.NodeMatrix, matrix.NodeMatrix]:
    matrix.clear_cache()
    compiled = matrix.node_matrix(graph, hours, nodes, horizon_h=horizon_h, engine="compiled")
    matrix.clear_cache()
    reference = matrix.node_matrix(graph, hours, nodes, horizon_h=horizon_h, engine="scipy")
    matrix.clear_cache()
    return compiled, reference


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_compiled_equals_scipy_on_road_like_graphs(seed: int) -> None:
    """Hours and km are identical, entry for entry, on graphs with chains and dead ends."""
    graph = road_graph(12, 4, seed)
    rng = np.random.default_rng(seed)
    hours = graph.length_km / graph.speed_kmh
    hours[rng.choice(len(hours), 10, replace=False)] = np.inf  # some closed roads
    nodes = np.unique(rng.choice(graph.n_nodes, 25, replace=False))
    compiled, reference = both_engines(graph, hours, nodes, horizon_h=2.0)
    assert np.array_equal(compiled.hours, reference.hours)
    assert np.array_equal(compiled.km, reference.km)
    assert np.isfinite(compiled.hours).sum() > len(nodes)


def test_compiled_matches_networkx() -> None:
    """The compiled engine's hours agree with networkx's Dijkstra."""
    graph = road_graph(8, 3, 7)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.unique(np.random.default_rng(7).choice(graph.n_nodes, 12, replace=False))
    digraph = nx.DiGraph()
    for t, h, w in zip(graph.tail, graph.head, hours, strict=True):
        digraph.add_edge(int(t), int(h), weight=float(w))
    matrix.clear_cache()
    result = matrix.node_matrix(graph, hours, nodes, horizon_h=100.0, engine="compiled")
    for row, source in enumerate(nodes):
        dist = nx.single_source_dijkstra_path_length(digraph, int(source))
        expected = [dist.get(int(t), np.inf) for t in nodes]
        assert np.allclose(result.hours[row], expected, atol=1e-6)


def test_horizon_cuts_off_the_same_pairs() -> None:
    """With a short horizon both engines leave the same pairs unreached."""
    graph = road_graph(15, 2, 4)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.unique(np.random.default_rng(4).choice(graph.n_nodes, 30, replace=False))
    compiled, reference = both_engines(graph, hours, nodes, horizon_h=0.1)
    assert np.array_equal(compiled.hours, reference.hours)
    assert np.isinf(compiled.hours).any()
    assert np.isfinite(compiled.hours[~np.eye(len(nodes), dtype=bool)]).any()


def test_contraction_removes_pass_through_nodes_and_dead_ends() -> None:
    """A path a–x–y–b with a dead end at y keeps only a and b, joined both ways."""
    # nodes: a=0, x=1, y=2, b=3, dead end d=4 hanging off y
    tail = np.array([0, 1, 1, 2, 2, 3, 2, 4])
    head = np.array([1, 0, 2, 1, 3, 2, 4, 2])
    weight = np.array([5, 5, 7, 7, 11, 11, 1, 1], dtype=np.int64)
    small = fast_paths.contract(5, tail, head, weight, np.array([0, 3]), limit=1000)
    assert small.original.tolist() == [0, 3]
    assert small.indices.tolist() == [1, 0]
    assert small.weights.tolist() == [23, 23]


def test_bucket_queue_fallback_gives_the_same_matrix(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the bucket ring would be too large, a heap on the contracted graph gives the same."""
    graph = road_graph(10, 3, 5)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.unique(np.random.default_rng(5).choice(graph.n_nodes, 20, replace=False))
    monkeypatch.setattr(fast_paths, "MAX_BUCKETS", 1)
    compiled, reference = both_engines(graph, hours, nodes, horizon_h=3.0)
    assert np.array_equal(compiled.hours, reference.hours)
    assert np.array_equal(compiled.km, reference.km)


def test_threads_give_the_same_rows() -> None:
    """Splitting the sources over threads changes nothing."""
    graph = road_graph(14, 2, 6)
    hours = graph.length_km / graph.speed_kmh
    nodes = np.unique(np.random.default_rng(6).choice(graph.n_nodes, 40, replace=False))
    matrix.clear_cache()
    one = matrix.node_matrix(graph, hours, nodes, horizon_h=5.0, engine="compiled", workers=1)
    matrix.clear_cache()
    two = matrix.node_matrix(graph, hours, nodes, horizon_h=5.0, engine="compiled", workers=2)
    matrix.clear_cache()
    assert np.array_equal(one.hours, two.hours)
    assert np.array_equal(one.km, two.km)


def test_compiled_engine_without_numba_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for the compiled engine without numba fails clearly; auto falls back to scipy."""
    graph = road_graph(4, 1, 0)
    hours = graph.length_km / graph.speed_kmh
    monkeypatch.setattr(matrix, "fast_paths", None)
    matrix.clear_cache()
    with pytest.raises(RuntimeError, match="numba"):
        matrix.node_matrix(graph, hours, np.array([0, 5]), horizon_h=5.0, engine="compiled")
    result = matrix.node_matrix(graph, hours, np.array([0, 5]), horizon_h=5.0, engine="auto")
    assert result.hours.shape == (2, 2)
    matrix.clear_cache()


@st.composite
def random_graphs(draw: st.DrawFn) -> tuple[RoadGraph, np.ndarray, np.ndarray, float]:
    n = draw(st.integers(2, 25))
    edges = draw(
        st.lists(
            st.tuples(
                st.integers(0, n - 1),
                st.integers(0, n - 1),
                st.floats(0.0, 5.0),
                st.sampled_from([20.0, 50.0, 90.0]),
                st.booleans(),
            ),
            min_size=1,
            max_size=60,
        )
    )
    tails, heads, lengths, speeds = [], [], [], []
    for u, v, km, kmh, two_way in edges:
        for t, h in [(u, v), (v, u)] if two_way else [(u, v)]:
            tails.append(t)
            heads.append(h)
            lengths.append(km)
            speeds.append(kmh)
    graph = RoadGraph(
        node_lat=np.zeros(n),
        node_lon=np.zeros(n),
        tail=np.array(tails, dtype=np.int64),
        head=np.array(heads, dtype=np.int64),
        length_km=np.array(lengths),
        speed_kmh=np.array(speeds),
    )
    sources = np.array(sorted(draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))))
    targets = np.array(draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n)))
    horizon_h = draw(st.sampled_from([0.05, 0.2, 1.0, 10.0]))
    return graph, sources, targets, horizon_h


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_graphs())
def test_compiled_rows_equal_scipy_rows_on_random_graphs(
    case: tuple[RoadGraph, np.ndarray, np.ndarray, float],
) -> None:
    """Any directed multigraph, any sources and (repeated) targets: the same hours and km."""
    graph, sources, targets, horizon_h = case
    hours = graph.length_km / graph.speed_kmh
    fast_h, fast_km = matrix.node_rows(
        graph, hours, sources, targets, horizon_h=horizon_h, engine="compiled"
    )
    ref_h, ref_km = matrix.node_rows(
        graph, hours, sources, targets, horizon_h=horizon_h, engine="scipy"
    )
    assert np.array_equal(fast_h, ref_h)
    assert np.array_equal(fast_km, ref_km)
