"""Road model 'osm' without osmnx installed: one clear line and exit 2, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from supplyopt.cli import main
from tests.conftest import ROOT, tiny_data

NEEDS_OSMNX = "roads.model: 'osm' needs osmnx: pip install 'supplyopt[osm]'"


def _osm_scenario(tmp_path: Path) -> Path:
    """The tiny scenario on an OSM extract (never parsed: osmnx is missing)."""
    extract = tmp_path / "region.osm"
    extract.write_text(f"<osm><!-- {tmp_path} --></osm>\n", encoding="utf-8")
    scenario = tmp_path / "osm-tiny.json"
    data = tiny_data(roads={"model": "osm", "file": extract.name})
    scenario.write_text(json.dumps(data), encoding="utf-8")
    return scenario


def test_plan_without_osmnx_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan` on an osm scenario without osmnx: the install hint on one line, exit 2."""
    monkeypatch.setitem(sys.modules, "osmnx", None)  # import osmnx now raises ImportError
    monkeypatch.setenv("SUPPLYOPT_CACHE_DIR", str(tmp_path / "cache"))
    scenario = _osm_scenario(tmp_path)
    assert main(["plan", str(scenario), "--time-limit", "1"]) == 2
    err = capsys.readouterr().err
    assert err == f"{scenario}: cannot plan: {NEEDS_OSMNX}\n"


def test_criticality_without_osmnx_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sweep --criticality` reads the roads to rank them: without osmnx, one line, exit 2."""
    monkeypatch.setitem(sys.modules, "osmnx", None)
    monkeypatch.setenv("SUPPLYOPT_CACHE_DIR", str(tmp_path / "cache"))
    scenario = _osm_scenario(tmp_path)
    assert main(["sweep", "--criticality", str(scenario), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err == f"{scenario}: cannot rank roads: {NEEDS_OSMNX}\n"


def test_compare_without_osmnx_on_a_process_pool_is_one_line(tmp_path: Path) -> None:
    """`compare` plans in worker processes; their failure is one line and exit 2 too."""
    fake = tmp_path / "fake" / "osmnx"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise ModuleNotFoundError("No module named \'osmnx\'", name="osmnx")\n', encoding="utf-8"
    )
    scenario = _osm_scenario(tmp_path)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(fake.parent), str(ROOT)]),
        "SUPPLYOPT_CACHE_DIR": str(tmp_path / "cache"),
    }
    argv = ["compare", str(scenario), str(scenario), "--workers", "2", "--time-limit", "1"]
    done = subprocess.run(
        [sys.executable, "-m", "supplyopt", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("[")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("compare: cannot plan: ")
    assert "Traceback" not in done.stderr
