"""Compiled many-to-many fastest paths on packed integer weights (numba, optional).

Two exact steps, both on the packed weights of :mod:`.matrix` held as int64:

1. :func:`contract` shrinks the graph around the sites. A non-site node whose
   only neighbour is one other node (a dead end) lies on no fastest path
   between two other nodes, so it is dropped, repeatedly. A non-site node
   with exactly two neighbours (a pass-through node: most nodes of an OSM
   extract lie inside a road's geometry) is replaced by one edge per driving
   direction whose weight is the sum of the two it replaces. Distances
   between the remaining nodes are unchanged, integer for integer.
2. :func:`many_to_many` runs one search per source on the contracted graph
   with a bucket queue whose bucket width ``2**shift`` is at most the
   smallest edge weight. No node can improve another node of its own bucket
   (that would take an edge lighter than the width), so each bucket is
   settled as a whole in any order: exact, with O(1) queue operations. A
   search stops at the horizon or once every target is settled. Searches
   run on threads (the compiled kernels release the GIL) sharing one graph.

Nothing here is imported unless numba is installed (``pip install
supplyopt[osm]``); :mod:`.matrix` falls back to scipy without it.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, cast

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_array

#: Sentinel for "not reached within the limit" in int64 results.
UNREACHED = np.iinfo(np.int64).max
#: Above this many empty-bucket steps per edge, the bucket queue is not worth it.
MAX_STEPS_PER_EDGE = 16
#: Bucket rings larger than this are not allocated (the caller falls back to a heap).
MAX_BUCKETS = 1 << 22
#: Rows per thread task.
ROWS_PER_TASK = 8


def _jit(func: Callable[..., Any]) -> Callable[..., Any]:
    return cast("Callable[..., Any]", numba.njit(cache=True, nogil=True, boundscheck=False)(func))


def _neighbour_count(
    u: int,
    indptr: NDArray[np.int64],
    indices: NDArray[np.int32],
    tindptr: NDArray[np.int64],
    tindices: NDArray[np.int32],
    alive: NDArray[np.bool_],
) -> int:
    """Distinct live neighbours of ``u`` (in or out, itself excluded), capped at 3."""
    first = -1
    second = -1
    for part in range(2):
        ptr = indptr if part == 0 else tindptr
        idx = indices if part == 0 else tindices
        for e in range(ptr[u], ptr[u + 1]):
            v = idx[e]
            if v == u or not alive[v] or v == first or v == second:  # noqa: SIM109 (numba)
                continue
            if first < 0:
                first = v
            elif second < 0:
                second = v
            else:
                return 3
    return int(first >= 0) + int(second >= 0)


_neighbour_count_jit = _jit(_neighbour_count)


def _prune_and_walk(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int32],
    weights: NDArray[np.int64],
    tindptr: NDArray[np.int64],
    tindices: NDArray[np.int32],
    site: NDArray[np.bool_],
    limit: int,
) -> tuple[NDArray[np.bool_], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64], int]:
    """Drop dead ends, then join pass-through chains; return kept nodes and their edges."""
    n = len(indptr) - 1
    alive = np.ones(n, np.bool_)
    count = np.empty(n, np.int64)
    stack = np.empty(n, np.int64)
    top = 0
    for u in range(n):
        count[u] = _neighbour_count_jit(u, indptr, indices, tindptr, tindices, alive)
        if count[u] <= 1 and not site[u]:
            stack[top] = u
            top += 1
    while top > 0:
        top -= 1
        u = stack[top]
        if not alive[u]:
            continue
        alive[u] = False
        for part in range(2):
            ptr = indptr if part == 0 else tindptr
            idx = indices if part == 0 else tindices
            for e in range(ptr[u], ptr[u + 1]):
                v = idx[e]
                if alive[v] and not site[v]:
                    count[v] = _neighbour_count_jit(v, indptr, indices, tindptr, tindices, alive)
                    if count[v] <= 1:
                        stack[top] = v
                        top += 1
    keep = np.zeros(n, np.bool_)
    for u in range(n):
        keep[u] = alive[u] and (site[u] or count[u] != 2)
    tail = np.empty(len(indices), np.int64)
    head = np.empty(len(indices), np.int64)
    total = np.empty(len(indices), np.int64)
    m = 0
    for a in range(n):
        if not keep[a]:
            continue
        for e in range(indptr[a], indptr[a + 1]):
            prev = np.int64(a)
            cur = np.int64(indices[e])
            w = weights[e]
            if cur == a or not alive[cur]:
                continue
            steps = 0
            while not keep[cur] and w <= limit and steps <= n:
                nxt = np.int64(-1)
                step_w = np.int64(0)
                for x in range(indptr[cur], indptr[cur + 1]):
                    v = indices[x]
                    if v != prev and v != cur and alive[v]:
                        nxt = np.int64(v)
                        step_w = weights[x]
                        break
                if nxt < 0:
                    break
                prev = cur
                cur = nxt
                w += step_w
                steps += 1
            if keep[cur] and cur != a and w <= limit:
                tail[m] = a
                head[m] = cur
                total[m] = w
                m += 1
    return keep, tail[:m], head[:m], total[:m], m


_prune_and_walk_jit = _jit(_prune_and_walk)


def _bucket_search(
    indptr: NDArray[np.int64],
    indices: NDArray[np.int32],
    weights: NDArray[np.int64],
    shift: int,
    n_buckets: int,
    sources: NDArray[np.int64],
    target_col: NDArray[np.int32],
    n_targets: int,
    limit: int,
    out: NDArray[np.int64],
) -> None:
    """Fill ``out[r, target_col[v]]`` with the distance from ``sources[r]`` to each target ``v``."""
    n = len(indptr) - 1
    unreached = np.int64(9223372036854775807)
    dist = np.full(n, unreached, np.int64)
    done = np.zeros(n, np.uint8)
    touched = np.empty(n, np.int64)
    head = np.full(n_buckets, -1, np.int64)
    entry_node = np.empty(len(indices) + 2, np.int32)
    entry_next = np.empty(len(indices) + 2, np.int64)
    mask = n_buckets - 1
    for r in range(len(sources)):
        s = sources[r]
        dist[s] = 0
        touched[0] = s
        n_touched = 1
        entry_node[0] = s
        entry_next[0] = -1
        head[0] = 0
        used = 1
        live = 1
        remaining = n_targets
        k = 0
        while live > 0 and remaining > 0:
            b = k & mask
            e = head[b]
            head[b] = -1
            while e >= 0:
                u = entry_node[e]
                e = entry_next[e]
                live -= 1
                if done[u]:
                    continue
                done[u] = 1
                du = dist[u]
                col = target_col[u]
                if col >= 0:
                    out[r, col] = du
                    remaining -= 1
                for x in range(indptr[u], indptr[u + 1]):
                    v = indices[x]
                    nd = du + weights[x]
                    if nd < dist[v] and nd <= limit:
                        if dist[v] == unreached:
                            touched[n_touched] = v
                            n_touched += 1
                        dist[v] = nd
                        bucket = (nd >> shift) & mask
                        entry_node[used] = v
                        entry_next[used] = head[bucket]
                        head[bucket] = used
                        used += 1
                        live += 1
            k += 1
        head[:] = -1
        for t in range(n_touched):
            dist[touched[t]] = unreached
            done[touched[t]] = 0


_bucket_search_jit = _jit(_bucket_search)


@dataclass(frozen=True)
class Contracted:
    """A graph contracted around some sites, in csr form with int64 weights.

    Attributes
    ----------
    original
        Original node idx of each contracted node.
    indptr, indices, weights
        The contracted csr graph.
    """

    original: NDArray[np.int64]
    indptr: NDArray[np.int64]
    indices: NDArray[np.int32]
    weights: NDArray[np.int64]

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.original)

    def position(self, nodes: NDArray[np.int64]) -> NDArray[np.int64]:
        """Contracted idx of some kept original nodes."""
        return np.searchsorted(self.original, nodes).astype(np.int64)


def _csr(
    n: int, tail: NDArray[np.int64], head: NDArray[np.int64], weight: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int32], NDArray[np.int64]]:
    """Csr arrays keeping the lightest of parallel edges."""
    key = tail * n + head
    if len(key) > 1 and np.any(key[1:] < key[:-1]):
        order = np.argsort(key)
        key, weight = key[order], weight[order]
    if len(key) > 1 and np.any(key[1:] == key[:-1]):
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        key, weight = key[starts], np.minimum.reduceat(weight, starts)
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
    return indptr, (key % n).astype(np.int32), weight


def _transpose(
    n: int, indptr: NDArray[np.int64], indices: NDArray[np.int32]
) -> tuple[NDArray[np.int64], NDArray[np.int32]]:
    """Csr arrays (without weights) of the reversed graph."""
    csc = csr_array((np.ones(len(indices), np.int8), indices, indptr), shape=(n, n)).tocsc()
    return csc.indptr.astype(np.int64), csc.indices.astype(np.int32)


def contract(
    n_nodes: int,
    tail: NDArray[np.int64],
    head: NDArray[np.int64],
    weight: NDArray[np.int64],
    sites: NDArray[np.int64],
    limit: int,
) -> Contracted:
    """Contract a directed graph around ``sites``, keeping their distances exact.

    Parameters
    ----------
    n_nodes
        Node count.
    tail, head, weight
        Directed edges; weights are positive integers.
    sites
        Nodes that must stay (sources and targets).
    limit
        Edges heavier than this are dropped (no path within the limit uses them).

    Returns
    -------
    Contracted
        The smaller graph, repeated until a round removes almost nothing.
    """
    original = np.arange(n_nodes, dtype=np.int64)
    site = np.zeros(n_nodes, dtype=bool)
    site[sites] = True
    light = weight <= limit
    indptr, indices, weights = _csr(n_nodes, tail[light], head[light], weight[light])
    while True:
        n = len(indptr) - 1
        t_indptr, t_indices = _transpose(n, indptr, indices)
        keep, k_tail, k_head, k_weight, _ = _prune_and_walk_jit(
            indptr, indices, weights, t_indptr, t_indices, site, limit
        )
        kept = np.flatnonzero(keep)
        new_index = np.full(n, -1, dtype=np.int64)
        new_index[kept] = np.arange(len(kept))
        original, site = original[kept], site[kept]
        shrunk = len(kept) < 0.99 * n
        indptr, indices, weights = _csr(len(kept), new_index[k_tail], new_index[k_head], k_weight)
        if not shrunk:
            return Contracted(original=original, indptr=indptr, indices=indices, weights=weights)


def bucket_shape(graph: Contracted, limit: int) -> tuple[int, int] | None:
    """(shift, ring size) for the bucket queue, or ``None`` when a heap would be cheaper."""
    if len(graph.weights) == 0:
        return 0, 2
    shift = int(graph.weights.min()).bit_length() - 1
    n_buckets = 1 << (int(graph.weights.max() >> shift) + 2).bit_length()
    steps = limit >> shift
    if n_buckets > MAX_BUCKETS or steps > MAX_STEPS_PER_EDGE * (len(graph.weights) + graph.n_nodes):
        return None
    return shift, n_buckets


def many_to_many(
    graph: Contracted,
    sources: NDArray[np.int64],
    targets: NDArray[np.int64],
    limit: int,
    shape: tuple[int, int],
    *,
    workers: int,
    progress: Callable[[int, int], None] | None = None,
) -> NDArray[np.int64]:
    """Distances (:data:`UNREACHED` beyond ``limit``) from contracted ``sources`` to ``targets``."""
    shift, n_buckets = shape
    target_col = np.full(graph.n_nodes, -1, dtype=np.int32)
    target_col[targets] = np.arange(len(targets), dtype=np.int32)
    n_targets = len(np.unique(targets))
    out = np.full((len(sources), len(targets)), UNREACHED, dtype=np.int64)
    # Duplicate targets (one node, several columns) are filled from the first.
    first_col = target_col[targets]

    def run(start: int) -> int:
        rows = sources[start : start + ROWS_PER_TASK]
        block = np.full((len(rows), len(targets)), UNREACHED, dtype=np.int64)
        _bucket_search_jit(
            graph.indptr,
            graph.indices,
            graph.weights,
            shift,
            n_buckets,
            rows,
            target_col,
            n_targets,
            limit,
            block,
        )
        out[start : start + len(rows)] = block[:, first_col]
        return len(rows)

    starts = range(0, len(sources), ROWS_PER_TASK)
    done = 0
    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for n_rows in pool.map(run, starts):
                done += n_rows
                if progress:
                    progress(done, len(sources))
    else:
        for start in starts:
            done += run(start)
            if progress:
                progress(done, len(sources))
    return out
