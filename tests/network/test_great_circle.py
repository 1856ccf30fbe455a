"""The great_circle road model is exactly the contract's formula."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

import supplyopt
from supplyopt import Scenario
from supplyopt.network import haversine_km
from tests.conftest import tiny_data


def test_known_distance() -> None:
    """Urumqi to Changji city is about 33 km as the crow flies."""
    assert haversine_km(43.80, 87.60, 44.01, 87.30) == pytest.approx(33.5, abs=1.0)


def test_matrix_matches_formula(tiny: Scenario) -> None:
    """Hours = haversine(R=6371.0) x circuity / speed, per vehicle type speed when given."""
    data = tiny_data(roads={"model": "great_circle", "circuity": 1.5, "speed_kmh": 40})
    data["vehicle_types"].append(
        {"id": "van", "capacity_kg": 1000, "capacity_m3": 8, "speed_kmh": 80}
    )
    scenario = supplyopt.parse_scenario(data)
    travel = supplyopt.build_travel_times(scenario)
    w, a = scenario.warehouses[0], scenario.areas[0]
    phi1, phi2 = math.radians(w.lat), math.radians(a.lat)
    h = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(a.lon - w.lon) / 2) ** 2
    )
    km = 2 * 6371.0 * math.asin(math.sqrt(h)) * 1.5
    site = travel.area_site(0)
    assert travel.distance_km["truck"][0, site] == pytest.approx(km, rel=1e-12)
    assert travel.duration_h["truck"][0, site] == pytest.approx(km / 40, rel=1e-12)
    assert travel.duration_h["van"][0, site] == pytest.approx(km / 80, rel=1e-12)


def test_plan_never_imports_road_graph_modules() -> None:
    """Planning a great-circle scenario imports neither numba nor the graph/OSM road modules."""
    code = (
        "import sys, supplyopt\n"
        "scenario = supplyopt.read_scenario('tests/data/tiny.yaml')\n"
        "assert scenario.roads.model == 'great_circle'\n"
        "supplyopt.plan_relief(scenario, time_limit_s=1, seed=0)\n"
        "heavy = ('numba', 'osmnx', 'supplyopt.network.explicit_graph', 'supplyopt.network.osm',\n"
        "         'supplyopt.network.road_graph_travel', 'supplyopt.network.fast_paths',\n"
        "         'supplyopt.network.matrix', 'supplyopt.network.snap')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
