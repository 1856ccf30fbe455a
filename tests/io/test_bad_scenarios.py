"""Every broken scenario file has one defect and gets one located message."""

from __future__ import annotations

from pathlib import Path

import pytest

import supplyopt
from supplyopt import ScenarioError

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"

EXPECTED = {
    "bad-language-tag.yaml": "items[0].names.zh_CN: 'zh_CN' is not a language tag (like en, zh or zh-Hant)",
    "duplicate-area-id.yaml": "areas[1].id: duplicate id 'a1' (first used at areas[0])",
    "duplicate-key.yaml": "line 2, column 1: malformed YAML: duplicate key 'name'",
    "fractional-demand.yaml": "areas[1].demand.tent: must be a whole number (got 2.5)",
    "latitude-out-of-range.yaml": "warehouses[1].lat: must be <= 90 (got 91.0)",
    "malformed.yaml": "malformed YAML",
    "malformed.json": "line 1, column 36: malformed JSON",
    "missing-deadline.yaml": "deadline_hours: required field is missing",
    "misspelt-field.yaml": "areas[0].demnd: unknown field",
    "negative-stock.yaml": "warehouses[0].stock.tent: must be >= 0 (got -3)",
    "no-areas.yaml": "areas: must have at least 1 entry",
    "not-utf8.yaml": "(file): not UTF-8 text",
    "priority-zero.yaml": "areas[0].priority: must be >= 1 (got 0)",
    "top-level-list.yaml": "(top level): must be a mapping",
    "unknown-item-in-demand.yaml": "areas[2].demand.tnt: unknown item 'tnt' (known: tent, quilt)",
    "unknown-road-model.yaml": "roads: unknown road model 'teleport'",
    "unknown-vehicle-type.yaml": "warehouses[0].fleet.lorry: unknown vehicle type 'lorry' (known: truck)",
    "zero-bays.yaml": "warehouses[0].loading_bays: must be >= 1 (got 0)",
    "zero-weight.yaml": "items[0].weight_kg: must be > 0 (got 0)",
}


def test_every_bad_file_has_an_expectation() -> None:
    """The table above covers every file in tests/data/bad."""
    files = {p.name for p in BAD.iterdir() if p.suffix in (".yaml", ".json")}
    assert files == set(EXPECTED)


@pytest.mark.parametrize(("name", "message"), sorted(EXPECTED.items()))
def test_bad_file_gets_one_located_message(name: str, message: str) -> None:
    """Reading the file raises ScenarioError with exactly one problem, located as expected."""
    with pytest.raises(ScenarioError) as caught:
        supplyopt.read_scenario(BAD / name)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert message in str(caught.value.problems[0])
    assert str(BAD / name) in str(caught.value)


def test_all_problems_reported_at_once() -> None:
    """Field errors and reference errors in one file are all reported together."""
    from tests.conftest import tiny_data

    data = tiny_data()
    data["areas"][0]["demand"]["tnt"] = 1
    data["areas"][1]["lat"] = 100
    data["warehouses"][0]["stock"]["quilt"] = -1
    with pytest.raises(ScenarioError) as caught:
        supplyopt.parse_scenario(data)
    assert sorted(str(p) for p in caught.value.problems) == sorted(
        [
            "areas[0].demand.tnt: unknown item 'tnt' (known: tent, quilt)",
            "areas[1].lat: must be <= 90 (got 100)",
            "warehouses[0].stock.quilt: must be >= 0 (got -1)",
        ]
    )


def test_scenario_error_is_a_value_error() -> None:
    """Callers may catch the builtin the error refines."""
    with pytest.raises(ValueError, match="invalid scenario"):
        supplyopt.read_scenario(BAD / "negative-stock.yaml")


def test_missing_file_and_wrong_extension() -> None:
    """A missing file or an unsupported extension is a located ScenarioError."""
    with pytest.raises(ScenarioError, match="no such file"):
        supplyopt.read_scenario(BAD / "nope.yaml")
    with pytest.raises(ScenarioError, match="unsupported extension"):
        supplyopt.read_scenario(BAD / "README.md")


def test_slash_in_warehouse_or_vehicle_type_id_is_refused() -> None:
    """'/' separates the parts of vehicle ids, so warehouse and type ids may not contain it."""
    from tests.conftest import tiny_data

    data = tiny_data()
    data["warehouses"][0]["id"] = "a/x"
    with pytest.raises(ScenarioError) as caught:
        supplyopt.parse_scenario(data)
    assert str(caught.value.problems[0]).startswith("warehouses[0].id: must not contain '/'")
