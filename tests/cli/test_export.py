import json
from pathlib import Path

import pytest

from supplyopt.cli import main
from supplyopt.io import write_plan, write_scenario
from tests.conftest import tiny_data
from tests.report.tiny_plan import make_plan, make_scenario


def _run(*argv: str) -> int:
    return main(["export", *argv])


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    scenario = make_scenario()
    plan = make_plan(scenario)
    write_scenario(scenario, tmp_path / "scenario.yaml")
    write_plan(plan, tmp_path / "plan.json")
    return str(tmp_path / "scenario.yaml"), str(tmp_path / "plan.json")


def test_export_geojson_and_svg(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Several --format flags write each kind and list the files written."""
    out = tmp_path / "out"
    assert _run(*files, "--format", "geojson", "--format", "svg", "--out", str(out)) == 0
    printed = capsys.readouterr().out.split()
    assert str(out / "plan.geojson") in printed
    assert json.loads((out / "plan.geojson").read_text("utf-8"))["type"] == "FeatureCollection"
    assert (out / "timeline.svg").exists()


def test_export_bad_plan_exits_2(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing plan file is reported and the exit code is 2."""
    assert (
        _run(files[0], str(tmp_path / "nope.json"), "--format", "manifest", "--out", str(tmp_path))
        == 2
    )
    assert "no such file" in capsys.readouterr().err


def test_export_refuses_another_scenarios_plan(
    files: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan for another scenario is refused with check's mismatch lines, exit 1, no files."""
    other = tmp_path / "other.json"
    other.write_text(json.dumps(tiny_data()), encoding="utf-8")
    out = tmp_path / "out"
    assert _run(str(other), files[1], "--format", "all", "--out", str(out)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"{files[1]}: not a plan for {other}" in captured.err
    assert "scenario: plan is for" in captured.err
    assert "ids:" in captured.err
    assert not out.exists()
    assert main(["check", str(other), files[1]]) == 1
