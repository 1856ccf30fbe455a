"""Travel-time matrix benchmark: supplyopt's two engines vs networkx.

Usage::

    SUPPLYOPT_SHARED_DATA=/path/to/shared/data python -m benchmarks.matrix_bench [--quick]

Engines (same packed weights, same results, checked entry for entry):
- ``scipy``: one deadline-bounded scipy Dijkstra per site over the whole graph, 2 processes.
- ``compiled`` (numba): graph contracted around the sites (dead ends dropped, pass-through
  chains joined), then an exact bucket-queue search per site that stops once every site is
  settled, on 2 threads sharing the graph. Its time includes the contraction; the one-off
  JIT compilation (cached on disk by numba) is reported on its own line.

Cases (fixed seeds):
- Andorra OSM extract (drivable, unsimplified), K = 200 random road nodes, horizon 12 h.
- Synthetic lattice: two-way 708 × 708 = 501,264 nodes (edge 0.2–0.8 km, 30/50/80 km/h), no
  pass-through node at all; K = 1,000 random nodes, horizon 12 h (the whole grid) and 3 h.
- Synthetic road-like graph of about 500,000 nodes: a 325 × 325 street grid with a quarter of
  the blocks' sides removed, each remaining street split by 0–5 shape nodes (as OSM ways are),
  10 % one-way, arterials at 80 km/h every 10th street, others 30/50 km/h; K = 1,000, 12 h.
networkx (``single_source_dijkstra_path_length``) runs on a few sources of the same graph and
is extrapolated to K sources (marked "extrapolated"). Figures go to benchmarks/results/matrix.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import time
from pathlib import Path

import networkx as nx
import numpy as np

from supplyopt.network import matrix
from supplyopt.network.osm import OsmRoads, read_osm_network, truck_graph
from supplyopt.network.road_graph import RoadGraph

from .shared_data import shared_data

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "matrix.md"


def grid(side: int, seed: int = 0) -> RoadGraph:
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    tail = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    head = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    length = rng.uniform(0.2, 0.8, len(tail))
    speed = rng.choice([30.0, 50.0, 80.0], len(tail))
    return RoadGraph(
        node_lat=np.repeat(np.linspace(40, 43, side), side),
        node_lon=np.tile(np.linspace(80, 84, side), side),
        tail=np.r_[tail, head],
        head=np.r_[head, tail],
        length_km=np.r_[length, length],
        speed_kmh=np.r_[speed, speed],
    )


def road_like(side: int = 325, seed: int = 0) -> RoadGraph:
    """A street grid with missing blocks, shape nodes, one-way streets and arterials."""
    rng = np.random.default_rng(seed)
    idx = np.arange(side * side).reshape(side, side)
    a = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    b = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    row = np.concatenate(
        [np.repeat(np.arange(side), side - 1), np.repeat(np.arange(side - 1), side)]
    )
    col = np.concatenate([np.tile(np.arange(side - 1), side), np.tile(np.arange(side), side - 1)])
    horizontal = np.arange(len(a)) < side * (side - 1)
    arterial = np.where(horizontal, row % 10 == 0, col % 10 == 0)
    keep = arterial | (rng.random(len(a)) >= 0.25)
    a, b, arterial = a[keep], b[keep], arterial[keep]
    speed = np.where(arterial, 80.0, rng.choice([30.0, 50.0], len(a)))
    length = rng.uniform(0.1, 0.6, len(a))
    one_way = ~arterial & (rng.random(len(a)) < 0.1)
    shape_nodes = rng.integers(0, 6, len(a))
    lat = list(np.repeat(np.linspace(40, 43, side), side))
    lon = list(np.tile(np.linspace(80, 84, side), side))
    tails: list[int] = []
    heads: list[int] = []
    lengths: list[float] = []
    speeds: list[float] = []
    n = side * side
    for u, v, k, km, kmh, oneway in zip(a, b, shape_nodes, length, speed, one_way, strict=True):
        chain = [int(u), *range(n, n + int(k)), int(v)]
        for j in range(int(k)):
            f = (j + 1) / (k + 1)
            lat.append(lat[u] * (1 - f) + lat[v] * f)
            lon.append(lon[u] * (1 - f) + lon[v] * f)
        n += int(k)
        piece = float(km) / (k + 1)
        for x, y in itertools.pairwise(chain):
            pairs = [(x, y)] if oneway else [(x, y), (y, x)]
            for t, h in pairs:
                tails.append(t)
                heads.append(h)
                lengths.append(piece)
                speeds.append(float(kmh))
    return RoadGraph(
        node_lat=np.array(lat),
        node_lon=np.array(lon),
        tail=np.array(tails, dtype=np.int64),
        head=np.array(heads, dtype=np.int64),
        length_km=np.array(lengths),
        speed_kmh=np.array(speeds),
    )


def time_supplyopt(
    graph: RoadGraph, nodes: np.ndarray, horizon_h: float, workers: int, engine: str
) -> tuple[float, float, matrix.NodeMatrix]:
    matrix.clear_cache()
    hours = graph.length_km / graph.speed_kmh
    start, cpu = time.perf_counter(), time.process_time()
    result = matrix.node_matrix(
        graph,
        hours,
        nodes,
        horizon_h=horizon_h,
        workers=workers,
        engine=engine,  # type: ignore[arg-type]
    )
    return time.perf_counter() - start, time.process_time() - cpu, result


def time_networkx(
    graph: RoadGraph, nodes: np.ndarray, n_sources: int, horizon_h: float
) -> tuple[float, float, np.ndarray]:
    hours = graph.length_km / graph.speed_kmh
    start = time.perf_counter()
    digraph = nx.DiGraph()
    digraph.add_weighted_edges_from(
        zip(graph.tail.tolist(), graph.head.tolist(), hours.tolist(), strict=True)
    )
    build_s = time.perf_counter() - start
    rows = np.full((n_sources, len(nodes)), np.inf)
    start = time.perf_counter()
    for row, source in enumerate(nodes[:n_sources]):
        dist = nx.single_source_dijkstra_path_length(digraph, int(source), cutoff=horizon_h)
        rows[row] = [dist.get(int(t), np.inf) for t in nodes]
    return build_s, (time.perf_counter() - start) / n_sources, rows


def case(
    name: str,
    graph: RoadGraph,
    k: int,
    horizon_h: float,
    nx_sources: int,
    workers: int,
    seed: int = 1,
) -> list[str]:
    rng = np.random.default_rng(seed)
    nodes = np.unique(rng.choice(graph.n_nodes, k, replace=False))
    build_s, per_source_s, nx_rows = time_networkx(graph, nodes, nx_sources, horizon_h)
    nx_total = build_s + per_source_s * len(nodes)
    measured = "measured" if nx_sources == len(nodes) else f"extrapolated from {nx_sources} sources"
    results = {}
    lines = []
    for engine in ("scipy", "compiled"):
        wall_s, cpu_s, result = time_supplyopt(graph, nodes, horizon_h, workers, engine)
        results[engine] = result
        agree = np.allclose(result.hours[:nx_sources], nx_rows, atol=1e-5)
        same = engine == "scipy" or (
            np.array_equal(result.hours, results["scipy"].hours)
            and np.array_equal(result.km, results["scipy"].km)
        )
        line = (
            f"| {name} | {graph.n_nodes:,} | {len(graph.tail):,} | {len(nodes):,} | {horizon_h:g} h "
            f"| {engine} | {workers} | {wall_s:.2f} s | {cpu_s:.2f} s "
            f"| {nx_total:.1f} s ({measured}) | {nx_total / wall_s:.0f}× "
            f"| {'yes' if agree else 'NO'} | {'yes' if same else 'NO'} |"
        )
        print(line, flush=True)
        lines.append(line)
    return lines


def compile_line() -> str:
    """Time the compiled engine's first call on a tiny graph (JIT, or loading numba's cache)."""
    tiny = grid(4)
    matrix.clear_cache()
    start = time.perf_counter()
    matrix.node_matrix(
        tiny, tiny.length_km / tiny.speed_kmh, np.array([0, 5]), horizon_h=1.0, engine="compiled"
    )
    seconds = time.perf_counter() - start
    line = (
        f"Compiled engine's first call in this process (JIT or numba cache load): {seconds:.1f} s."
    )
    print(line, flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 500k-node cases")
    args = parser.parse_args()
    compiled = compile_line()
    lines = [
        "# Travel-time matrix benchmark",
        "",
        f"`SUPPLYOPT_SHARED_DATA=../shared/data python -m benchmarks.matrix_bench` (from the repo root) on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, networkx {nx.__version__}. Times are wall-clock "
        "(and this process's CPU time: the scipy engine's worker processes are not in it), "
        'one run each; networkx\'s includes building its graph. "same hours" compares with '
        'networkx on the sources it ran; "= scipy" compares hours and km entry for entry.',
        "",
        compiled,
        f"Load average when the cases started: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs "
        "(other work on the machine slows wall-clock times; CPU times are less affected).",
        "",
        "| case | nodes | directed edges | K sites | horizon | engine | workers | wall | CPU (this process) "
        "| networkx | speed-up vs networkx | same hours | = scipy |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    extract = shared_data() / "osm" / "andorra_2013.osm.bz2"
    if extract.is_file():
        andorra = truck_graph(read_osm_network(extract), OsmRoads(model="osm", file=str(extract)))
        lines += case("Andorra OSM (drivable)", andorra, 200, 12.0, 200, 1)
    else:
        print(f"skipping Andorra: {extract} not found (set SUPPLYOPT_SHARED_DATA)")
    if not args.quick:
        big = grid(708)
        lines += case("synthetic lattice", big, 1000, 12.0, 3, 2)
        lines += case("synthetic lattice, deadline-bounded", big, 1000, 3.0, 3, 2)
        del big
        roads = road_like()
        lines += case("synthetic road-like", roads, 1000, 12.0, 3, 2)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
