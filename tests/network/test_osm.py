"""The OSM road model: drivable roads, truck speeds, file resolution, no silent downloads."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

import supplyopt
from supplyopt.model import OsmRoads, ScenarioError
from supplyopt.network import osm
from tests.conftest import assert_valid, tiny_data
from tests.shared_data import andorra_scenario, shared_file

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 30 * 1.609344),
        ("90;30", 30.0),
        (["80", "70"], 70.0),
        ("RO:urban", math.nan),
        (None, math.nan),
    ],
)
def test_parse_maxspeed(value: object, kmh: float) -> None:
    """Signed limits in km/h or mph are read; several values give the lowest."""
    got = osm.parse_maxspeed(value)
    assert (math.isnan(got) and math.isnan(kmh)) or got == pytest.approx(kmh)


def test_truck_speed_is_class_default_capped_by_maxspeed_and_truck_limit() -> None:
    """Speed = min(class default, maxspeed, max_truck_kmh); overrides per class apply."""
    net = osm.OsmNetwork(
        node_id=np.array([1, 2]),
        node_lat=np.array([0.0, 0.0]),
        node_lon=np.array([0.0, 0.01]),
        tail=np.array([0, 0, 0]),
        head=np.array([1, 1, 1]),
        length_km=np.ones(3),
        way_id=np.array([7, 8, 9]),
        highway=np.array(["motorway", "primary", "residential"]),
        maxspeed_kmh=np.array([120.0, 50.0, np.nan]),
        ref=np.array(["", "", ""]),
        name=np.array(["", "", ""]),
    )
    roads = OsmRoads(
        model="osm", file="x.osm", max_truck_kmh=75, truck_speeds_kmh={"residential": 20}
    )
    assert osm.truck_graph(net, roads).speed_kmh.tolist() == [75.0, 50.0, 20.0]


def oakland_scenario(tmp_path: Path, **roads: object) -> Path:
    """A tiny scenario on the West Oakland extract, written next to a copy of the extract."""
    extract = shared_file("osm/west_oakland.osm.bz2")
    shutil.copy(extract, tmp_path / "oakland.osm.bz2")
    data = tiny_data()
    data["warehouses"][0].update(lat=37.8045, lon=-122.2955)
    data["warehouses"][1].update(lat=37.8080, lon=-122.2900)
    for area, (lat, lon) in zip(
        data["areas"],
        [(37.8100, -122.2930), (37.8060, -122.2880), (37.8030, -122.2920)],
        strict=True,
    ):
        area.update(lat=lat, lon=lon)
    data["roads"] = {"model": "osm", "file": "oakland.osm.bz2", **roads}
    path = tmp_path / "oakland.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_west_oakland_plans_on_real_roads(tmp_path: Path) -> None:
    """A relative extract path resolves next to the scenario; the plan passes the checker."""
    scenario = supplyopt.read_scenario(oakland_scenario(tmp_path))
    assert isinstance(scenario.roads, OsmRoads)
    assert Path(str(scenario.roads.file)).is_absolute()
    travel = supplyopt.build_travel_times(scenario)
    hours = travel.duration_h["truck"]
    assert np.isfinite(hours[0, 2:]).all()
    assert (hours[0, 2:] > 0).all()
    plan = supplyopt.plan_relief(scenario, time_limit_s=5)
    assert_valid(scenario, plan)


def test_drivable_filter_drops_footways() -> None:
    """Only drivable highway classes are kept, each edge keeping its way id."""
    network = osm.read_osm_network(shared_file("osm/west_oakland.osm.bz2"))
    assert set(network.highway.tolist()) <= set(osm.TRUCK_SPEEDS_KMH)
    assert len(network.way_id) == len(network.tail) > 0


def test_missing_extract_is_a_clear_scenario_error(tmp_path: Path) -> None:
    """A scenario naming a missing extract is refused, naming the paths tried."""
    data = tiny_data(roads={"model": "osm", "file": "nowhere/roads.osm.bz2"})
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        supplyopt.read_scenario(path)
    assert str(err.value.problems[0]).startswith("roads.file: no such file 'nowhere/roads.osm.bz2'")
    assert str(tmp_path / "nowhere") in str(err.value.problems[0])


def test_missing_extract_of_a_scenario_built_in_code_is_missing_data() -> None:
    """A scenario built in code (an API job) naming a missing extract says the road data is missing."""
    scenario = supplyopt.Scenario.model_validate(
        tiny_data(roads={"model": "osm", "file": "nowhere/roads.osm.bz2"})
    )
    assert isinstance(scenario.roads, OsmRoads)
    with pytest.raises(supplyopt.MissingDataError) as err:
        osm.osm_source(scenario.roads)
    assert str(err.value.problems[0]).startswith("roads.file: no such file 'nowhere/roads.osm.bz2'")
    assert "Where OSM extracts come from" in str(err.value)


def test_place_is_never_downloaded_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without download: true a place missing from the cache is refused, with no fetch."""

    def no_fetch(place: str) -> Path:
        raise AssertionError("must not download")

    monkeypatch.setattr(osm, "fetch_place", no_fetch)
    scenario = supplyopt.parse_scenario(
        tiny_data(roads={"model": "osm", "place": "Nowhere, Atlantis"})
    )
    with pytest.raises(ScenarioError, match=r"not in the cache.*download: true"):
        supplyopt.build_travel_times(scenario)


def test_file_and_place_are_exclusive() -> None:
    """An osm road model names a file or a place, not both and not neither."""
    with pytest.raises(ScenarioError, match="roads: give exactly one of 'file' or 'place'"):
        supplyopt.parse_scenario(tiny_data(roads={"model": "osm"}))


def test_unknown_osm_way_is_reported_when_building(tmp_path: Path) -> None:
    """Closing a way id that is not a drivable road of the extract is a located error."""
    scenario = supplyopt.read_scenario(oakland_scenario(tmp_path))
    data = scenario.model_dump(by_alias=True)
    data["disruptions"] = [{"kind": "close_roads", "osm_way": 1}]
    bad = supplyopt.parse_scenario(data)
    with pytest.raises(
        ScenarioError, match=r"disruptions\[0\]\.osm_way: no drivable road with OSM way id 1"
    ):
        supplyopt.build_travel_times(bad)


@pytest.fixture(scope="module")
def andorra() -> supplyopt.Scenario:
    """The bundled Andorra flood scenario (skips when the extract is missing)."""
    return andorra_scenario()


@pytest.mark.slow
def test_andorra_closure_changes_travel_and_plan(andorra: supplyopt.Scenario) -> None:
    """Closing the CG-2 lengthens the trip to Canillo, changes the plan, and both plans check."""
    reopened = andorra.model_copy(update={"disruptions": []})
    closed_h = supplyopt.build_travel_times(andorra).duration_h["truck-7t"]
    open_h = supplyopt.build_travel_times(reopened).duration_h["truck-7t"]
    canillo = len(andorra.warehouses)
    assert closed_h[0, canillo] > open_h[0, canillo] + 0.1
    closed_plan = supplyopt.plan_relief(andorra, time_limit_s=10)
    open_plan = supplyopt.plan_relief(reopened, time_limit_s=10)
    assert closed_plan.summary.distance_km > open_plan.summary.distance_km
    assert_valid(andorra, closed_plan)
    assert_valid(reopened, open_plan)


def test_graph_kept_by_another_thread_evicted_meanwhile_is_still_returned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A graph evicted (by a second thread filling the memory) right after it is kept: no KeyError."""
    from typing import Any

    class EvictedOnInsert(dict[Any, Any]):
        """Keeps an entry, then (as a second thread filling the memory would) drops it."""

        def __setitem__(self, key: Any, value: Any) -> None:
            super().__setitem__(key, value)
            self.pop(key, None)

    monkeypatch.setattr(osm, "_graphs", EvictedOnInsert())
    roads = OsmRoads(model="osm", file=str(shared_file("osm/west_oakland.osm.bz2")))
    graph = osm.osm_road_graph(roads)
    assert len(graph.tail) > 0


def test_graphs_are_kept_by_extract_content_and_speeds(tmp_path: Path) -> None:
    """Two copies of one extract share a kept graph; other speeds make another graph."""
    extract = shared_file("osm/west_oakland.osm.bz2")
    copy = tmp_path / "copy.osm.bz2"
    shutil.copy(extract, copy)
    first = osm.osm_road_graph(OsmRoads(model="osm", file=str(extract)))
    assert osm.osm_road_graph(OsmRoads(model="osm", file=str(copy))) is first
    slower = osm.osm_road_graph(OsmRoads(model="osm", file=str(copy), max_truck_kmh=30))
    assert slower is not first
    assert all(isinstance(part, str) for key in osm._graphs for part in key)
