"""The readiness result: the JSON of contract §7, the map, and the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supplyopt.cli import main
from supplyopt.readiness import Region, readiness_result, run_samples
from supplyopt.readiness.report import REASONS

from .conftest import TINY_REGION

CONTRACT_KEYS = {
    "region",
    "samples",
    "seed",
    "weighted_coverage",
    "areas",
    "shortfall",
    "sample_results",
}
EXTENSIONS = {"binding", "checked", "time_limited", "time_limit_s"}


@pytest.fixture(scope="module")
def result() -> dict[str, object]:
    """Six samples of the tiny region planned in this process."""
    from supplyopt.readiness import read_region

    region = read_region(TINY_REGION)
    outcomes = run_samples(region, samples=6, seed=2, workers=1)
    return readiness_result(region, 2, outcomes, time_limit_s=10.0)


def test_result_has_the_contract_shape(result: dict[str, object]) -> None:
    """Every key of §7, in the shapes it gives, plus the documented extensions."""
    assert set(result) == CONTRACT_KEYS | EXTENSIONS
    assert result["region"] == "tiny-region"
    assert result["samples"] == 6
    assert result["seed"] == 2
    cov = result["weighted_coverage"]
    assert isinstance(cov, dict)
    assert set(cov) == {"mean", "p05", "min"}
    assert cov["min"] <= cov["p05"] <= cov["mean"] <= 1.0
    areas = result["areas"]
    assert isinstance(areas, list)
    assert [a["id"] for a in areas] == ["s1", "s2", "s3", "s4", "s5"]
    for row in areas:
        assert set(row) == {"id", "affected_in", "full_on_time_share", "mean_coverage"}
        if row["affected_in"] == 0:
            assert row["full_on_time_share"] is None
        else:
            assert 0.0 <= row["full_on_time_share"] <= 1.0
    shortfall = result["shortfall"]
    assert isinstance(shortfall, dict)
    assert set(shortfall) == set(REASONS)
    assert {"stock", "fleet", "deadline", "unreachable"} <= set(shortfall)
    samples = result["sample_results"]
    assert isinstance(samples, list)
    assert len(samples) == 6
    for row in samples:
        assert set(row) == {
            "hazard",
            "centre",
            "radius_km",
            "weighted_coverage",
            "min_area_coverage",
        }
        assert row["hazard"] in {"earthquake", "snowstorm"}
        assert len(row["centre"]) == 2
    assert result["checked"] == {"plans": 6, "violations": 0}


def test_mean_is_the_mean_of_the_samples(result: dict[str, object]) -> None:
    """The mean coverage is the mean of the samples' weighted coverage."""
    rows = result["sample_results"]
    assert isinstance(rows, list)
    mean = sum(r["weighted_coverage"] for r in rows) / len(rows)
    assert result["weighted_coverage"]["mean"] == pytest.approx(mean, abs=1e-6)  # type: ignore[index]


def test_the_command_writes_json_and_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``readiness`` writes R.json and R.svg beside it, with every settlement on the map."""
    out = tmp_path / "r.json"
    code = main(
        ["readiness", str(TINY_REGION), "--samples", "3", "--workers", "1", "--out", str(out)]
    )
    assert code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["samples"] == 3
    svg = out.with_suffix(".svg").read_text(encoding="utf-8")
    assert svg.count('class="settlement"') == 5
    assert "石梯子乡" in svg
    shown = capsys.readouterr().out
    assert "weighted on-time coverage: mean" in shown
    assert "3 plans checked, 0 violations" in shown or "plans checked, 0 violations" in shown


def test_a_bad_region_exits_2_with_located_messages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A region with a bad radius is refused (exit 2) with the problem located; nothing written."""
    bad = tmp_path / "bad.yaml"
    text = TINY_REGION.read_text(encoding="utf-8").replace("[60, 120]", "[120, 60]")
    bad.write_text(text, encoding="utf-8")
    out = tmp_path / "r.json"
    assert main(["readiness", str(bad), "--samples", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "invalid region (1 problem)" in err
    assert "hazards[1].radius_km: must be two numbers, low <= high" in err
    assert not out.exists()


def test_samples_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    """``--samples 0`` is refused by the parser (exit 2)."""
    with pytest.raises(SystemExit) as caught:
        main(["readiness", str(TINY_REGION), "--samples", "0"])
    assert caught.value.code == 2
    assert "--samples: must be a whole number >= 1" in capsys.readouterr().err


def test_region_passes_to_pool_workers(tiny_region: Region) -> None:
    """Two local processes give the same outcomes as planning in this process."""
    serial = run_samples(tiny_region, samples=4, seed=5, workers=1)
    pooled = run_samples(tiny_region, samples=4, seed=5, workers=2)
    assert pooled == serial


def test_the_map_never_rounds_a_shortfall_up(tiny_region: Region) -> None:
    """A settlement fully served in 99.6 % of its disasters reads 99 %, never 100 % (issue 15)."""
    from supplyopt.report.readiness_svg import readiness_svg

    areas = [
        {"id": a.id, "affected_in": 250, "full_on_time_share": 0.996, "mean_coverage": 0.999}
        for a in tiny_region.scenario.areas
    ]
    result = {
        "region": "tiny",
        "samples": 250,
        "weighted_coverage": {"mean": 0.9996, "p05": 0.9994, "min": 0.9},
        "areas": areas,
    }
    svg = readiness_svg(tiny_region.scenario, result)
    assert "99% fully on time" in svg
    assert "mean 99.9%, 5th percentile 99.9%" in svg
    assert "100% fully on time" not in svg
    assert "100.0%" not in svg
