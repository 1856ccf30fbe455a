"""Road paths of a plan's legs and the road network as polylines, for maps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import supplyopt
from supplyopt.model import Plan, Scenario, Stop, Trip, apply_events, parse_events
from supplyopt.network.road_graph import RoadGraph
from supplyopt.network.road_lines import merged_road_lines, road_lines
from supplyopt.network.road_paths import scenario_road_graph, trip_road_paths
from supplyopt.replan.legs import Legs

#: (lon, lat) of the nodes: the warehouse, a fast road north, a slow road south, the area.
W, NORTH, SOUTH, A = (87.0, 44.0), (87.2, 44.1), (87.2, 43.95), (87.4, 44.0)


def two_roads(*, close_north: bool = False) -> Scenario:
    """One warehouse and one area joined by a fast road (north) and a slow one (south)."""
    nodes = [
        {"id": nid, "lat": lat, "lon": lon}
        for nid, (lon, lat) in {"nw": W, "nn": NORTH, "ns": SOUTH, "na": A}.items()
    ]
    data: dict[str, Any] = {
        "name": "two-roads",
        "deadline_hours": 12,
        "items": [{"id": "tent", "weight_kg": 50, "volume_m3": 0.2}],
        "vehicle_types": [{"id": "truck", "capacity_kg": 5000, "capacity_m3": 30}],
        "warehouses": [
            {"id": "w1", "lat": W[1], "lon": W[0], "stock": {"tent": 10}, "fleet": {"truck": 1}}
        ],
        "areas": [
            {
                "id": "a1",
                "lat": A[1],
                "lon": A[0],
                "demand": {"tent": 10},
                "unloading_hours": 0.5,
            }
        ],
        "roads": {
            "model": "graph",
            "speed_kmh": 50,
            "nodes": nodes,
            "edges": [
                {"from": "nw", "to": "nn", "length_km": 30, "speed_kmh": 100},
                {"from": "nn", "to": "na", "length_km": 30, "speed_kmh": 100},
                {"from": "nw", "to": "ns", "length_km": 20, "speed_kmh": 30},
                {"from": "ns", "to": "na", "length_km": 20, "speed_kmh": 30},
            ],
        },
    }
    if close_north:
        data["disruptions"] = [{"kind": "close_roads", "between": ["nw", "nn"]}]
    return supplyopt.parse_scenario(data)


def one_trip(depart_h: float = 0.0) -> Plan:
    """One trip w1 → a1 → w1 (times as a planner would give them on the open roads)."""
    trip = Trip(
        vehicle="w1/truck/1",
        warehouse="w1",
        vehicle_type="truck",
        load_start_hours=depart_h,
        depart_hours=depart_h,
        stops=[Stop(area="a1", arrive_hours=depart_h + 0.6, deliver={"tent": 10})],
        return_hours=depart_h + 1.7,
        distance_km=120.0,
    )
    return Plan(
        scenario="two-roads",
        deadline_hours=12,
        status="complete",
        summary=supplyopt.model.Summary(),
        trips=[trip],
    )


def test_trip_follows_the_fastest_road_not_the_straight_line() -> None:
    """The path goes out and back over the fast northern road the travel time was computed on."""
    scenario = two_roads()
    travel = supplyopt.build_travel_times(scenario)
    assert travel.distance_km["truck"][0, 1] == pytest.approx(60.0)  # the northern road
    (path,) = trip_road_paths(scenario, one_trip())
    assert path == [W, NORTH, A, NORTH, W]


def test_closed_road_is_avoided() -> None:
    """With the northern road closed the path takes the southern one, as the matrix does."""
    scenario = two_roads(close_north=True)
    travel = supplyopt.build_travel_times(scenario)
    assert travel.distance_km["truck"][0, 1] == pytest.approx(40.0)
    (path,) = trip_road_paths(scenario, one_trip())
    assert path == [W, SOUTH, A, SOUTH, W]


def test_a_leg_uses_the_roads_of_its_start_time() -> None:
    """A closure known from 0.5 h leaves the outbound leg (0 h) north, the return (1.1 h) south."""
    open_roads, closed = two_roads(), two_roads(close_north=True)

    def roads_at(hours: float) -> Scenario:
        return closed if hours >= 0.5 else open_roads

    (path,) = trip_road_paths(open_roads, one_trip(), roads_at=roads_at)
    assert path == [W, NORTH, A, SOUTH, W]
    (later,) = trip_road_paths(open_roads, one_trip(depart_h=1.0), roads_at=roads_at)
    assert later == [W, SOUTH, A, SOUTH, W]


def test_graph_road_lines_keep_each_edge_and_mark_closures() -> None:
    """Graph roads: one line per scenario edge with its ends; the closed one says so."""
    scenario = two_roads(close_north=True)
    lines = road_lines(scenario, scenario_road_graph(scenario))
    assert [(line.ends, line.closed) for line in lines] == [
        (("nw", "nn"), True),
        (("nn", "na"), False),
        (("nw", "ns"), False),
        (("ns", "na"), False),
    ]


def _way_graph() -> RoadGraph:
    """Way 100: 0-1-2-3-6 two-way; way 200: 3 → 4 → 5 one-way. Nodes on a line, 1 km apart."""
    two_way = [(0, 1), (1, 2), (2, 3), (3, 6)]
    tail = [a for a, b in two_way] + [b for a, b in two_way] + [3, 4]
    head = [b for a, b in two_way] + [a for a, b in two_way] + [4, 5]
    way = [100] * 8 + [200, 200]
    n = 7
    return RoadGraph(
        node_lat=np.zeros(n),
        node_lon=np.arange(n, dtype=np.float64) / 100.0,
        tail=np.array(tail, dtype=np.int64),
        head=np.array(head, dtype=np.int64),
        length_km=np.ones(len(tail)),
        speed_kmh=np.full(len(tail), 50.0),
        node_ref=tuple(range(1000, 1000 + n)),
        way_id=np.array(way, dtype=np.int64),
        road_label=tuple("" for _ in tail),
    )


def test_chains_merge_between_junctions_ways_and_closures() -> None:
    """Edges merge into one line per road between junctions; a way or closure change splits."""
    graph = _way_graph()
    closed = np.zeros(len(graph.tail), dtype=bool)
    closed[[1, 5]] = True  # 1-2, both directions
    lines = merged_road_lines(graph, closed)
    got = sorted((line.ends, line.oneway, line.closed, line.length_km) for line in lines)
    assert got == [
        ((1000, 1001), False, False, 1.0),
        ((1001, 1002), False, True, 1.0),
        ((1002, 1003), False, False, 1.0),
        ((1003, 1005), True, False, 2.0),
        ((1003, 1006), False, False, 1.0),
    ]
    oneway = next(line for line in lines if line.oneway)
    assert oneway.coordinates == [(0.03, 0.0), (0.04, 0.0), (0.05, 0.0)]
    assert next(line for line in lines if line.closed).way_id == 100


def test_open_chain_is_one_line() -> None:
    """Without closures the two-way way 100 is one line from node 0 to the junction at 3."""
    graph = _way_graph()
    lines = merged_road_lines(graph, np.zeros(len(graph.tail), dtype=bool))
    assert len(lines) == 3
    assert any(line.ends == (1000, 1003) and line.length_km == 3.0 for line in lines)


def test_revised_plan_legs_are_drawn_on_the_roads_the_replanner_timed() -> None:
    """With a closure from 1 h, each leg's drawn road is the one Legs times it on (60 km, 40 km)."""
    scenario, plan = two_roads(), one_trip()
    events = parse_events(
        {
            "now_hours": 1.0,
            "events": [{"kind": "close_roads", "at_hours": 1.0, "between": ["nw", "nn"]}],
        },
        scenario,
        plan,
    )
    operation = apply_events(scenario, events)
    legs = Legs(operation)
    assert legs.leg("truck", 0, 1, 0.0)[1] == pytest.approx(60.0)  # out at 0 h: north
    assert legs.leg("truck", 1, 0, 1.1)[1] == pytest.approx(40.0)  # back at 1.1 h: south
    (path,) = trip_road_paths(operation.changed, plan, roads_at=operation.roads_at)
    assert path == [W, NORTH, A, SOUTH, W]


def test_geometry_kept_by_another_thread_evicted_meanwhile_is_built_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A kept geometry that another thread evicts between lookup and use is rebuilt, no KeyError."""
    from collections import OrderedDict

    from supplyopt.network import road_paths

    class EvictedOnLookup(OrderedDict[str, Any]):
        """Hands out an entry, then (as a second thread filling the memory would) drops it."""

        def get(self, key: Any, default: Any = None) -> Any:
            hit = super().get(key, default)
            self.pop(key, None)
            return hit

    scenario, plan = two_roads(), one_trip()
    monkeypatch.setattr(road_paths, "_geometry", EvictedOnLookup())
    first = road_paths.plan_road_geometry(scenario, plan)
    assert road_paths.plan_road_geometry(scenario, plan).trips == first.trips
