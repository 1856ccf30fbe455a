"""YAML that expands far beyond any scenario is refused before anything walks it."""

from __future__ import annotations

import pytest

from supplyopt.io import loads_scenario
from supplyopt.io.scenario_file import MAX_YAML_VALUES
from supplyopt.model import ScenarioError


def _alias_bomb(levels: int) -> str:
    text = 'l0: &l0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
    for level in range(1, levels):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        text += f"l{level}: &l{level} [{refs}]\n"
    return text


def test_nested_aliases_are_refused_with_a_reason() -> None:
    bomb = _alias_bomb(9)  # 10**9 values from a few hundred bytes
    with pytest.raises(ScenarioError) as err:
        loads_scenario(bomb, "yaml")
    (problem,) = err.value.problems
    assert problem.message.startswith("refused: the document expands to more than")
    assert f"{MAX_YAML_VALUES:,}" in problem.message


def test_a_few_aliases_are_fine() -> None:
    # Small anchors (a shared demand map) expand to little and still parse; the
    # scenario is then refused only for what it lacks.
    with pytest.raises(ScenarioError) as err:
        loads_scenario(_alias_bomb(3) + "name: x\n", "yaml")
    assert all("expands" not in p.message for p in err.value.problems)
