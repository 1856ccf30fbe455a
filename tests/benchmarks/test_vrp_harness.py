"""The routing benchmark harness: scoring, tables, data discovery and the smoke run."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.vrp import data, smoke
from benchmarks.vrp.run import Row, markdown, run_one, summarise
from tests.shared_data import shared_dir


def row(instance: str, solver: str, gap: float | None, feasible: bool = True) -> Row:
    return Row("solomon", instance, solver, 100.0, 100.0, gap, 3, 3, 1.0, feasible, "")


def test_mean_gap_only_over_instances_all_solved() -> None:
    """Mean gaps are compared on instances every solver solved feasibly."""
    rows = [
        row("A", "s1", 1.0),
        row("A", "s2", 3.0),
        row("B", "s1", 5.0),
        row("B", "s2", None, feasible=False),
    ]
    summary = {s["solver"]: s for s in summarise(rows, ["s1", "s2"])}
    assert summary["s1"]["mean_gap_pct"] == 1.0
    assert summary["s2"]["mean_gap_pct"] == 3.0
    assert summary["s2"]["feasible"] == 1
    assert summary["s1"]["compared_on"] == 1


def test_markdown_marks_infeasible_rows() -> None:
    """The table shows NO for a result the verifier rejected."""
    text = markdown([row("A", "s1", None, feasible=False)], ["s1"], header="# h")
    assert "| A | s1 | 100.0 | 100.0 | None | 3 | 3 | 1.0 | NO |  |" in text


def test_missing_data_skips(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the shared data folder the smoke run says SKIPPED and exits 0."""
    monkeypatch.setenv("SUPPLYOPT_SHARED_DATA", str(tmp_path / "nowhere"))
    assert smoke.main([]) == 0
    assert "SKIPPED" in capsys.readouterr().out


def test_solomon_reference_is_distance_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Solomon gaps use the distance-only BKS (R201: 1149.68, not the 4-vehicle 1252.37)."""
    monkeypatch.setenv("SUPPLYOPT_SHARED_DATA", str(shared_dir()))
    assert data.read_bks("solomon")["R201"].distance == pytest.approx(1149.68)
    assert len(data.list_instances("solomon")) == 56


def test_supplyopt_row_is_verified(monkeypatch: pytest.MonkeyPatch) -> None:
    """One short supplyopt run on C101 is verified feasible and within 1 % of the BKS."""
    monkeypatch.setenv("SUPPLYOPT_SHARED_DATA", str(shared_dir()))
    result = run_one("solomon", "C101", "supplyopt", 1.0, 0)
    assert result.feasible, result.note
    assert result.gap_pct is not None
    assert result.gap_pct < 1.0


@pytest.mark.slow
def test_smoke_run_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CI smoke run (three instances, four solvers, 2 s) passes."""
    monkeypatch.setenv("SUPPLYOPT_SHARED_DATA", str(shared_dir()))
    assert smoke.main([]) == 0
