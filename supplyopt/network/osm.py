"""The ``osm`` road model: an OpenStreetMap extract read with osmnx, driven by trucks.

The extract (``.osm``, ``.osm.bz2``, or ``.graphml`` saved by osmnx) is read
offline with :func:`osmnx.graph_from_xml`, unsimplified, so every OSM node
and way keeps its id for disruptions. Only drivable roads are kept: ways
whose ``highway`` class has a truck speed below, without ``access``,
``motor_vehicle`` or ``motorcar`` set to ``no``/``private``, and not
parking aisles, driveways or alleys. One-way streets are respected.

A road's truck speed is its class default (:data:`TRUCK_SPEEDS_KMH`,
overridable per scenario with ``truck_speeds_kmh``), never above its signed
``maxspeed`` nor the scenario's ``max_truck_kmh`` (default 80 km/h, the
usual limit for heavy goods vehicles), and capped by the vehicle type's own
``speed_kmh`` when that is set.

A ``place`` is fetched from OpenStreetMap only when the scenario says
``download: true``; the network is then saved in the cache folder and read
from there afterwards, offline. Parsed extracts are cached too (by content
hash), so the second plan on an extract skips the XML parsing.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..model import OsmRoads, Problem, Scenario, ScenarioError
from ..model.data_files import require_road_file
from .road_graph import RoadGraph
from .road_graph_travel import network_travel_times
from .travel_times import TravelTimes

#: Truck speed by OSM ``highway`` class, km/h, before ``maxspeed`` and ``max_truck_kmh``.
TRUCK_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80.0,
    "motorway_link": 50.0,
    "trunk": 70.0,
    "trunk_link": 40.0,
    "primary": 60.0,
    "primary_link": 40.0,
    "secondary": 50.0,
    "secondary_link": 35.0,
    "tertiary": 40.0,
    "tertiary_link": 30.0,
    "unclassified": 30.0,
    "residential": 25.0,
    "living_street": 10.0,
    "road": 25.0,
    "service": 15.0,
}
#: Classes counted as major roads (criticality rankings close these in turn).
MAJOR_CLASSES = ("motorway", "trunk", "primary", "secondary")
_BLOCKING_ACCESS = {"no", "private"}
_BLOCKING_SERVICE = {"parking_aisle", "driveway", "alley", "parking", "emergency_access", "private"}
_EXTRA_TAGS = ["motor_vehicle", "motorcar"]
_CACHE_VERSION = "osm-v1"
CACHE_ENV = "SUPPLYOPT_CACHE_DIR"


@dataclass(frozen=True)
class OsmNetwork:
    """A drivable OSM network as arrays, before speeds are chosen."""

    node_id: NDArray[np.int64]
    node_lat: NDArray[np.float64]
    node_lon: NDArray[np.float64]
    tail: NDArray[np.int64]
    head: NDArray[np.int64]
    length_km: NDArray[np.float64]
    way_id: NDArray[np.int64]
    highway: NDArray[np.str_]
    maxspeed_kmh: NDArray[np.float64]  # nan where not signed
    ref: NDArray[np.str_]
    name: NDArray[np.str_]


def cache_dir() -> Path:
    """Folder for cached OSM networks: ``$SUPPLYOPT_CACHE_DIR``, else the user cache folder."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "supplyopt"


def parse_maxspeed(value: Any) -> float:
    """Speed limit in km/h from an OSM ``maxspeed`` value (``nan`` if none is readable)."""
    values = value if isinstance(value, list) else [value]
    speeds: list[float] = []
    for one in values:
        for part in str(one).split(";"):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(mph|km/h|kmh)?\s*", part)
            if match:
                speed = float(match.group(1))
                speeds.append(speed * 1.609344 if match.group(2) == "mph" else speed)
    return min(speeds) if speeds else float("nan")


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def _drivable(data: dict[str, Any]) -> bool:
    highway = _first(data.get("highway"))
    if highway not in TRUCK_SPEEDS_KMH:
        return False
    for tag in ("access", "motor_vehicle", "motorcar"):
        if _first(data.get(tag)) in _BLOCKING_ACCESS:
            return False
    return _first(data.get("service")) not in _BLOCKING_SERVICE and data.get("area") != "yes"


def network_from_graph(graph: Any) -> OsmNetwork:
    """Drivable arrays from an osmnx ``MultiDiGraph`` (unsimplified or simplified)."""
    rows = [(u, v, d) for u, v, d in graph.edges(data=True) if _drivable(d)]
    used = sorted({u for u, _, _ in rows} | {v for _, v, _ in rows})
    index = {node: idx for idx, node in enumerate(used)}
    nodes = graph.nodes
    return OsmNetwork(
        node_id=np.array(used, dtype=np.int64),
        node_lat=np.array([float(nodes[n]["y"]) for n in used], dtype=np.float64),
        node_lon=np.array([float(nodes[n]["x"]) for n in used], dtype=np.float64),
        tail=np.array([index[u] for u, _, _ in rows], dtype=np.int64),
        head=np.array([index[v] for _, v, _ in rows], dtype=np.int64),
        length_km=np.array([float(d["length"]) / 1000.0 for _, _, d in rows], dtype=np.float64),
        way_id=np.array([int(_first(d["osmid"])) for _, _, d in rows], dtype=np.int64),
        highway=np.array([str(_first(d["highway"])) for _, _, d in rows], dtype=np.str_),
        maxspeed_kmh=np.array([parse_maxspeed(d.get("maxspeed")) for _, _, d in rows]),
        ref=np.array([str(_first(d.get("ref")) or "") for _, _, d in rows], dtype=np.str_),
        name=np.array([str(_first(d.get("name")) or "") for _, _, d in rows], dtype=np.str_),
    )


def _osmnx() -> Any:
    try:
        import osmnx
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        raise ScenarioError(
            [Problem(("roads", "model"), "'osm' needs osmnx: pip install 'supplyopt[osm]'")]
        ) from err
    return osmnx


def _read_with_osmnx(path: Path) -> Any:
    ox = _osmnx()
    if path.suffix == ".graphml":
        return ox.load_graphml(path)
    tags = list(ox.settings.useful_tags_way)
    ox.settings.useful_tags_way = tags + [t for t in _EXTRA_TAGS if t not in tags]
    try:
        return ox.graph_from_xml(path, simplify=False, retain_all=True)
    finally:
        ox.settings.useful_tags_way = tags


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:24]


_memory: dict[str, OsmNetwork] = {}


def read_osm_network(path: Path, *, use_cache: bool = True) -> OsmNetwork:
    """The drivable network of an OSM extract, from the cache when it was read before.

    Raises
    ------
    ScenarioError
        When the file cannot be read as OpenStreetMap data.
    """
    return _keyed_network(path, use_cache=use_cache)[1]


def _keyed_network(path: Path, *, use_cache: bool = True) -> tuple[str, OsmNetwork]:
    """The extract's content digest and its network (see :func:`read_osm_network`)."""
    key = _file_digest(path)
    if key in _memory:
        return key, _memory[key]
    cached = cache_dir() / f"{key}.npz"
    network: OsmNetwork | None = None
    if use_cache and cached.is_file():
        try:
            with np.load(cached, allow_pickle=False) as data:
                network = OsmNetwork(
                    **{name: data[name] for name in OsmNetwork.__dataclass_fields__}
                )
        except (OSError, KeyError, ValueError):
            network = None
    if network is None:
        try:
            graph = _read_with_osmnx(path)
        except ScenarioError:
            raise
        except Exception as err:
            raise ScenarioError(
                [
                    Problem(
                        ("roads", "file"),
                        f"cannot read {str(path)!r} as OpenStreetMap data ({err})",
                    )
                ]
            ) from err
        network = network_from_graph(graph)
        if use_cache:
            _save(network, cached)
    _memory[key] = network
    return key, network


def _save(network: OsmNetwork, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp.npz")
        np.savez(tmp, **{name: getattr(network, name) for name in OsmNetwork.__dataclass_fields__})
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only cache only costs time


def place_graphml(place: str) -> Path:
    """Where a fetched place's network is cached."""
    slug = re.sub(r"[^\w.-]+", "_", place.strip().lower()).strip("_") or "place"
    return cache_dir() / "places" / f"{slug}.graphml"


def fetch_place(place: str) -> Path:
    """Download a place's drivable network from OpenStreetMap into the cache (needs network)."""
    ox = _osmnx()
    target = place_graphml(place)
    target.parent.mkdir(parents=True, exist_ok=True)
    graph = ox.graph_from_place(place, network_type="drive", simplify=False, retain_all=True)
    ox.save_graphml(graph, target)
    return target


def osm_source(roads: OsmRoads) -> Path:
    """The file to read for an ``osm`` road model, fetching a place only when allowed.

    Raises
    ------
    ScenarioError
        When the file is missing, or the place is not cached and ``download``
        is false.
    """
    if roads.file is not None:
        return require_road_file(roads.file, None)
    assert roads.place is not None
    cached = place_graphml(roads.place)
    if cached.is_file():
        return cached
    if not roads.download:
        raise ScenarioError(
            [
                Problem(
                    ("roads", "place"),
                    f"{roads.place!r} is not in the cache ({cached}); add "
                    "'download: true' to fetch it from OpenStreetMap once (needs a network "
                    "connection), or give 'file:' an extract",
                )
            ]
        )
    try:
        return fetch_place(roads.place)
    except Exception as err:
        problem = Problem(("roads", "place"), f"could not fetch {roads.place!r} ({err})")
        raise ScenarioError([problem]) from err


def truck_graph(network: OsmNetwork, roads: OsmRoads) -> RoadGraph:
    """The road graph with truck speeds chosen for this scenario."""
    speeds = {**TRUCK_SPEEDS_KMH, **roads.truck_speeds_kmh}
    by_class = np.array([speeds.get(str(h), roads.speed_kmh) for h in network.highway])
    speed = np.fmin(by_class, network.maxspeed_kmh)  # fmin ignores nan (no sign)
    speed = np.minimum(speed, roads.max_truck_kmh)
    labels = tuple(
        " ".join(part for part in (str(r), str(nm), f"({h})") if part)
        for r, nm, h in zip(network.ref, network.name, network.highway, strict=True)
    )
    return RoadGraph(
        node_lat=network.node_lat,
        node_lon=network.node_lon,
        tail=network.tail,
        head=network.head,
        length_km=network.length_km,
        speed_kmh=speed,
        node_ref=tuple(int(n) for n in network.node_id),
        way_id=network.way_id,
        road_label=labels,
    )


#: Truck graphs kept, keyed by the extract's content digest and the speed settings.
_graphs: OrderedDict[tuple[str, str], RoadGraph] = OrderedDict()
_graphs_lock = threading.Lock()
_GRAPHS_KEPT = 8


def osm_road_graph(roads: OsmRoads) -> RoadGraph:
    """Read (or fetch, when allowed) the scenario's OSM network as a truck road graph.

    The graph of a network and speed settings is kept in memory (a few), so
    the matrices and a map of the same scenario build it once. The memory is
    shared by threads (the service draws exports in several).
    """
    digest, network = _keyed_network(osm_source(roads))
    speeds = (sorted(roads.truck_speeds_kmh.items()), roads.speed_kmh, roads.max_truck_kmh)
    key = (digest, repr(speeds))
    with _graphs_lock:
        hit = _graphs.get(key)
    if hit is not None:
        return hit
    graph = truck_graph(network, roads)
    with _graphs_lock:
        _graphs[key] = graph
        while len(_graphs) > _GRAPHS_KEPT:
            _graphs.pop(next(iter(_graphs)))
    return graph


def osm_travel_times(scenario: Scenario) -> TravelTimes:
    """Travel matrices for a scenario whose roads are ``osm``."""
    roads = scenario.roads
    assert isinstance(roads, OsmRoads)
    graph = osm_road_graph(roads)
    return network_travel_times(scenario, graph, access_speed_kmh=roads.speed_kmh)
