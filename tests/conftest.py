"""Shared fixtures; slow tests run only with CI=true or --runslow."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import supplyopt
from supplyopt import Plan, Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow") or os.environ.get("CI", "").lower() == "true":
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or CI=true")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def tiny_data(**changes: Any) -> dict[str, Any]:
    """A small valid scenario as plain data: 2 warehouses, 3 areas, 2 items."""
    data: dict[str, Any] = {
        "name": "tiny",
        "deadline_hours": 12,
        "items": [
            {"id": "tent", "name": "帐篷", "weight_kg": 70.0, "volume_m3": 0.3},
            {"id": "quilt", "name": "棉被", "weight_kg": 3.0, "volume_m3": 0.03},
        ],
        "vehicle_types": [{"id": "truck", "capacity_kg": 5000, "capacity_m3": 30}],
        "warehouses": [
            {
                "id": "w1",
                "name": "乌鲁木齐储备库",
                "lat": 43.80,
                "lon": 87.60,
                "stock": {"tent": 200, "quilt": 2000},
                "fleet": {"truck": 3},
                "ready_hours": 1.0,
                "loading_hours": 0.5,
                "loading_bays": 1,
            },
            {
                "id": "w2",
                "lat": 44.01,
                "lon": 87.30,
                "stock": {"tent": 50, "quilt": 500},
                "fleet": {"truck": 1},
                "loading_hours": 0.25,
            },
        ],
        "areas": [
            {
                "id": "a1",
                "name": "石梯子乡",
                "lat": 43.90,
                "lon": 86.40,
                "demand": {"tent": 120, "quilt": 900},
                "priority": 3,
                "unloading_hours": 0.25,
            },
            {"id": "a2", "lat": 44.10, "lon": 86.90, "demand": {"tent": 40, "quilt": 300}},
            {"id": "a3", "lat": 44.30, "lon": 86.20, "demand": {"quilt": 200}, "priority": 2},
        ],
    }
    data.update(changes)
    return data


def two_depot_data() -> dict[str, Any]:
    """Trucks at a garage holding nothing; the water 0.2 degrees away, beside the areas.

    Sites on the equator, great-circle roads at 60 km/h without circuity: the
    garage-to-depot drive is 22.24 km, 0.371 h.
    """
    return {
        "name": "two-depots",
        "deadline_hours": 12,
        "items": [{"id": "water", "weight_kg": 10, "volume_m3": 0.01}],
        "vehicle_types": [{"id": "truck", "capacity_kg": 1000, "capacity_m3": 100}],
        "warehouses": [
            {"id": "garage", "lat": 0, "lon": 0, "fleet": {"truck": 2}, "ready_hours": 0.5},
            {"id": "depot", "lat": 0, "lon": 0.2, "stock": {"water": 800}, "loading_hours": 0.25},
        ],
        "areas": [
            {"id": "near", "lat": 0, "lon": 0.3, "demand": {"water": 500}},
            {"id": "nearer", "lat": 0.05, "lon": 0.25, "demand": {"water": 300}},
        ],
        "roads": {"model": "great_circle", "circuity": 1.0, "speed_kmh": 60},
    }


@pytest.fixture
def tiny() -> Scenario:
    """The tiny scenario, validated."""
    return supplyopt.parse_scenario(tiny_data())


def assert_valid(scenario: Scenario, plan: Plan) -> None:
    """Every plan a test produces goes through the independent checker."""
    problems = supplyopt.check_plan(scenario, plan)
    assert problems == [], "\n".join(problems)
