"""Readiness shares are rounded down in the terminal and on the map, like every other report."""

from __future__ import annotations

from typing import Any

import pytest

from supplyopt.cli.readiness import print_readiness
from supplyopt.readiness import parse_region
from supplyopt.report.readiness_svg import readiness_svg

from .conftest import tiny_region_data


def almost_full() -> dict[str, Any]:
    """A hand-made result where shares fall just short of a round number."""
    return {
        "region": "tiny",
        "samples": 150,
        "seed": 1,
        "weighted_coverage": {"mean": 0.9996, "p05": 0.98, "min": 0.0296},
        "areas": [
            # 147 of 150 samples fully served (98 %); a mean coverage :.0% showed as 100 %
            {
                "id": "s1",
                "affected_in": 150,
                "full_on_time_share": 147 / 150,
                "mean_coverage": 0.996,
            },
            # 299 of 300: 99.67 %, which :.0% rounded up to 100 %
            {
                "id": "s2",
                "affected_in": 300,
                "full_on_time_share": 299 / 300,
                "mean_coverage": 0.9951,
            },
            {"id": "s3", "affected_in": 0, "full_on_time_share": None, "mean_coverage": None},
            {"id": "s4", "affected_in": 10, "full_on_time_share": 1.0, "mean_coverage": 1.0},
        ],
        "binding": [],
        "checked": {"plans": 150, "violations": 0},
        "time_limited": 0,
    }


def test_terminal_never_rounds_a_shortfall_up(capsys: pytest.CaptureFixture[str]) -> None:
    """print_readiness: 299/300 reads 99%, a mean of 0.9996 reads 99.9%, not 100."""
    print_readiness(parse_region(tiny_region_data()), almost_full(), [])
    out = capsys.readouterr().out
    assert "mean 99.9%, 5th percentile 98.0%, worst 2.9%" in out
    s2 = next(line for line in out.splitlines() if "(s2)" in line)
    assert "99%" in s2
    assert "100%" not in s2
    assert "99%" in next(line for line in out.splitlines() if "(s1)" in line)


def test_map_never_rounds_a_shortfall_up() -> None:
    """readiness_svg: labels, tooltips and the header round down; only a full 1.0 is 100%."""
    region = parse_region(tiny_region_data())
    svg = readiness_svg(region.scenario, almost_full())
    assert "mean 99.9%, 5th percentile 98.0%, worst 2.9%" in svg
    assert "s2: 99% fully on time" in svg
    assert "s2: 100%" not in svg
    assert "石梯子乡: 98% fully on time" in svg
    assert "s4: 100% fully on time" in svg
