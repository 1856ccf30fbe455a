"""Output for scripts and pipes: unwrapped text, progress lines, --json, --trucks."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from supplyopt.cli import main
from supplyopt.cli._whatif import _Progress
from tests.conftest import tiny_data

LONG_NAME = "新疆维吾尔自治区救灾物资储备库（乌鲁木齐市米东区）第一分库"


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """The tiny scenario with a long Chinese warehouse name, as a file."""
    data = tiny_data()
    data["warehouses"][0]["name"] = LONG_NAME
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_piped_summary_is_not_wrapped_or_cut(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stdout not a terminal: every value stays on its line; Chinese names are whole."""
    assert main(["plan", str(scenario), "--time-limit", "2"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^on time: .* worst area \d+\.\d%$", out, flags=re.MULTILINE), out
    assert re.search(r"^latest arrival .* solved in \d+\.\d s$", out, flags=re.MULTILINE), out
    assert f"{LONG_NAME} (w1)" in out
    assert "\x1b[" not in out


def test_plan_json_prints_the_plan_file(
    scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan --json` prints exactly the plan file on stdout and no summary."""
    out = tmp_path / "plan.json"
    assert main(["plan", str(scenario), "--time-limit", "2", "--json", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == json.loads(out.read_text(encoding="utf-8"))
    assert LONG_NAME not in printed  # names live in the scenario, not the plan


def test_plan_trucks_lists_every_vehicle(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`plan --trucks` adds the per-vehicle view after the summary."""
    assert main(["plan", str(scenario), "--time-limit", "2", "--trucks"]) == 0
    out = capsys.readouterr().out
    assert "Coverage by item" in out
    assert re.search(r"^w1/truck/1 \(truck, based at .+\(w1\)\)$", out, flags=re.MULTILINE), out
    assert re.search(r"^    T\+\d\d:\d\d  back at w1 ", out, flags=re.MULTILINE), out


def test_json_and_trucks_are_exclusive(scenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Asking for both the plan JSON and the text view is refused in one line."""
    with pytest.raises(SystemExit) as exited:
        main(["plan", str(scenario), "--json", "--trucks"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_check_json(scenario: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`check --json` gives validity and violations as JSON, with the usual exit codes."""
    out = tmp_path / "plan.json"
    assert main(["plan", str(scenario), "--time-limit", "2", "--quiet", "--out", str(out)]) == 0
    assert main(["check", str(scenario), str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is True
    assert result["violations"] == []
    data = json.loads(out.read_text(encoding="utf-8"))
    data["trips"][0]["stops"][0]["arrive_hours"] = 0.0
    out.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", str(scenario), str(out), "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["valid"] is False
    assert any("earlier than possible" in v for v in result["violations"])


def test_compare_json_and_progress_lines(
    scenario: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`compare --json` prints rows; stderr not a terminal gets one progress line per variant."""
    argv = ["compare", str(scenario), str(scenario), "--workers", "1", "--time-limit", "1"]
    assert main([*argv, "--json"]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    assert [row["variant"] for row in rows] == ["tiny", "tiny"]
    assert rows[1]["d_coverage"] == 0
    assert "\r" not in captured.err
    assert captured.err.splitlines() == ["[1/2] tiny", "[2/2] tiny"]


def test_progress_redraws_one_line_only_on_a_terminal() -> None:
    """On a terminal progress redraws one line, closed when the run stops early."""

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    progress = _Progress(stream)
    progress(1, 3, "a")
    progress.close()
    assert stream.getvalue().startswith("\r[1/3] a")
    assert stream.getvalue().endswith("\n")
