"""loads_scenario: a scenario file's text, validated exactly as the file would be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import supplyopt
from supplyopt import ScenarioError
from supplyopt.io import loads_scenario
from supplyopt.model import Problem
from tests.conftest import tiny_data

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"


def test_yaml_and_json_text_and_bytes_give_the_scenario() -> None:
    """Text or UTF-8 bytes, YAML or JSON: the same scenario, Chinese names intact."""
    data = tiny_data()
    as_json = json.dumps(data, ensure_ascii=False)
    as_yaml = yaml.safe_dump(data, allow_unicode=True)
    expected = supplyopt.parse_scenario(data)
    assert loads_scenario(as_json, "json") == expected
    assert loads_scenario(as_json.encode("utf-8"), "json") == expected
    assert loads_scenario(as_yaml, "yaml") == expected
    assert loads_scenario(as_yaml.encode("utf-8"), "yaml").areas[0].name == "石梯子乡"


@pytest.mark.parametrize("path", sorted(BAD.glob("*.[yj]*")), ids=lambda p: p.name)
def test_text_gets_the_same_problems_as_the_file(path: Path) -> None:
    """Every broken file's bytes, through loads_scenario, give the problems read_scenario gives."""
    fmt = "json" if path.suffix == ".json" else "yaml"
    with pytest.raises(ScenarioError) as from_file:
        supplyopt.read_scenario(path)
    with pytest.raises(ScenarioError) as from_text:
        loads_scenario(path.read_bytes(), fmt, source=str(path))
    assert from_text.value.problems == from_file.value.problems
    assert str(from_text.value) == str(from_file.value)


def test_text_problems_are_data() -> None:
    """Malformed text is a problem of the file with its line and column, not a field's."""
    with pytest.raises(ScenarioError) as caught:
        loads_scenario('{"name": "x",\n "deadline_hours": }', "json")
    (problem,) = caught.value.problems
    assert problem == Problem.of_file("malformed JSON: Expecting value", line=2, column=20)
    with pytest.raises(ScenarioError) as caught:
        loads_scenario(b"name: caf\xe9\n", "yaml", source="upload")
    assert [str(p) for p in caught.value.problems] == [
        "(file): not UTF-8 text (byte 9: invalid continuation byte)"
    ]
    assert str(caught.value).startswith("upload: invalid scenario (1 problem)")
