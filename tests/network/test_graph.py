"""The explicit graph road model: snapping, one-way edges, speeds, unreachable sites."""

from __future__ import annotations

import math
from typing import Any

import pytest

import supplyopt
from tests.conftest import tiny_data


def graph_data(edges: list[dict[str, Any]], **roads: Any) -> dict[str, Any]:
    """Tiny scenario on a line of nodes w1 - n1 - a1, with a side node near a2 and a3."""
    data = tiny_data()
    data["roads"] = {
        "model": "graph",
        "speed_kmh": 50,
        "nodes": [
            {"id": "nw1", "lat": 43.80, "lon": 87.60},
            {"id": "nw2", "lat": 44.01, "lon": 87.30},
            {"id": "na1", "lat": 43.90, "lon": 86.40},
            {"id": "na2", "lat": 44.10, "lon": 86.90},
            {"id": "na3", "lat": 44.30, "lon": 86.20},
        ],
        "edges": edges,
        **roads,
    }
    return data


BASE_EDGES = [
    {"from": "nw1", "to": "nw2", "length_km": 40},
    {"from": "nw2", "to": "na2", "length_km": 50, "speed_kmh": 100},
    {"from": "na2", "to": "na1", "length_km": 60},
    {"from": "na2", "to": "na3", "length_km": 70, "oneway": True},
]


def test_shortest_paths_and_speeds() -> None:
    """Hours add up edge by edge at each edge's speed; km along the same path."""
    scenario = supplyopt.parse_scenario(graph_data(BASE_EDGES))
    travel = supplyopt.build_travel_times(scenario)
    a1 = travel.area_site(0)
    assert travel.duration_h["truck"][0, a1] == pytest.approx(40 / 50 + 50 / 100 + 60 / 50)
    assert travel.distance_km["truck"][0, a1] == pytest.approx(150)


def test_one_way_edge_makes_return_unreachable() -> None:
    """A site behind a one-way edge can be reached but not left."""
    scenario = supplyopt.parse_scenario(graph_data(BASE_EDGES))
    travel = supplyopt.build_travel_times(scenario)
    a3 = travel.area_site(2)
    assert math.isfinite(travel.duration_h["truck"][0, a3])
    assert math.isinf(travel.duration_h["truck"][a3, 0])


def test_vehicle_speed_caps_edge_speed() -> None:
    """A vehicle type's speed_kmh caps a faster edge."""
    data = graph_data(BASE_EDGES)
    data["vehicle_types"][0]["speed_kmh"] = 50
    travel = supplyopt.build_travel_times(supplyopt.parse_scenario(data))
    a1 = travel.area_site(0)
    assert travel.duration_h["truck"][0, a1] == pytest.approx(150 / 50)


def test_parallel_edges_use_the_fastest() -> None:
    """Of two edges between the same nodes, the faster one is driven."""
    edges = [*BASE_EDGES, {"from": "nw1", "to": "nw2", "length_km": 45, "speed_kmh": 90}]
    travel = supplyopt.build_travel_times(supplyopt.parse_scenario(graph_data(edges)))
    w2 = 1
    assert travel.duration_h["truck"][0, w2] == pytest.approx(45 / 90)
    assert travel.distance_km["truck"][0, w2] == pytest.approx(45)


def test_disconnected_area_is_unreachable_in_the_plan() -> None:
    """An area with no road to it is reported unmet with reason 'unreachable'."""
    edges = [e for e in BASE_EDGES if e["to"] != "na3"]
    scenario = supplyopt.parse_scenario(graph_data(edges))
    plan = supplyopt.plan_relief(scenario, time_limit_s=5)
    reasons = {(u.area, u.reason.value) for u in plan.unmet}
    assert ("a3", "unreachable") in reasons
    assert supplyopt.check_plan(scenario, plan) == []


def test_unknown_node_in_edge_is_located() -> None:
    """An edge naming an undeclared node gets a located message."""
    edges = [*BASE_EDGES, {"from": "nw1", "to": "nowhere", "length_km": 3}]
    with pytest.raises(supplyopt.ScenarioError) as caught:
        supplyopt.parse_scenario(graph_data(edges))
    assert [str(p) for p in caught.value.problems] == ["roads.edges[4].to: unknown node 'nowhere'"]


def test_connected_but_too_far_is_deadline_not_unreachable() -> None:
    """An area a road leads to, but only beyond the deadline, is unmet for 'deadline'."""
    edges = [e for e in BASE_EDGES if e["to"] != "na3"]
    edges.append({"from": "na2", "to": "na3", "length_km": 2000})
    scenario = supplyopt.parse_scenario(graph_data(edges))
    plan = supplyopt.plan_relief(scenario, time_limit_s=5)
    reasons = {u.reason.value for u in plan.unmet if u.area == "a3"}
    assert reasons == {"deadline"}
    assert supplyopt.check_plan(scenario, plan) == []
