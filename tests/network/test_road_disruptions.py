"""Closing and slowing roads on every road model; located messages for bad selections."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

import supplyopt
from supplyopt.model import ScenarioError
from tests.conftest import tiny_data
from tests.network.test_graph import BASE_EDGES, graph_data


def with_disruptions(data: dict[str, Any], *disruptions: dict[str, Any]) -> supplyopt.Scenario:
    data["disruptions"] = list(disruptions)
    return supplyopt.parse_scenario(data)


def truck_h(scenario: supplyopt.Scenario) -> np.ndarray:
    return supplyopt.build_travel_times(scenario).duration_h["truck"]


def test_closing_a_graph_road_by_node_pair_cuts_the_route() -> None:
    """Closing the only road to a1 makes it unreachable from w1."""
    scenario = with_disruptions(
        graph_data(BASE_EDGES), {"kind": "close_roads", "between": ["na2", "na1"]}
    )
    hours = truck_h(scenario)
    assert math.isinf(hours[0, 2])
    assert math.isfinite(hours[0, 3])


def test_slowing_a_graph_road_scales_its_time() -> None:
    """A slow factor of 0.5 doubles the time spent on that edge only."""
    base = truck_h(supplyopt.parse_scenario(graph_data(BASE_EDGES)))
    slowed = truck_h(
        with_disruptions(
            graph_data(BASE_EDGES), {"kind": "slow_roads", "between": ["na1", "na2"], "factor": 0.5}
        )
    )
    assert slowed[0, 2] - base[0, 2] == pytest.approx(60 / 50)


def test_circle_zone_closes_roads_inside() -> None:
    """A circle around na2 closes every road touching it."""
    zone = {"kind": "close_roads", "circle": {"lat": 44.10, "lon": 86.90, "radius_km": 3}}
    hours = truck_h(with_disruptions(graph_data(BASE_EDGES), zone))
    assert math.isinf(hours[0, 2])
    assert math.isinf(hours[0, 4])


def test_polygon_zone_on_great_circle_legs() -> None:
    """On straight-line roads, a closed polygon blocks the legs crossing it and no other."""
    polygon = [[43.7, 86.6], [44.2, 86.6], [44.2, 86.7], [43.7, 86.7]]
    hours = truck_h(with_disruptions(tiny_data(), {"kind": "close_roads", "polygon": polygon}))
    assert math.isinf(hours[0, 2])  # w1 -> a1 crosses lon 86.6-86.7
    assert math.isfinite(hours[0, 3])  # w1 -> a2 stops at lon 86.9


def test_slow_zone_on_great_circle_slows_only_the_share_inside() -> None:
    """A slowed zone covering part of a leg adds time for that part only."""
    base = truck_h(supplyopt.parse_scenario(tiny_data()))
    zone = {
        "kind": "slow_roads",
        "factor": 0.5,
        "circle": {"lat": 43.80, "lon": 87.60, "radius_km": 10},
    }
    slowed = truck_h(with_disruptions(tiny_data(), zone))
    assert base[0, 2] < slowed[0, 2] < 2 * base[0, 2]
    assert slowed[3, 4] == pytest.approx(base[3, 4])


def test_unknown_graph_node_is_a_located_message() -> None:
    """A node pair naming an unknown node is refused with its location."""
    data = graph_data(BASE_EDGES)
    data["disruptions"] = [{"kind": "close_roads", "between": ["na2", "nope"]}]
    with pytest.raises(ScenarioError) as err:
        supplyopt.parse_scenario(data)
    assert [str(p) for p in err.value.problems] == [
        "disruptions[0].between[1]: unknown node 'nope'"
    ]


def test_nodes_not_joined_by_a_road_are_reported_when_building() -> None:
    """A pair of existing but unconnected nodes is refused when travel times are built."""
    scenario = with_disruptions(
        graph_data(BASE_EDGES), {"kind": "close_roads", "between": ["nw1", "na3"]}
    )
    with pytest.raises(ScenarioError, match=r"disruptions\[0\]\.between: nodes 'nw1' and 'na3'"):
        supplyopt.build_travel_times(scenario)


@pytest.mark.parametrize(
    ("disruption", "message"),
    [
        (
            {"kind": "close_roads"},
            "disruptions[0]: give exactly one of osm_way, between, circle, polygon",
        ),
        ({"kind": "flood"}, "disruptions[0]: unknown disruption kind 'flood'"),
        ({"kind": "slow_roads", "factor": 0, "osm_way": 1}, "disruptions[0].factor: must be > 0"),
        (
            {"kind": "close_roads", "osm_way": 5},
            "disruptions[0].osm_way: only for roads of model 'osm'",
        ),
        (
            {"kind": "close_roads", "between": ["a", "b"]},
            "disruptions[0].between: needs a road network",
        ),
        (
            {"kind": "warehouse_out", "warehouse": "w9"},
            "disruptions[0].warehouse: unknown warehouse 'w9'",
        ),
        (
            {"kind": "reduce_fleet", "factor": 0.5, "vehicle_type": "bus"},
            "disruptions[0].vehicle_type: unknown vehicle type 'bus'",
        ),
        (
            {"kind": "scale_demand", "factor": 2.0, "areas": ["a1", "zz"]},
            "disruptions[0].areas[1]: unknown area 'zz'",
        ),
        (
            {"kind": "close_roads", "circle": {"lat": 44, "lon": 87, "radius_km": -1}},
            "disruptions[0].circle.radius_km: must be > 0",
        ),
    ],
)
def test_invalid_disruptions_get_located_messages(disruption: dict[str, Any], message: str) -> None:
    """Each kind of bad disruption is refused, naming where it is."""
    data = tiny_data(disruptions=[disruption])
    with pytest.raises(ScenarioError) as err:
        supplyopt.parse_scenario(data)
    assert any(str(p).startswith(message) for p in err.value.problems), err.value.problems
