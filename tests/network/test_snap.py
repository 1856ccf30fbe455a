"""Snapping sites to the part of the road network the warehouses reach and return from."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import supplyopt
from supplyopt.model import Area, Scenario
from supplyopt.network.explicit_graph import road_graph_from_scenario
from supplyopt.network.road_graph import RoadGraph
from supplyopt.network.snap import snap_sites, snap_to_nodes
from supplyopt.network.travel_times import site_coordinates
from tests.conftest import tiny_data
from tests.shared_data import andorra_scenario

#: Metres of latitude per degree (sphere of radius 6371 km).
_M_PER_DEG = 6371000.0 * math.pi / 180.0


def _north(lat: float, metres: float) -> float:
    return lat + metres / _M_PER_DEG


def fragment_data(*, close_main: bool = False) -> dict[str, Any]:
    """w1 and w2 on a two-way main road; a1 13 m from a one-way stub, 33 m from the main road.

    The stub ``f1 → f2`` is a fragment: nothing leads into it. Area a1 lies
    13 m north of f1 and 33 m north of ``m2`` (a main-road node); a2 and a3
    sit on main-road nodes.
    """
    data = tiny_data()
    base_lat = 43.90
    nodes = [
        {"id": "nw1", "lat": 43.80, "lon": 87.60},
        {"id": "nw2", "lat": 44.01, "lon": 87.30},
        {"id": "m2", "lat": base_lat, "lon": 86.40},
        {"id": "na2", "lat": 44.10, "lon": 86.90},
        {"id": "na3", "lat": 44.30, "lon": 86.20},
        {"id": "f1", "lat": _north(base_lat, 20.0), "lon": 86.40},
        {"id": "f2", "lat": _north(base_lat, 20.0), "lon": 86.41},
    ]
    edges = [
        {"from": "nw1", "to": "nw2", "length_km": 40},
        {"from": "nw2", "to": "na2", "length_km": 50},
        {"from": "na2", "to": "m2", "length_km": 60},
        {"from": "na2", "to": "na3", "length_km": 70},
        {"from": "f1", "to": "f2", "length_km": 1, "oneway": True},
    ]
    data["roads"] = {"model": "graph", "speed_kmh": 50, "nodes": nodes, "edges": edges}
    data["areas"][0].update(lat=_north(base_lat, 33.0), lon=86.40)
    if close_main:
        data["disruptions"] = [{"kind": "close_roads", "between": ["na2", "m2"]}]
    return data


def test_area_skips_a_nearer_fragment_for_the_connected_road() -> None:
    """An area 13 m from a one-way stub and 33 m from the main road snaps to the main road."""
    scenario = supplyopt.parse_scenario(fragment_data())
    graph = road_graph_from_scenario(scenario.roads)  # type: ignore[arg-type]
    lat, lon = site_coordinates(scenario)
    nearest = snap_to_nodes(graph, lat, lon)
    assert graph.node_ref[nearest.node_idx[2]] == "f1"  # what plain snapping did
    snap = snap_sites(graph, lat, lon, len(scenario.warehouses))
    assert graph.node_ref[snap.node_idx[2]] == "m2"
    assert snap.distance_km[2] == pytest.approx(0.033, abs=1e-6)
    assert snap.nearest_km is not None
    assert snap.nearest_km[2] == pytest.approx(0.013, abs=1e-6)
    assert snap.skipped.tolist() == [False, False, True, False, False]


def test_fragment_no_longer_makes_the_area_unreachable() -> None:
    """The area is planned by road and the notes give its snapping distance and the fragment."""
    scenario = supplyopt.parse_scenario(fragment_data())
    travel = supplyopt.build_travel_times(scenario)
    a1 = travel.area_site(0)
    assert math.isfinite(travel.duration_h["truck"][0, a1])
    assert math.isfinite(travel.duration_h["truck"][a1, 0])
    assert not any("no warehouse reaches it" in note for note in travel.notes)
    assert "road snapping: all 5 sites within 33 m of their road node (farthest: a1)" in (
        travel.notes
    )
    assert any(
        "past a nearer road node on a fragment" in note and "a1 33 m (nearest node 13 m)" in note
        for note in travel.notes
    )
    plan = supplyopt.plan_relief(scenario, time_limit_s=2, seed=0)
    assert not [u for u in plan.unmet if u.area == "a1" and u.reason == "unreachable"]
    assert any(note.startswith("road snapping:") for note in plan.notes)


def test_a_closure_cuts_the_site_off_instead_of_moving_it() -> None:
    """Closing the only road to the snapped node leaves the area unreachable, on the same node."""
    scenario = supplyopt.parse_scenario(fragment_data(close_main=True))
    travel = supplyopt.build_travel_times(scenario)
    a1 = travel.area_site(0)
    assert math.isinf(travel.duration_h["truck"][0, a1])
    assert "a1: no warehouse reaches it by road within 12 h" in travel.notes


def test_far_connected_network_leaves_the_site_on_its_fragment() -> None:
    """A site whose connected road is kilometres away keeps its own road, with a note."""
    data = fragment_data()
    data["areas"][0].update(lat=_north(43.90, 20.0), lon=86.45)  # on the stub's line, ~4 km east
    data["roads"]["nodes"][6].update(lon=86.45)
    data["roads"]["edges"][4]["length_km"] = 4.1
    scenario = supplyopt.parse_scenario(data)
    travel = supplyopt.build_travel_times(scenario)
    assert any(note.startswith("a1: its road node lies on a fragment") for note in travel.notes)
    assert "a1: no warehouse reaches it by road within 12 h" in travel.notes


def _islands() -> RoadGraph:
    """Two two-way road loops 50 km apart (3 and 4 nodes) and a lone one-way stub."""
    lat = np.array([0.0, 0.0, 0.01, 0.5, 0.5, 0.51, 0.51, 0.0001])
    lon = np.array([0.0, 0.01, 0.0, 0.0, 0.01, 0.0, 0.01, 0.0])
    pairs = [(0, 1), (1, 2), (2, 0), (3, 4), (4, 6), (6, 5), (5, 3)]
    tail = [a for a, b in pairs] + [b for a, b in pairs] + [7]
    head = [b for a, b in pairs] + [a for a, b in pairs] + [0]
    n = len(tail)
    return RoadGraph(
        node_lat=lat,
        node_lon=lon,
        tail=np.array(tail, dtype=np.int64),
        head=np.array(head, dtype=np.int64),
        length_km=np.ones(n),
        speed_kmh=np.full(n, 50.0),
    )


def test_warehouses_on_two_islands_each_serve_their_own() -> None:
    """Each warehouse joins its island's network; areas join the nearest served island."""
    graph = _islands()
    lat = np.array([0.00011, 0.5001, 0.0098, 0.5099])
    lon = np.array([0.0, 0.0, 0.0, 0.0101])
    snap = snap_sites(graph, lat, lon, 2)
    # The first warehouse is nearest the stub node 7 (a source nothing enters): it skips it.
    assert snap.node_idx.tolist() == [0, 3, 2, 6]


@pytest.fixture(scope="module")
def andorra() -> Scenario:
    """The bundled Andorra flood scenario (skips when the extract is missing)."""
    return andorra_scenario()


@pytest.mark.slow  # reads the Andorra extract (most of a minute on a loaded machine)
def test_andorra_town_next_to_a_fragment_is_reached(andorra: Scenario) -> None:
    """Sant Julià's centre (13 m from a stub nothing enters, ~30 m from the road) is reached."""
    town = Area(
        id="sant-julia-town",
        lat=42.468506,
        lon=1.493323,
        population=2000,
        demand={"tent": 20, "blanket": 400, "water": 250},
    )
    scenario = andorra.model_copy(update={"areas": [*andorra.areas, town]})
    travel = supplyopt.build_travel_times(scenario)
    site = travel.area_site(len(scenario.areas) - 1)
    for vt in ("truck-7t", "van-1t"):
        assert travel.duration_h[vt][0, site] < 0.5  # Andorra la Vella, ~6 km by the CG-1
        assert travel.duration_h[vt][site, 0] < 0.5
    assert not any(note.startswith("sant-julia-town: no warehouse") for note in travel.notes)
    skipped = [n for n in travel.notes if "past a nearer road node on a fragment" in n]
    assert len(skipped) == 1
    assert "sant-julia-town 29 m (nearest node 13 m)" in skipped[0]


@pytest.mark.slow  # reads the Andorra extract (most of a minute on a loaded machine)
def test_andorra_snapping_note(andorra: Scenario) -> None:
    """The bundled scenario's notes give every site's snapping within one line."""
    notes = supplyopt.build_travel_times(andorra).notes
    assert "road snapping: all 13 sites within 75 m of their road node (farthest: ransol)" in notes
