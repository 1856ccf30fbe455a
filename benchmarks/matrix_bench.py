"""Travel-time matrix benchmark: supplyopt (scipy, packed weights, horizon) vs networkx.

Usage::

    SUPPLYOPT_SHARED_DATA=/path/to/shared/data python benchmarks/matrix_bench.py [--quick]

Cases (fixed seeds):
- Andorra OSM extract (drivable, unsimplified), K = 200 random road nodes, horizon 12 h.
- Synthetic two-way grid of 708 × 708 = 501,264 nodes (edge 0.2–0.8 km, 30/50/80 km/h),
  K = 1,000 random nodes, horizon 12 h (covers the whole grid) and 3 h (deadline-bounded).
networkx (``single_source_dijkstra_path_length``) runs on a few sources of the same graph and
is extrapolated to K sources (marked "extrapolated"). Figures go to benchmarks/results/matrix.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import networkx as nx
import numpy as np

from supplyopt.network import matrix
from supplyopt.network.osm import OsmRoads, read_osm_network, truck_graph
from supplyopt.network.road_graph import RoadGraph

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "matrix.md"


def shared_data() -> Path:
    configured = os.environ.get("SUPPLYOPT_SHARED_DATA")
    return Path(configured) if configured else ROOT / ".." / "shared" / "data"


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


def time_supplyopt(
    graph: RoadGraph, nodes: np.ndarray, horizon_h: float, workers: int
) -> tuple[float, np.ndarray]:
    matrix.clear_cache()
    hours = graph.length_km / graph.speed_kmh
    start = time.perf_counter()
    result = matrix.node_matrix(graph, hours, nodes, horizon_h=horizon_h, workers=workers)
    return time.perf_counter() - start, result.hours


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
) -> str:
    rng = np.random.default_rng(seed)
    nodes = np.unique(rng.choice(graph.n_nodes, k, replace=False))
    so_s, so_hours = time_supplyopt(graph, nodes, horizon_h, workers)
    build_s, per_source_s, nx_rows = time_networkx(graph, nodes, nx_sources, horizon_h)
    agree = np.allclose(so_hours[:nx_sources], nx_rows, atol=1e-5)
    nx_total = build_s + per_source_s * len(nodes)
    measured = "measured" if nx_sources == len(nodes) else f"extrapolated from {nx_sources} sources"
    line = (
        f"| {name} | {graph.n_nodes:,} | {len(graph.tail):,} | {len(nodes):,} | {horizon_h:g} h | {workers} "
        f"| {so_s:.2f} s | {nx_total:.1f} s ({measured}) | {nx_total / so_s:.0f}× | {'yes' if agree else 'NO'} |"
    )
    print(line, flush=True)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the 500k-node cases")
    args = parser.parse_args()
    lines = [
        "# Travel-time matrix benchmark",
        "",
        f"`python benchmarks/matrix_bench.py` on {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, networkx {nx.__version__}. Times are wall-clock, "
        "one run each; networkx's includes building its graph.",
        "",
        "| case | nodes | directed edges | K sites | horizon | processes | supplyopt | networkx | speed-up | same hours |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    extract = shared_data() / "osm" / "andorra_2013.osm.bz2"
    if extract.is_file():
        andorra = truck_graph(read_osm_network(extract), OsmRoads(model="osm", file=str(extract)))
        lines.append(case("Andorra OSM (drivable)", andorra, 200, 12.0, 200, 1))
    else:
        print(f"skipping Andorra: {extract} not found (set SUPPLYOPT_SHARED_DATA)")
    if not args.quick:
        big = grid(708)
        lines.append(case("synthetic grid", big, 1000, 12.0, 3, 2))
        lines.append(case("synthetic grid, deadline-bounded", big, 1000, 3.0, 3, 2))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
