"""The relief benchmark runner: writes its tables and fails only on a rejected plan."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import supplyopt
from benchmarks.relief import run
from benchmarks.relief.families import CI_FAMILIES


def test_runner_writes_both_tables(tmp_path: Path) -> None:
    """One small family: exit 0, one CSV row with consistent ratios, a markdown table."""
    out = tmp_path / "relief"
    argv = ["--families", "small-loose", "--time-limit", "2", "--vd-bound-time", "3"]
    code = run.main([*argv, "--out", str(out)])
    assert code == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as table:
        (row,) = list(csv.DictReader(table))
    assert row["family"] == "small-loose"
    assert float(row["planner"]) <= float(row["bound"]) + 1e-4
    assert float(row["baseline"]) <= float(row["bound"]) + 1e-4
    assert row["planner_violations"] == row["baseline_violations"] == "0"
    text = out.with_suffix(".md").read_text(encoding="utf-8")
    assert "| small-loose | 1 | 10 |" in text


def test_bounds_from_an_earlier_run_are_taken_not_solved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--bounds-from`` reads the LP bounds of an earlier CSV; (family, seed) pairs not in it are solved."""
    first = tmp_path / "first"
    argv = ["--families", "small-loose", "--time-limit", "1", "--vd-bound-time", "0"]
    assert run.main([*argv, "--out", str(first)]) == 0

    def unsolvable(*args: object, **kwargs: object) -> None:
        raise AssertionError("the LP bound was solved again")

    monkeypatch.setattr(run, "coverage_upper_bound", unsolvable)
    again = tmp_path / "again"
    code = run.main([*argv, "--out", str(again), "--bounds-from", str(first.with_suffix(".csv"))])
    assert code == 0
    rows = []
    for path in (first, again):
        with path.with_suffix(".csv").open(encoding="utf-8") as table:
            rows.append(next(csv.DictReader(table)))
    keys = ("bound", "bound_no_fleet", "bound_s", "bound_items", "fleet_binds")
    assert [rows[0][k] for k in keys] == [rows[1][k] for k in keys]
    with pytest.raises(AssertionError, match="solved again"):
        run.main(
            [
                *argv,
                "--seeds",
                "2",
                "--out",
                str(again),
                "--bounds-from",
                str(first.with_suffix(".csv")),
            ]
        )


def test_rejected_plan_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan the checker rejects gives exit 1 and the message on stderr."""
    monkeypatch.setattr(supplyopt, "check_plan", lambda *a, **k: ["trips[0]: made up"])
    code = run.main(
        [
            *("--families", "small-loose", "--time-limit", "1", "--vd-bound-time", "0"),
            *("--out", str(tmp_path / "r")),
        ]
    )
    assert code == 1
    assert "small-loose seed 1: planner: trips[0]: made up" in capsys.readouterr().err


def test_unknown_family_is_refused() -> None:
    """A misspelt family name is a usage error (exit 2), not a crash."""
    with pytest.raises(SystemExit) as exc:
        run.parse_args(["--families", "smal-loose"])
    assert exc.value.code == 2


def test_ci_mode_picks_small_families_and_a_short_limit() -> None:
    """--ci runs the CI families with a 10 s limit (the vehicle-day bound 10 s) into relief-ci."""
    args = run.parse_args(["--ci"])
    assert args.families == list(CI_FAMILIES)
    assert args.time_limit == 10.0
    assert args.vd_bound_time == run.CI_VD_TIME_S
    assert args.out.name == "relief-ci"
    assert run.parse_args([]).vd_bound_time == 120.0
    assert run.parse_args(["--ci", "--vd-bound-time", "0"]).vd_bound_time == 0.0
