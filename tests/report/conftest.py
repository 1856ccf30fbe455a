"""Fixtures: the tiny scenario and its hand-made plan (see tests/report/tiny_plan.py)."""

from __future__ import annotations

import pytest

from supplyopt.model import Plan, Scenario
from tests.report.tiny_plan import make_plan, make_scenario


@pytest.fixture
def scenario() -> Scenario:
    return make_scenario()


@pytest.fixture
def plan(scenario: Scenario) -> Plan:
    return make_plan(scenario)
