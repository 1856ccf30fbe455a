"""Sweep files, variants, outcome tables and criticality rankings."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import yaml

import supplyopt
from supplyopt.cli import main
from supplyopt.model import ScenarioError, SweepFileError
from supplyopt.whatif import criticality_variants, delta_rows, read_sweep, run_variants
from supplyopt.whatif.sweep import sweep_variants
from supplyopt.whatif.table import CUT_NOTE, csv_text, render_table
from tests.conftest import tiny_data


def write_sweep(tmp_path: Path, **sweep: object) -> Path:
    (tmp_path / "tiny.yaml").write_text(
        yaml.safe_dump(tiny_data(), allow_unicode=True), encoding="utf-8"
    )
    path = tmp_path / "sweep.yaml"
    path.write_text(
        yaml.safe_dump({"base": "tiny.yaml", "time_limit_s": 5, **sweep}), encoding="utf-8"
    )
    return path


def test_sweep_lists_and_generates_variants(tmp_path: Path) -> None:
    """Listed variants come first, then one per warehouse and per factor."""
    path = write_sweep(
        tmp_path,
        variants=[
            {"name": "w2 out", "disruptions": [{"kind": "warehouse_out", "warehouse": "w2"}]}
        ],
        generate={"warehouse_out": True, "scale_demand": [0.5, 2.0]},
    )
    sweep, base = read_sweep(path)
    names = [name for name, _ in sweep_variants(sweep, base)]
    assert names == ["w2 out", "warehouse out: w1", "warehouse out: w2", "demand ×0.5", "demand ×2"]


def test_bad_variant_is_located(tmp_path: Path) -> None:
    """A variant naming an unknown warehouse is refused with the variant and field named."""
    path = write_sweep(
        tmp_path,
        variants=[{"name": "oops", "disruptions": [{"kind": "warehouse_out", "warehouse": "w9"}]}],
    )
    sweep, base = read_sweep(path)
    with pytest.raises(ScenarioError) as err:
        sweep_variants(sweep, base)
    assert str(err.value.problems[0]).startswith(
        "variants[0] 'oops': disruptions[0].warehouse: unknown warehouse 'w9'"
    )


def test_losing_the_main_warehouse_costs_coverage(tiny: supplyopt.Scenario) -> None:
    """Outcomes show the coverage lost and the units short when w1 is out; ranking puts it first."""
    variants = [(v.name, _apply(tiny, v)) for v in criticality_variants(tiny)]
    outcomes = run_variants([("base", tiny), *variants], time_limit_s=5, workers=1)
    rows = delta_rows(outcomes[0], outcomes[1:], rank=True)
    assert rows[1]["variant"] == "warehouse out: w1"
    assert rows[1]["d_coverage"] < 0
    assert rows[1]["unmet_stock"] > 0
    assert csv_text(rows).splitlines()[0].startswith("variant,coverage,d_coverage,worst_area")


def _apply(base: supplyopt.Scenario, variant: object) -> supplyopt.Scenario:
    from supplyopt.whatif.sweep import variant_scenario

    return variant_scenario(base, variant)  # type: ignore[arg-type]


def test_compare_command_prints_deltas_and_writes_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`supplyopt compare` plans both files and writes a UTF-8 CSV of the deltas."""
    base = tmp_path / "base.yaml"
    base.write_text(yaml.safe_dump(tiny_data(), allow_unicode=True), encoding="utf-8")
    variant = tmp_path / "more-demand.yaml"
    variant.write_text(
        yaml.safe_dump(
            tiny_data(disruptions=[{"kind": "scale_demand", "factor": 3.0}]), allow_unicode=True
        ),
        encoding="utf-8",
    )
    out = tmp_path / "deltas.csv"
    code = main(
        [
            "compare",
            str(base),
            str(variant),
            "--workers",
            "1",
            "--time-limit",
            "5",
            "--csv",
            str(out),
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "more-demand" in printed
    assert "coverage" in printed
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    assert lines[2].startswith("more-demand,")


def test_sweep_command_refuses_a_bad_sweep_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown field in a sweep file gives exit code 2 and a located message."""
    path = write_sweep(tmp_path, variantz=[])
    assert main(["sweep", str(path)]) == 2
    assert "variantz: unknown field" in capsys.readouterr().err


def test_variant_cut_by_the_clock_is_flagged(tiny: supplyopt.Scenario) -> None:
    """A variant whose solve the time limit cut is flagged in the outcome, the CSV and the table."""
    outcomes = run_variants([("base", tiny), ("same", tiny)], time_limit_s=1e-6, workers=1)
    assert all(o.time_limited for o in outcomes)
    assert all(o.coverage > 0 for o in outcomes)  # the first plan, not an empty one
    rows = delta_rows(outcomes[0], outcomes[1:])
    assert all(row["time_limited"] for row in rows)
    assert csv_text(rows).splitlines()[0].endswith(",time_limited")
    table = render_table(rows)
    assert CUT_NOTE in table
    assert table.splitlines()[0].rstrip().endswith("cut")


def test_generous_limit_gives_the_same_table_twice(tiny: supplyopt.Scenario) -> None:
    """With a fixed work budget and a generous cap, two runs print the same, unflagged table."""
    variants = [(v.name, _apply(tiny, v)) for v in criticality_variants(tiny)]
    tables = []
    for _ in range(2):
        outcomes = run_variants([("base", tiny), *variants], time_limit_s=120, workers=1)
        assert not any(o.time_limited for o in outcomes)
        tables.append(render_table(delta_rows(outcomes[0], outcomes[1:], rank=True)))
    assert tables[0] == tables[1]
    assert CUT_NOTE not in tables[0]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("seed", -1, "seed: must be >= 0"),
        ("seed", 10**23, "seed: must be <= 2147483647"),
        ("time_limit_s", float("nan"), "time_limit_s: must be a finite number"),
        ("time_limit_s", 1e9, "time_limit_s: must be <= 86400"),
    ],
)
def test_sweep_file_seed_and_time_limit_are_checked(
    tmp_path: Path, field: str, value: object, message: str
) -> None:
    """A seed or time limit out of range is a located sweep-file problem, not a traceback."""
    path = write_sweep(tmp_path, **{field: value})
    with pytest.raises(SweepFileError) as err:
        read_sweep(path)
    assert str(err.value).startswith(f"{path}: invalid sweep file (1 problem)")
    assert str(err.value.problems[0]).startswith(message)


def test_sweep_file_problems_are_reported_together(tmp_path: Path) -> None:
    """A bad time limit and seed do not hide the variants' problems."""
    path = write_sweep(
        tmp_path,
        time_limit_s=float("nan"),
        seed=-1,
        variants=[{"name": "x", "set": {"deadline_hours": -3}}],
    )
    with pytest.raises(SweepFileError) as err:
        read_sweep(path)
    lines = [str(p) for p in err.value.problems]
    assert [line.split(":")[0] for line in lines] == ["time_limit_s", "seed", "variants[0] 'x'"]


def test_sweep_file_error_heading_names_the_file_and_pickles(tmp_path: Path) -> None:
    """Variant problems are headed as an invalid sweep file naming it; the error pickles."""
    path = write_sweep(tmp_path, variants=[{"name": "x", "set": {"deadline_hours": -3}}])
    sweep, base = read_sweep(path)
    with pytest.raises(SweepFileError) as err:
        sweep_variants(sweep, base, source=str(path))
    assert str(err.value).splitlines()[0] == f"{path}: invalid sweep file (1 problem)"
    copy = pickle.loads(pickle.dumps(err.value))
    assert type(copy) is SweepFileError
    assert str(copy) == str(err.value)


def test_sweep_command_refuses_a_seed_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sweep` exits 2 with the located problem for seed -1 in the file, no traceback."""
    path = write_sweep(tmp_path, seed=-1)
    assert main(["sweep", str(path), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "seed: must be >= 0" in err
    assert "Traceback" not in err


def test_criticality_refuses_negative_roads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`sweep --criticality --roads -1` is refused in one line with exit 2."""
    path = write_sweep(tmp_path)
    base = str(path.parent / "tiny.yaml")
    assert main(["sweep", "--criticality", "--roads", "-1", base]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "--roads" in err
