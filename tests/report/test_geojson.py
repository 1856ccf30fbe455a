import json

from supplyopt.io import parse_scenario
from supplyopt.model import Plan, Scenario
from supplyopt.report import plan_geojson, plan_geojson_text
from tests.report.tiny_plan import SCENARIO


def _kind(doc: dict, kind: str) -> list[dict]:
    return [f for f in doc["features"] if f["properties"]["kind"] == kind]


def test_sites_are_points_in_lon_lat_order(scenario: Scenario, plan: Plan) -> None:
    """Warehouses and areas are Point features with [lon, lat] coordinates."""
    doc = plan_geojson(scenario, plan)
    assert doc["type"] == "FeatureCollection"
    north = next(f for f in _kind(doc, "warehouse") if f["properties"]["id"] == "north")
    assert north["geometry"] == {"type": "Point", "coordinates": [87.0, 44.0]}
    assert [f["properties"]["id"] for f in _kind(doc, "area")] == ["a1", "a2", "a3"]


def test_area_coverage_and_unmet(scenario: Scenario, plan: Plan) -> None:
    """Area features carry on-time coverage per item and the plan's unmet entries."""
    areas = {
        f["properties"]["id"]: f["properties"] for f in _kind(plan_geojson(scenario, plan), "area")
    }
    assert areas["a1"]["coverage"] == 1.0
    a3 = areas["a3"]
    assert a3["coverage"] == 10 / 40
    assert a3["items"] == [
        {"item": "tent", "demand": 40, "delivered": 30, "on_time": 10, "coverage": 0.25}
    ]
    assert a3["unmet"] == [{"area": "a3", "item": "tent", "quantity": 30, "reason": "deadline"}]
    assert a3["arrivals_hours"] == [1.0, 13.0]
    assert areas["a1"]["colour"] != a3["colour"]


def test_trip_line_goes_out_and_back(scenario: Scenario, plan: Plan) -> None:
    """A trip is a LineString warehouse → stops in order → warehouse."""
    trips = _kind(plan_geojson(scenario, plan), "trip")
    first = trips[0]
    assert first["geometry"]["coordinates"] == [
        [87.0, 44.0],
        [86.8, 43.8],
        [86.6, 43.9],
        [87.0, 44.0],
    ]
    assert first["properties"]["on_time"] is True
    assert trips[1]["properties"]["on_time"] is False
    assert trips[1]["properties"]["trip_of_vehicle"] == 2
    kinds = [s["kind"] for s in first["properties"]["segments"]]
    assert kinds == ["loading", "driving", "unloading", "driving", "unloading", "returning"]


def test_text_keeps_chinese_names(scenario: Scenario, plan: Plan) -> None:
    """The GeoJSON text is valid JSON with Chinese names written unescaped."""
    text = plan_geojson_text(scenario, plan)
    assert "甲乡" in text
    assert "\\u" not in text
    assert json.loads(text)["scenario"] == "tiny-quake"


def test_graph_roads_become_road_features(plan: Plan) -> None:
    """With graph roads, each edge is a road LineString under the trips."""
    data = dict(SCENARIO)
    data["roads"] = {
        "model": "graph",
        "nodes": [{"id": "n1", "lat": 44.0, "lon": 87.0}, {"id": "n2", "lat": 43.8, "lon": 86.8}],
        "edges": [{"from": "n1", "to": "n2", "length_km": 30.0}],
    }
    roads = _kind(plan_geojson(parse_scenario(data), plan), "road")
    assert len(roads) == 1
    assert roads[0]["geometry"]["coordinates"] == [[87.0, 44.0], [86.8, 43.8]]


def test_item_and_vehicle_names_for_readers(plan: Plan) -> None:
    """The document lists items and vehicle types with their display names per language."""
    data = json.loads(json.dumps(SCENARIO))
    data["items"][0]["names"] = {"en": "Tent", "zh": "帐篷"}
    doc = plan_geojson(parse_scenario(data), plan)
    first = doc["items"][0]
    assert first["names"] == {"en": "Tent", "zh": "帐篷"}
    assert [v["id"] for v in doc["vehicle_types"]] == [v["id"] for v in data["vehicle_types"]]
    assert all(v["names"] is None for v in doc["vehicle_types"])
