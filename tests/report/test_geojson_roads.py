"""GeoJSON on road networks: trips along their road paths, the roads themselves, snapping."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path
from typing import Any

import pytest

import supplyopt
from supplyopt.io import parse_scenario
from supplyopt.model import Plan, Scenario, Stop, Summary, Trip
from supplyopt.network.geo import haversine_km
from supplyopt.report import map_svg, plan_geojson, plan_geojson_text
from tests.network.test_road_paths import NORTH, SOUTH, A, W, one_trip, two_roads
from tests.shared_data import andorra_scenario


def _kind(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in doc["features"] if f["properties"]["kind"] == kind]


def test_graph_trip_follows_its_road_path() -> None:
    """On graph roads a trip's LineString runs along the road it was timed on, not straight."""
    doc = plan_geojson(two_roads(), one_trip())
    assert doc["path_geometry"] == "roads"
    (trip,) = _kind(doc, "trip")
    assert trip["geometry"]["coordinates"] == [list(p) for p in (W, NORTH, A, NORTH, W)]


def test_graph_roads_say_which_are_closed() -> None:
    """Road features carry oneway, length_km and closed; the closure moves the trip south."""
    doc = plan_geojson(two_roads(close_north=True), one_trip())
    roads = _kind(doc, "road")
    assert [(r["properties"]["from"], r["properties"]["closed"]) for r in roads] == [
        ("nw", True),
        ("nn", False),
        ("nw", False),
        ("ns", False),
    ]
    assert {r["properties"]["length_km"] for r in roads} == {30.0, 20.0}
    assert not any(r["properties"]["oneway"] for r in roads)
    (trip,) = _kind(doc, "trip")
    assert [tuple(p) for p in trip["geometry"]["coordinates"]] == [W, SOUTH, A, SOUTH, W]


def test_sites_carry_their_snapping_distance() -> None:
    """Warehouse and area features say how far they are from their road node, in metres."""
    doc = plan_geojson(two_roads(), one_trip())
    snaps = [f["properties"]["snap_m"] for f in doc["features"] if "snap_m" in f["properties"]]
    assert snaps == [0.0, 0.0]


def test_great_circle_trips_stay_straight(scenario: Scenario, plan: Plan) -> None:
    """Straight-line roads: path_geometry 'straight', no road features, no snapping."""
    doc = plan_geojson(scenario, plan)
    assert doc["path_geometry"] == "straight"
    assert not _kind(doc, "road")
    assert not any("snap_m" in f["properties"] for f in doc["features"])


def test_missing_extract_falls_back_to_straight_lines_with_a_note(tmp_path: Any) -> None:
    """Where the OSM extract is not readable the document is still made, straight, and says why."""
    data = json.loads(two_roads().model_dump_json(by_alias=True))
    data["roads"] = {"model": "osm", "file": str(tmp_path / "gone.osm.bz2")}
    scenario = parse_scenario(data)
    doc = plan_geojson(scenario, one_trip())
    assert doc["path_geometry"] == "straight"
    assert "road data not readable here" in doc["path_geometry_note"]
    assert "gone.osm.bz2" in doc["path_geometry_note"]
    (trip,) = _kind(doc, "trip")
    assert [tuple(p) for p in trip["geometry"]["coordinates"]] == [W, A, W]


def test_map_svg_draws_the_road_path_and_closed_roads() -> None:
    """The SVG map draws the trip through the road node and marks the closed road."""
    svg = map_svg(two_roads(close_north=True), one_trip())
    assert 'class="road closed"' in svg
    assert "trips follow their roads; roads grey, closed red" in svg


@pytest.fixture(scope="module")
def andorra() -> Scenario:
    """The bundled Andorra flood scenario (skips when the extract is missing)."""
    return andorra_scenario()


@pytest.fixture(scope="module")
def andorra_plan(andorra: Scenario) -> Plan:
    """Andorra la Vella → Canillo → Encamp → back by truck, timed on the matrices."""
    scenario = andorra
    travel = supplyopt.build_travel_times(scenario)
    hours, km = travel.duration_h["truck-7t"], travel.distance_km["truck-7t"]
    n_w = len(scenario.warehouses)
    canillo, encamp = n_w + 0, n_w + 9
    arrive1 = 1.0 + hours[0, canillo]
    arrive2 = arrive1 + 0.25 + hours[canillo, encamp]
    trip = Trip(
        vehicle="andorra-la-vella/truck-7t/1",
        warehouse="andorra-la-vella",
        vehicle_type="truck-7t",
        load_start_hours=0.6,
        depart_hours=1.0,
        stops=[
            Stop(area="canillo", arrive_hours=arrive1, deliver={"tent": 10}),
            Stop(area="encamp", arrive_hours=arrive2, deliver={"tent": 10}),
        ],
        return_hours=arrive2 + 0.25 + hours[encamp, 0],
        distance_km=float(km[0, canillo] + km[canillo, encamp] + km[encamp, 0]),
    )
    return Plan(
        scenario=scenario.name,
        deadline_hours=scenario.deadline_hours,
        status="partial",
        summary=Summary(),
        trips=[trip],
    )


def _length_km(points: list[list[float]]) -> float:
    return sum(float(haversine_km(a[1], a[0], b[1], b[0])) for a, b in itertools.pairwise(points))


@pytest.mark.slow  # reads the Andorra extract (most of a minute on a loaded machine)
def test_andorra_trip_runs_along_the_roads_it_was_timed_on(
    andorra: Scenario, andorra_plan: Plan
) -> None:
    """The drawn path is as long as the km of its travel time and detours round the closed CG-2."""
    plan = andorra_plan
    doc = plan_geojson(andorra, plan)
    assert doc["path_geometry"] == "roads"
    (trip,) = _kind(doc, "trip")
    points = trip["geometry"]["coordinates"]
    assert len(points) > 100
    assert points[0] == points[-1] == [1.5211, 42.5078]
    assert _length_km(points) == pytest.approx(plan.trips[0].distance_km, rel=0.005)
    closed = [r for r in _kind(doc, "road") if r["properties"]["closed"]]
    assert {r["properties"]["way"] for r in closed} == {6178688, 6178694}


@pytest.mark.slow  # reads the Andorra extract (most of a minute on a loaded machine)
def test_andorra_roads_are_merged_polylines_of_sane_size(
    andorra: Scenario, andorra_plan: Plan
) -> None:
    """The whole network comes as a few thousand road lines, 6-decimal coordinates, < 2 MB."""
    text = plan_geojson_text(andorra, andorra_plan)
    assert len(text.encode("utf-8")) < 2_000_000
    roads = _kind(json.loads(text), "road")
    assert 1000 < len(roads) < 4000
    for road in roads:
        for lon, lat in road["geometry"]["coordinates"]:
            assert round(lon, 6) == lon
            assert round(lat, 6) == lat
    total = sum(r["properties"]["length_km"] for r in roads)
    assert 300 < total < 500  # each road once, not once per driving direction
    assert all(math.isfinite(r["properties"]["length_km"]) for r in roads)


def test_png_map_marks_closed_roads_dashed_red(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """map_png draws a closed road dashed red above the grey open ones, as map_svg does."""
    pytest.importorskip("matplotlib", reason="PNG figures need the 'report' extra (matplotlib)")
    from matplotlib.colors import to_hex

    from supplyopt.report import figures_png

    drawn: list[Any] = []
    save = figures_png._save

    def keep(fig: Any, path: Path) -> Path:
        drawn.append(fig)
        return save(fig, path)

    monkeypatch.setattr(figures_png, "_save", keep)
    out = figures_png.map_png(two_roads(close_north=True), one_trip(), tmp_path / "map.png")
    assert out.stat().st_size > 0
    lines = drawn[0].axes[0].lines
    closed = [ln for ln in lines if ln.get_gid() == "road closed"]
    assert [(to_hex(ln.get_color()), ln.get_linestyle()) for ln in closed] == [("#d62728", "--")]
    assert len([ln for ln in lines if ln.get_gid() == "road"]) == 3
    assert "closed roads dashed red" in drawn[0].axes[0].get_title()
