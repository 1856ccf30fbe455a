"""One rule for --time-limit and --seed on every command: refused in one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyopt.cli import main
from supplyopt.model import MAX_SEED
from tests.conftest import SCENARIOS, tiny_data

BAD_LIMITS = ["-5", "0", "inf", "nan", "1e9", "abc"]


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command line, expect exit 2 before any work, return stderr."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    scenario = tmp_path / "tiny.json"
    scenario.write_text(json.dumps(tiny_data()), encoding="utf-8")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"base: {scenario.name}\nvariants: []\n", encoding="utf-8")
    return {
        "plan": ["plan", str(scenario)],
        "compare": ["compare", str(scenario), str(scenario)],
        "sweep": ["sweep", str(sweep)],
        "solve-vrp": ["solve-vrp", str(tmp_path / "any.txt")],
    }


@pytest.mark.parametrize("limit", BAD_LIMITS)
@pytest.mark.parametrize("command", ["plan", "compare", "sweep", "solve-vrp"])
def test_bad_time_limit_refused_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, limit: str
) -> None:
    """Every command refuses a non-finite, non-positive or huge time limit in one line."""
    err = _refused([*_commands(tmp_path)[command], f"--time-limit={limit}"], capsys)
    assert err.count("\n") == 1, err
    assert "--time-limit" in err
    assert "must be a number of seconds > 0 and at most 86400" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", ["plan", "compare", "sweep", "solve-vrp"])
def test_negative_seed_refused_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Every command with --seed refuses a negative seed in one line."""
    err = _refused([*_commands(tmp_path)[command], "--seed=-1"], capsys)
    assert err.count("\n") == 1, err
    assert "must be a whole number >= 0" in err


@pytest.mark.parametrize("command", ["plan", "compare", "sweep", "solve-vrp"])
def test_seed_above_max_refused_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Every command with --seed refuses a seed above MAX_SEED (2**31 - 1) in one line."""
    err = _refused([*_commands(tmp_path)[command], f"--seed={MAX_SEED + 1}"], capsys)
    assert err.count("\n") == 1, err
    assert f"at most {MAX_SEED}" in err


def test_largest_seed_accepted(tmp_path: Path) -> None:
    """MAX_SEED itself plans."""
    out = tmp_path / "plan.json"
    argv = ["plan", *_commands(tmp_path)["plan"][1:], "--seed", str(MAX_SEED), "--quiet"]
    assert main([*argv, "--time-limit", "5", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["seed"] == MAX_SEED


@pytest.mark.parametrize("value", [".inf", "1.0e9"])
def test_sweep_file_time_limit_follows_the_same_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    """A sweep file's time_limit_s is held to the command line's rule, exit 2, one line."""
    scenario = tmp_path / "tiny.json"
    scenario.write_text(json.dumps(tiny_data()), encoding="utf-8")
    sweep = tmp_path / "sweep.yaml"
    sweep.write_text(f"base: tiny.json\ntime_limit_s: {value}\n", encoding="utf-8")
    assert main(["sweep", str(sweep), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 2, err
    assert err.startswith(f"{sweep}: invalid sweep file (1 problem)")
    assert "time_limit_s" in err


def test_good_time_limit_accepted(tmp_path: Path) -> None:
    """A fractional limit within range plans as before."""
    out = tmp_path / "plan.json"
    scenario = SCENARIOS / "hutubi-earthquake.yaml"
    assert main(["plan", str(scenario), "--time-limit", "0.5", "--quiet", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["time_limit_s"] == 0.5
