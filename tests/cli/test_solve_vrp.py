"""``supplyopt solve-vrp``: output, solution file, exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from supplyopt.cli import solve_vrp

from ..io.vrp_texts import CORDEAU, SOLOMON, VRPLIB, write


def run(argv: list[str]) -> int:
    """Parse ``solve-vrp`` arguments with the command's own parser and run it."""
    parser = argparse.ArgumentParser(prog="supplyopt")
    solve_vrp.register(parser.add_subparsers(dest="command", required=True))
    try:
        args = parser.parse_args(["solve-vrp", *argv])
    except SystemExit as exited:  # argparse refuses a bad option value with exit 2
        return int(exited.code or 0)
    code: int = args.func(args)
    return code


def test_solomon_solved_prints_cost_and_writes_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A feasible instance exits 0, prints the real-valued cost and writes the four keys."""
    path = write(tmp_path, "tiny.txt", SOLOMON)
    out = tmp_path / "sol.json"
    assert run([str(path), "--time-limit", "1", "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"instance", "cost", "routes", "solve_seconds"} <= set(data)
    assert data["instance"] == "TINY1"
    assert sorted(c for r in data["routes"] for c in r) == [1, 2, 3]
    assert f"cost {data['cost']:.2f}" in capsys.readouterr().out


def test_cordeau_routes_name_their_depot(tmp_path: Path) -> None:
    """Cordeau routes are {"depot": n, "customers": [...]} with file numbers."""
    path = write(tmp_path, "p00.txt", CORDEAU)
    out = tmp_path / "sol.json"
    assert run([str(path), "--format", "cordeau", "--time-limit", "1", "--out", str(out)]) == 0
    routes = json.loads(out.read_text(encoding="utf-8"))["routes"]
    assert all(r["depot"] in (4, 5) for r in routes)
    assert sorted(c for r in routes for c in r["customers"]) == [1, 2, 3]


def test_vrplib_cost_uses_rounded_distances(tmp_path: Path) -> None:
    """A VRPLIB instance's cost is an integer in the file's rounding convention."""
    out = tmp_path / "sol.json"
    assert run([str(write(tmp_path, "t.vrp", VRPLIB)), "--time-limit", "1", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["cost"] == 35.0  # routes [3, 4] and [2]


@pytest.mark.parametrize(
    ("text", "extra", "message"),
    [
        ("not a benchmark\n", [], "unknown file format"),
        (SOLOMON, ["--format", "cordeau"], "header"),
        (SOLOMON, ["--time-limit", "0"], "--time-limit"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, extra: list[str], message: str
) -> None:
    """An unreadable file, a wrong --format or a bad time limit exits 2 with a message."""
    assert run([str(write(tmp_path, "x.txt", text)), *extra]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A missing file exits 2 naming it."""
    assert run([str(tmp_path / "missing.txt"), "--format", "solomon"]) == 2
    assert "missing.txt: cannot read" in capsys.readouterr().err


def test_no_feasible_solution_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """When the fleet cannot serve everyone the command exits 1 and says why."""
    text = SOLOMON.replace("  2         10", "  1         10")
    assert run([str(write(tmp_path, "x.txt", text)), "--time-limit", "1"]) == 1
    assert "no feasible solution" in capsys.readouterr().err


def test_registered_in_cli() -> None:
    """solve_vrp is one of the CLI's subcommand modules."""
    from supplyopt.cli import COMMANDS

    assert "solve_vrp" in COMMANDS
