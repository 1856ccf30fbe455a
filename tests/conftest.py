"""Shared fixtures; slow tests run only with CI=true or --runslow."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

import supplyopt
from supplyopt import Plan, Scenario
from tests import budget
from tests.cache_env import _private_cache

__all__ = ["_private_cache"]  # autouse: no test writes to the user's OSM cache

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", help="also run tests marked slow")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--runslow"):
        budget.FULL = True


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if budget.FULL:
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or CI=true")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


DATA = Path(__file__).resolve().parent / "data"


@functools.cache
def _read_data_file(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((DATA / f"{name}.yaml").read_text(encoding="utf-8"))
    return data


def scenario_data(name: str, **changes: Any) -> dict[str, Any]:
    """The scenario file ``tests/data/<name>.yaml`` as plain data (a fresh copy), fields replaced."""
    data = copy.deepcopy(_read_data_file(name))
    data.update(changes)
    return data


def tiny_data(**changes: Any) -> dict[str, Any]:
    """The tiny scenario (tests/data/tiny.yaml: 2 warehouses, 3 areas, 2 items) as plain data."""
    return scenario_data("tiny", **changes)


def two_depot_data() -> dict[str, Any]:
    """Trucks at a garage holding nothing, the water at a depot (tests/data/two-depots.yaml)."""
    return scenario_data("two-depots")


@functools.cache
def bundled_plan(name: str) -> tuple[Scenario, Plan]:
    """A bundled scenario and its plan (20 s limit), planned once per session: read, never change."""
    scenario = supplyopt.read_scenario(SCENARIOS / f"{name}.yaml")
    return scenario, supplyopt.plan_relief(scenario, time_limit_s=20)


@pytest.fixture
def tiny() -> Scenario:
    """The tiny scenario, validated."""
    return supplyopt.parse_scenario(tiny_data())


def assert_valid(scenario: Scenario, plan: Plan) -> None:
    """Every plan a test produces goes through the independent checker."""
    problems = supplyopt.check_plan(scenario, plan)
    assert problems == [], "\n".join(problems)
