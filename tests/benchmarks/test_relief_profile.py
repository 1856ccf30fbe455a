"""The relief benchmark's profile mode: one plan per time limit, one column per limit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from benchmarks.relief import run


def test_profile_writes_one_column_per_time_limit(tmp_path: Path) -> None:
    """--profile 1,2: exit 0, two checked rows in the CSV, a table with a column per limit."""
    out = tmp_path / "relief"
    code = run.main(["--families", "small-loose", "--profile", "1,2", "--out", str(out)])
    assert code == 0
    with (tmp_path / "relief-profile.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert [float(r["time_limit_s"]) for r in rows] == [1.0, 2.0]
    assert all(r["violations"] == "0" for r in rows)
    assert all(float(r["coverage"]) <= float(r["bound"]) + 1e-4 for r in rows)
    text = (tmp_path / "relief-profile.md").read_text(encoding="utf-8")
    assert "| family | seed | LP bound | 1 s | 2 s | violations |" in text
    assert "| small-loose | 1 | 1.0000 |" in text


def test_profile_refuses_a_bad_limit_list() -> None:
    """--profile with something that is not seconds is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as exit_:
        run.main(["--families", "small-loose", "--profile", "2,soon"])
    assert exit_.value.code == 2


def test_profile_takes_the_bounds_of_an_earlier_run(tmp_path: Path) -> None:
    """--bounds-from: the profile's LP bound is the CSV's (a profile's CSV will do), not solved."""
    old = tmp_path / "old.csv"
    old.write_text("family,seed,bound\nsmall-loose,1,0.5\n", encoding="utf-8")  # a profile's
    out = tmp_path / "relief"
    code = run.main(
        [
            "--families",
            "small-loose",
            "--profile",
            "1",
            "--bounds-from",
            str(old),
            "--out",
            str(out),
        ]
    )
    assert code == 0
    with (tmp_path / "relief-profile.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert [float(r["bound"]) for r in rows] == [0.5]  # solved, it is 1.0 (first test)
    assert float(rows[0]["of_bound"]) == pytest.approx(2 * float(rows[0]["coverage"]), abs=2e-4)


def test_bounds_from_a_file_without_bounds_is_refused(tmp_path: Path) -> None:
    """A CSV without a ``bound`` column: exit 2 before planning anything."""
    old = tmp_path / "old.csv"
    old.write_text("family,seed\nsmall-loose,1\n", encoding="utf-8")
    out = tmp_path / "relief"
    args = ["--families", "small-loose", "--profile", "1", "--bounds-from", str(old)]
    assert run.main([*args, "--out", str(out)]) == 2
    assert not (tmp_path / "relief-profile.csv").exists()


def test_bounds_from_a_file_with_a_bad_number_names_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A seed or bound that is not a number: exit 2, one line naming the file and the line."""
    old = tmp_path / "old.csv"
    old.write_text("family,seed,bound\nsmall-loose,one,0.5\n", encoding="utf-8")
    args = ["--families", "small-loose", "--profile", "1", "--bounds-from", str(old)]
    assert run.main([*args, "--out", str(tmp_path / "relief")]) == 2
    message = capsys.readouterr().err.strip()
    assert message.startswith(f"--bounds-from: {old} line 2: not a number")
    assert "\n" not in message


def test_bounds_from_several_files_the_later_one_wins(tmp_path: Path) -> None:
    """--bounds-from A B: the rows of both are taken, B's where both have a (family, seed)."""
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("family,seed,bound\nsmall-loose,1,0.5\nsmall-loose,2,0.8\n", encoding="utf-8")
    b.write_text("family,seed,bound\nsmall-loose,1,0.25\n", encoding="utf-8")
    out = tmp_path / "relief"
    args = ["--families", "small-loose", "--seeds", "1,2", "--profile", "1"]
    assert run.main([*args, "--bounds-from", str(a), str(b), "--out", str(out)]) == 0
    with (tmp_path / "relief-profile.csv").open(encoding="utf-8") as table:
        rows = list(csv.DictReader(table))
    assert [(r["seed"], float(r["bound"])) for r in rows] == [("1", 0.25), ("2", 0.8)]
