"""Invalid scenarios on the command line: exit 2, one clear line per problem, never a traceback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from supplyopt.cli import main
from supplyopt.model import MAX_QUANTITY, MAX_VEHICLES
from tests.conftest import SCENARIOS, tiny_data


def _write(path: Path, data: dict[str, Any]) -> str:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["plan", "compare"])
@pytest.mark.parametrize("demand", [2**63 - 1, 2**63])
def test_huge_demand_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, demand: int
) -> None:
    """Demand at or above 2**63 exits 2 naming the field and the bound (it overflowed before)."""
    data = tiny_data()
    data["areas"][0]["demand"]["tent"] = demand
    bad = _write(tmp_path / "huge.yaml", data)
    args = [bad] if command == "plan" else [_write(tmp_path / "ok.yaml", tiny_data()), bad]
    assert main([command, *args, "--time-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"{bad}: invalid scenario (1 problem)",
        f"  areas[0].demand.tent: must be <= {MAX_QUANTITY} (got {demand})",
    ]


def test_missing_osm_extract_says_road_data_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing OSM extract exits 2 saying the road data is missing (not the scenario invalid)."""
    path = _write(tmp_path / "s.yaml", tiny_data(roads={"model": "osm", "file": "missing.osm"}))
    assert main(["plan", path, "--time-limit", "1"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: road data missing")
    assert "invalid scenario" not in lines[0]
    assert lines[1].startswith(f"  roads.file: no such file 'missing.osm' (tried {tmp_path}")
    assert "docs/roads-and-disruptions.md" in lines[1]
    assert "Where OSM extracts come from" in lines[1]


@pytest.mark.parametrize(
    ("field", "where"),
    [(("fleet", "truck-10t"), "fleet.truck-10t"), (("loading_bays",), "loading_bays")],
)
def test_huge_fleet_or_bays_is_refused_before_planning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], field: tuple[str, ...], where: str
) -> None:
    """A fleet entry or bay count of 10**9 exits 2 with one located line (planning hung before)."""
    data = yaml.safe_load((SCENARIOS / "hutubi-earthquake.yaml").read_text(encoding="utf-8"))
    target = data["warehouses"][0]
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = 10**9
    path = _write(tmp_path / "huge-fleet.yaml", data)
    assert main(["plan", path, "--time-limit", "1"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: invalid scenario (1 problem)",
        f"  warehouses[0].{where}: must be <= {MAX_VEHICLES} (got {10**9})",
    ]


@pytest.mark.parametrize("command", ["plan", "check", "compare", "sweep", "export"])
def test_missing_file_is_one_plain_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """A file that is not there is `FILE: no such file`, one line, exit 2, for every command."""
    missing = str(tmp_path / "nonexist.yaml")
    argv = {
        "plan": ["plan", missing],
        "check": ["check", missing, "plan.json"],
        "compare": ["compare", missing, missing],
        "sweep": ["sweep", missing],
        "export": ["export", missing, "plan.json", "--format", "all", "--out", str(tmp_path)],
    }[command]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"{missing}: no such file\n"


def test_compare_tells_a_broken_file_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare A A` on a broken file prints its problems once, not once per mention."""
    data = tiny_data()
    data["deadline_hours"] = -1
    bad = _write(tmp_path / "bad.yaml", data)
    ok = _write(tmp_path / "ok.yaml", tiny_data())
    assert main(["compare", bad, ok, bad]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{bad}: invalid scenario") == 1, err
