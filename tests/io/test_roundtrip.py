"""Scenario and plan files round-trip, UTF-8 names unchanged."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import pytest
import yaml

import supplyopt
from supplyopt import Scenario
from supplyopt.io import dumps_scenario, loads_scenario
from tests.conftest import assert_valid, tiny_data


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_scenario_roundtrip_keeps_chinese_names(
    tiny: Scenario, tmp_path: Path, suffix: str
) -> None:
    """Writing and reading a scenario gives the same scenario; Chinese text is stored as is."""
    path = tmp_path / f"s{suffix}"
    supplyopt.write_scenario(tiny, path)
    assert "石梯子乡" in path.read_text(encoding="utf-8")
    assert supplyopt.read_scenario(path) == tiny


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_display_names_per_language_roundtrip(tmp_path: Path, suffix: str) -> None:
    """Items' and vehicle types' ``names`` per language are written and read back unchanged."""
    data = tiny_data()
    data["items"][0]["names"] = {"en": "Tent", "zh": "帐篷", "zh-Hant": "帳篷"}
    data["vehicle_types"][0]["names"] = {"en": "Box truck", "zh": "厢式货车"}
    scenario = supplyopt.parse_scenario(data)
    path = tmp_path / f"s{suffix}"
    supplyopt.write_scenario(scenario, path)
    assert "帳篷" in path.read_text(encoding="utf-8")
    again = supplyopt.read_scenario(path)
    assert again == scenario
    assert again.items[0].names == {"en": "Tent", "zh": "帐篷", "zh-Hant": "帳篷"}
    assert again.vehicle_types[0].names == {"en": "Box truck", "zh": "厢式货车"}
    assert again.items[1].names is None


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dumps_scenario_is_the_file_write_scenario_writes(
    tiny: Scenario, tmp_path: Path, fmt: Literal["yaml", "json"]
) -> None:
    """The text of a scenario file (the service's download) reads back equal, Chinese as is."""
    text = dumps_scenario(tiny, fmt)
    assert "石梯子乡" in text
    assert loads_scenario(text, fmt) == tiny
    supplyopt.write_scenario(tiny, tmp_path / f"s.{fmt}")
    assert (tmp_path / f"s.{fmt}").read_text(encoding="utf-8") == text


def test_plan_file_roundtrip(tiny: Scenario, tmp_path: Path) -> None:
    """A plan written to JSON reads back equal, with names unescaped and checkable."""
    plan = supplyopt.plan_relief(tiny, time_limit_s=5)
    path = tmp_path / "plan.json"
    supplyopt.write_plan(plan, path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert set(data) >= {"scenario", "deadline_hours", "status", "summary", "trips", "unmet"}
    assert set(data["summary"]) >= {
        "demand_units",
        "delivered_units",
        "on_time_units",
        "coverage_on_time",
        "weighted_coverage_on_time",
        "min_area_coverage",
        "makespan_hours",
        "vehicles_used",
        "distance_km",
        "solve_seconds",
    }
    again = supplyopt.read_plan(path)
    assert again == plan
    assert_valid(tiny, again)


def test_unreadable_plan_file(tmp_path: Path) -> None:
    """A plan file that is not JSON raises PlanFileError naming the file."""
    path = tmp_path / "plan.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(supplyopt.PlanFileError, match=r"plan\.json"):
        supplyopt.read_plan(path)


def test_exponent_numbers_in_yaml_are_numbers(tmp_path: Path) -> None:
    """`1e3` in a YAML scenario is the number 1000, as in JSON, not the text '1e3'."""
    from tests.conftest import tiny_data

    data = tiny_data()
    data["deadline_hours"] = "__EXP__"
    text = yaml.safe_dump(data, allow_unicode=True).replace("__EXP__", "1.2e1")
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    assert supplyopt.read_scenario(path).deadline_hours == 12.0
