import json
from pathlib import Path

import pytest

from supplyopt.cli import main
from supplyopt.io import write_plan, write_scenario
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
