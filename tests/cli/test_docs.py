"""The first-hour documents agree with the repository: scenarios, sweep format, examples."""

from __future__ import annotations

import re

import yaml

from supplyopt.model import Summary, UnmetReason
from supplyopt.whatif import Sweep
from tests.conftest import ROOT, SCENARIOS


def _read(relative: str) -> str:
    return (ROOT / relative).read_text(encoding="utf-8")


def test_scenarios_readme_lists_every_bundled_scenario() -> None:
    """scenarios/README.md names every bundled scenario (and region) file and counts them right."""
    text = _read("scenarios/README.md")
    every = sorted(path.name for path in SCENARIOS.glob("*.yaml"))
    for name in every:
        assert f"| `{name}`" in text, f"{name} missing from the table"
    files = [name for name in every if not name.endswith("-region.yaml")]
    assert files, "no bundled scenarios found"
    words = {3: "Three", 4: "Four", 5: "Five", 6: "Six"}
    assert text.count(f"{words[len(files)]} scenario files come with supplyopt") == 1


def test_readme_activates_the_venv_before_calling_supplyopt() -> None:
    """'Using it' activates the virtual environment before its first bare `supplyopt`."""
    text = _read("README.md")
    first_lines = text.splitlines()[3:5]
    assert first_lines == [
        "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/supplyopt plan",
        "python3 -m venv .venv && .venv/bin/pip install '.[test]' && .venv/bin/python -m pytest",
    ]
    using = text[text.index("## Using it") :]
    assert using.index("source .venv/bin/activate") < using.index("\nsupplyopt plan")


def test_sweep_doc_example_is_a_valid_sweep_file() -> None:
    """The sweep file example in docs/sweep.md is accepted by the sweep reader's model."""
    text = _read("docs/sweep.md")
    block = re.search(r"## The sweep file.*?```yaml\n(.*?)```", text, flags=re.DOTALL)
    assert block is not None
    sweep = Sweep.model_validate(yaml.safe_load(block.group(1)))
    assert sweep.generate.close_major_roads == 20
    assert [v.name for v in sweep.variants] == ["CG-2 reopened", "Escaldes store flooded"]
    assert "docs/sweep.md" in _read("README.md")


def test_readme_criticality_example_needs_no_data_outside_the_repository() -> None:
    """The README's criticality example runs on a scenario that needs no OSM extract."""
    examples = re.findall(r"supplyopt sweep --criticality (\S+)`", _read("README.md"))
    assert examples
    for path in examples:
        data = yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))
        assert data.get("roads", {}).get("model", "great_circle") != "osm", path


def test_missing_road_data_points_at_a_real_section() -> None:
    """The document and section a missing OSM extract's message names both exist."""
    from supplyopt.model.data_files import OSM_EXTRACTS_DOC

    match = re.fullmatch(r'(\S+\.md), section "(.+)"', OSM_EXTRACTS_DOC)
    assert match is not None
    assert f"\n## {match[2]}\n" in _read(match[1])


def test_contract_names_every_unmet_reason_and_summary_field() -> None:
    """docs/contract.md lists every UnmetReason and every Summary field the plans carry."""
    text = _read("docs/contract.md")
    for reason in UnmetReason:
        assert f"`{reason.value}`" in text or f"| {reason.value}" in text, reason
    for field in Summary.model_fields:
        assert f'"{field}"' in text or f"`summary.{field}`" in text, field
