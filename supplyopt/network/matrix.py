"""Travel-time matrices between K site nodes of an N-node road graph.

One Dijkstra per site node with :func:`scipy.sparse.csgraph.dijkstra`,
bounded by a horizon (``limit=``), so that work stops at the deadline. The
weight of an edge packs its time and its length into one exact integer
(``round(hours / resolution) × M + metres``): the fastest path wins, ties go
to the shorter one, and the distance of the path used comes out of the same
run. Sums stay below 2**53, so float64 arithmetic on them is exact.

With numba installed (the ``osm`` extra), matrices without trees run on
:mod:`.fast_paths` instead: the graph is contracted around the site nodes
(dead ends dropped, pass-through chains joined) and searched with an exact
bucket queue that stops once every site is settled, on threads sharing the
graph. Both engines give the same integers, hence the same hours and km.

Results are cached in memory by a content hash of the graph, the edge
times, the site nodes and the horizon. Closing or slowing roads only ever
makes edges slower, so a variant's row for a source is unchanged when none
of the edges it changed lies on that source's fastest paths to the sites:
:func:`node_matrix_variant` recomputes only the rows that may differ.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from .road_graph import RoadGraph

try:
    from . import fast_paths
except ImportError:  # numba is optional (the ``osm`` extra)
    fast_paths = None  # type: ignore[assignment]

#: ``auto`` uses the compiled engine when numba is installed and the job is large.
Engine = Literal["auto", "scipy", "compiled"]
#: Nodes × sources from which ``auto`` picks the compiled engine (below it, scipy is
#: already fast and a cold numba cache would cost more than it saves).
COMPILED_WORK = 20_000_000

#: Upper bound on the float64 entries held at once per Dijkstra chunk.
CHUNK_ENTRIES = 16_000_000
#: Graphs × sources above this use a process pool (when not already in a worker).
PARALLEL_WORK = 50_000_000
_CACHE_SIZE = 32
_cache: OrderedDict[str, NodeMatrix] = OrderedDict()


@dataclass(frozen=True)
class NodeMatrix:
    """Fastest-path hours and that path's km between site nodes.

    Attributes
    ----------
    nodes
        Node idx of each row and column.
    hours
        (K, K) hours; ``inf`` where no path exists within the horizon.
    km
        (K, K) length of the path used.
    trees
        Per row, the keys (``tail × N + head``) of the edges on its fastest
        paths to the other site nodes; ``None`` when not recorded.
    """

    nodes: NDArray[np.int64]
    hours: NDArray[np.float64]
    km: NDArray[np.float64]
    trees: tuple[NDArray[np.int64], ...] | None = None


@dataclass(frozen=True)
class _Packing:
    m: float  # size of the metres slot (a power of two)
    resolution_h: float  # hours per time unit


@dataclass(frozen=True)
class PackedGraph:
    """A road graph as one sparse matrix of packed integer weights, ready for Dijkstra.

    Attributes
    ----------
    csr
        (N, N) weights ``round(hours / resolution_h) × m + metres``; parallel
        edges reduced to the cheapest, closed edges dropped.
    m
        Size of the metres slot (a power of two).
    resolution_h
        Hours per time unit.
    limit
        Weight of the search horizon: pass it as Dijkstra's ``limit=``.
    """

    csr: csr_array
    m: float
    resolution_h: float
    limit: float


_EXACT = 2.0**53


def _packing(graph: RoadGraph, horizon_h: float) -> _Packing:
    """Slot sizes so that every path weight up to the horizon is an exact float64 integer.

    They depend only on the graph's lengths and nominal speeds and on the
    horizon, so a variant with slower or closed edges packs exactly like its
    base and reusing base rows gives what a full run would.
    """
    total_m = float(np.rint(graph.length_km * 1000.0).sum())
    max_speed = float(np.max(graph.speed_kmh, initial=1.0))
    bound_m = min(total_m, horizon_h * max_speed * 1000.0)
    m = 2.0 ** math.ceil(math.log2(bound_m + graph.n_nodes + 2))
    return _Packing(m=m, resolution_h=max(horizon_h * m * 8.0 / _EXACT, 1e-12))


def pack_graph(
    graph: RoadGraph,
    hours: NDArray[np.float64],
    horizon_h: float,
) -> PackedGraph:
    """Pack each edge's time and length into one exact integer weight (see the module notes).

    Parameters
    ----------
    graph
        The road graph.
    hours
        Hours per edge (``inf`` for a closed edge).
    horizon_h
        The longest route time searched; it sets the time resolution.

    Returns
    -------
    PackedGraph
        The weight matrix, its slot size, time resolution and search limit.
    """
    packing = _packing(graph, horizon_h)
    m, resolution_h = packing.m, packing.resolution_h
    finite = np.isfinite(hours)
    metres = np.rint(graph.length_km[finite] * 1000.0)
    units = np.maximum(np.rint(hours[finite] / resolution_h), 1.0)
    weight = units * m + metres
    tail, head = graph.tail[finite], graph.head[finite]
    # Parallel edges: keep the cheapest (csr would add duplicates together).
    order = np.lexsort((weight, head, tail))
    tail, head, weight = tail[order], head[order], weight[order]
    keep = np.ones(len(tail), dtype=bool)
    keep[1:] = (tail[1:] != tail[:-1]) | (head[1:] != head[:-1])
    n = graph.n_nodes
    csr = csr_array((weight[keep], (tail[keep], head[keep])), shape=(n, n))
    limit = (math.floor(horizon_h / resolution_h) + 1) * m
    return PackedGraph(csr=csr, m=m, resolution_h=resolution_h, limit=limit)


def _unpack(
    packed: PackedGraph, weight: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    finite = np.isfinite(weight)
    safe = np.where(finite, weight, 0.0)
    units = np.floor(safe / packed.m)
    metres = safe - units * packed.m
    hours = np.where(finite, units * packed.resolution_h, np.inf)
    km = np.where(finite, metres / 1000.0, np.inf)
    return hours, km


def _tree_keys(
    pred: NDArray[np.int32], source: int, targets: NDArray[np.int64], n: int
) -> NDArray[np.int64]:
    """Keys of the edges on the fastest paths from ``source`` to ``targets``."""
    visited = np.zeros(n, dtype=bool)
    visited[source] = True
    frontier = targets[(pred[targets] >= 0)]
    keys: list[NDArray[np.int64]] = []
    while frontier.size:
        parents = pred[frontier].astype(np.int64)
        keys.append(parents * n + frontier)
        visited[frontier] = True
        nxt = np.unique(parents)
        frontier = nxt[~visited[nxt] & (pred[nxt] >= 0)]
    return np.unique(np.concatenate(keys)) if keys else np.empty(0, dtype=np.int64)


_worker_packed: PackedGraph | None = None


def _init_worker(packed: PackedGraph) -> None:
    global _worker_packed
    _worker_packed = packed


def _rows_worker(args: tuple[NDArray[np.int64], NDArray[np.int64]]) -> NDArray[np.float64]:
    assert _worker_packed is not None
    sources, targets = args
    dist = dijkstra(_worker_packed.csr, directed=True, indices=sources, limit=_worker_packed.limit)
    return np.asarray(dist[:, targets])


def _chunks(sources: NDArray[np.int64], n: int) -> Iterator[NDArray[np.int64]]:
    size = max(1, CHUNK_ENTRIES // max(n, 1))
    for start in range(0, len(sources), size):
        yield sources[start : start + size]


def _rows(
    packed: PackedGraph,
    sources: NDArray[np.int64],
    targets: NDArray[np.int64],
    *,
    trees: bool,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> tuple[NDArray[np.float64], list[NDArray[np.int64]] | None]:
    """Packed weights from each source to each target (and the trees, if asked)."""
    n = packed.csr.shape[0]
    out = np.empty((len(sources), len(targets)))
    chunks = list(_chunks(sources, n))
    done = 0
    if workers > 1 and not trees and len(chunks) > 1:
        # Smaller chunks so both workers stay busy to the end.
        chunks = [c for chunk in chunks for c in np.array_split(chunk, 2) if len(c)]
        ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(packed,)
        ) as pool:
            for chunk, rows in zip(
                chunks, pool.map(_rows_worker, [(c, targets) for c in chunks]), strict=True
            ):
                out[done : done + len(chunk)] = rows
                done += len(chunk)
                if progress:
                    progress(done, len(sources))
        return out, None
    tree_list: list[NDArray[np.int64]] | None = [] if trees else None
    for chunk in chunks:
        if trees:
            dist, pred = dijkstra(
                packed.csr,
                directed=True,
                indices=chunk,
                limit=packed.limit,
                return_predecessors=True,
            )
            assert tree_list is not None
            for row, source in enumerate(chunk):
                tree_list.append(_tree_keys(pred[row], int(source), targets, n))
        else:
            dist = dijkstra(packed.csr, directed=True, indices=chunk, limit=packed.limit)
        out[done : done + len(chunk)] = dist[:, targets]
        done += len(chunk)
        if progress:
            progress(done, len(sources))
    return out, tree_list


def compiled_available() -> bool:
    """Whether the compiled engine (numba) is installed."""
    return fast_paths is not None


def _use_compiled(engine: Engine, n_nodes: int, n_sources: int) -> bool:
    if engine == "scipy":
        return False
    if fast_paths is None:
        if engine == "compiled":
            raise RuntimeError("the compiled engine needs numba: pip install 'supplyopt[osm]'")
        return False
    return engine == "compiled" or n_nodes * n_sources >= COMPILED_WORK


def _compiled_rows(
    packed: PackedGraph,
    sources: NDArray[np.int64],
    targets: NDArray[np.int64],
    *,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> NDArray[np.float64]:
    """As :func:`_rows` (without trees), on the contracted graph with the bucket queue."""
    assert fast_paths is not None
    csr = packed.csr
    n = csr.shape[0]
    limit = int(packed.limit)
    tail = np.repeat(np.arange(n, dtype=np.int64), np.diff(csr.indptr))
    small = fast_paths.contract(
        n,
        tail,
        csr.indices.astype(np.int64),
        csr.data.astype(np.int64),
        np.union1d(sources, targets),
        limit,
    )
    src, tgt = small.position(sources), small.position(targets)
    shape = fast_paths.bucket_shape(small, limit)
    if shape is None:
        # Edge weights spread too widely for buckets: a heap on the contracted graph.
        heap_graph = PackedGraph(
            csr=csr_array(
                (small.weights.astype(np.float64), small.indices, small.indptr),
                shape=(small.n_nodes, small.n_nodes),
            ),
            m=packed.m,
            resolution_h=packed.resolution_h,
            limit=packed.limit,
        )
        weight, _ = _rows(heap_graph, src, tgt, trees=False, workers=workers, progress=progress)
        return weight
    dist = fast_paths.many_to_many(
        small, src, tgt, limit, shape, workers=workers, progress=progress
    )
    return np.where(dist == fast_paths.UNREACHED, np.inf, dist.astype(np.float64))


def _plain_rows(
    packed: PackedGraph, sources: NDArray[np.int64], targets: NDArray[np.int64], *, engine: Engine
) -> NDArray[np.float64]:
    """Packed weights from sources to targets with the engine chosen for the job size."""
    n = packed.csr.shape[0]
    workers = _default_workers(n, len(sources))
    if _use_compiled(engine, n, len(sources)):
        return _compiled_rows(packed, sources, targets, workers=workers, progress=None)
    weight, _ = _rows(packed, sources, targets, trees=False, workers=workers, progress=None)
    return weight


def _default_workers(n_nodes: int, n_sources: int) -> int:
    if n_nodes * n_sources < PARALLEL_WORK or multiprocessing.current_process().daemon:
        return 1
    return max(1, min(os.cpu_count() or 1, 2 * n_sources))


def content_key(
    graph: RoadGraph,
    hours: NDArray[np.float64],
    nodes: NDArray[np.int64],
    horizon_h: float,
    *,
    trees: bool,
) -> str:
    """Content hash of everything a node matrix depends on."""
    digest = hashlib.sha256()
    for array in (graph.tail, graph.head, graph.length_km, hours, nodes):
        digest.update(np.ascontiguousarray(array).tobytes())
        digest.update(b"|")
    digest.update(repr((graph.n_nodes, horizon_h, trees)).encode())
    return digest.hexdigest()


def _remember(key: str, matrix: NodeMatrix) -> NodeMatrix:
    _cache[key] = matrix
    _cache.move_to_end(key)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return matrix


def node_matrix(
    graph: RoadGraph,
    hours: NDArray[np.float64],
    nodes: NDArray[np.int64],
    *,
    horizon_h: float,
    trees: bool = False,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: Engine = "auto",
) -> NodeMatrix:
    """Fastest-path hours and km between every pair of ``nodes``.

    Parameters
    ----------
    graph
        The road graph (edge ends and lengths).
    hours
        Hours to drive each edge; ``inf`` for a closed edge.
    nodes
        Distinct node idx of the sites.
    horizon_h
        Paths slower than this are not explored (their entries are ``inf``).
        Edge times are rounded to ``horizon_h × M × 2**-50`` hours (M the
        metres slot; about 0.1 ms per edge for 12 h on a region's roads), so
        choose the smallest horizon that matters.
    trees
        Also record each row's fastest-path edges (for :func:`node_matrix_variant`).
    workers
        Processes to use; by default 1 for small jobs, the CPU count for
        large ones (never inside a daemon worker process).
    progress
        Called with (rows done, rows) as the work advances.
    engine
        ``scipy``, ``compiled`` (numba; not used for ``trees``) or ``auto``
        (compiled for large jobs when numba is installed). Same results.

    Returns
    -------
    NodeMatrix
        Cached by content: the same inputs return the same object.
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    key = content_key(graph, hours, nodes, horizon_h, trees=trees)
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    packed = pack_graph(graph, hours, horizon_h)
    n_workers = workers if workers is not None else _default_workers(graph.n_nodes, len(nodes))
    tree_list: list[NDArray[np.int64]] | None
    if not trees and _use_compiled(engine, graph.n_nodes, len(nodes)):
        weight = _compiled_rows(packed, nodes, nodes, workers=n_workers, progress=progress)
        tree_list = None
    else:
        weight, tree_list = _rows(
            packed, nodes, nodes, trees=trees, workers=n_workers, progress=progress
        )
    h, km = _unpack(packed, weight)
    return _remember(
        key,
        NodeMatrix(
            nodes=nodes, hours=h, km=km, trees=None if tree_list is None else tuple(tree_list)
        ),
    )


def node_matrix_variant(
    graph: RoadGraph,
    base_hours: NDArray[np.float64],
    hours: NDArray[np.float64],
    nodes: NDArray[np.int64],
    *,
    horizon_h: float,
) -> tuple[NodeMatrix, int]:
    """The node matrix after some edges became slower, reusing the unchanged rows.

    Parameters
    ----------
    graph
        The road graph.
    base_hours
        Edge hours before the disruption.
    hours
        Edge hours after it; every entry must be >= the base one.
    nodes
        Distinct node idx of the sites.
    horizon_h
        As for :func:`node_matrix`.

    Returns
    -------
    tuple[NodeMatrix, int]
        The variant's matrix (equal to ``node_matrix(graph, hours, …)``) and
        the number of rows that had to be recomputed.
    """
    if np.any(hours < base_hours):
        raise ValueError("a variant may only make edges slower")
    nodes = np.asarray(nodes, dtype=np.int64)
    key = content_key(graph, hours, nodes, horizon_h, trees=False)
    if key in _cache:
        return _cache[key], 0
    base = node_matrix(graph, base_hours, nodes, horizon_h=horizon_h, trees=True)
    assert base.trees is not None
    changed = np.flatnonzero(hours != base_hours)
    changed_keys = np.unique(
        graph.tail[changed].astype(np.int64) * graph.n_nodes + graph.head[changed]
    )
    stale = np.array(
        [
            row
            for row, tree in enumerate(base.trees)
            if np.isin(changed_keys, tree, assume_unique=True).any()
        ],
        dtype=np.int64,
    )
    h, km = base.hours.copy(), base.km.copy()
    if len(stale):
        packed = pack_graph(graph, hours, horizon_h)
        weight = _plain_rows(packed, nodes[stale], nodes, engine="auto")
        h[stale], km[stale] = _unpack(packed, weight)
    return _remember(key, NodeMatrix(nodes=nodes, hours=h, km=km)), len(stale)


def node_rows(
    graph: RoadGraph,
    hours: NDArray[np.float64],
    sources: NDArray[np.int64],
    targets: NDArray[np.int64],
    *,
    horizon_h: float,
    engine: Engine = "auto",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Hours and km from some source nodes to some target nodes (not cached)."""
    packed = pack_graph(graph, hours, horizon_h)
    weight = _plain_rows(
        packed, np.asarray(sources, np.int64), np.asarray(targets, np.int64), engine=engine
    )
    return _unpack(packed, weight)


def clear_cache() -> None:
    """Forget every cached matrix (for tests and benchmarks)."""
    _cache.clear()
