"""Sweeps on a two-worker Dask LocalCluster on loopback give the same outcomes as serial runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import supplyopt
from supplyopt.whatif import run_variants
from supplyopt.whatif.sweep import Variant, variant_scenario
from tests.conftest import tiny_data
from tests.dask_cluster import local_cluster

pytest.importorskip("distributed")  # the module needs a Dask cluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two worker processes on 127.0.0.1."""
    with local_cluster(n_workers=2, threads_per_worker=1) as address:
        yield address


def variants(count: int) -> list[tuple[str, supplyopt.Scenario]]:
    """Small, fast variants: demand and fleet scaled in turn."""
    base = supplyopt.parse_scenario(tiny_data())
    out = []
    for idx in range(count):
        disruptions = [
            {"kind": "scale_demand", "factor": 0.5 + (idx % 20) * 0.1},
            {"kind": "reduce_fleet", "factor": [1.0, 0.5, 0.34][idx % 3], "warehouse": "w1"},
        ]
        variant = Variant.model_validate({"name": f"v{idx:03d}", "disruptions": disruptions})
        out.append((variant.name, variant_scenario(base, variant)))
    return out


@pytest.mark.slow
def test_dask_sweep_matches_serial(scheduler: str) -> None:
    """Twelve variants on the cluster give exactly the serial outcomes, in order."""
    jobs = variants(12)
    seen: list[int] = []
    on_cluster = run_variants(
        jobs, time_limit_s=10, scheduler=scheduler, progress=lambda d, t, n: seen.append(d)
    )
    assert on_cluster == run_variants(jobs, time_limit_s=10, workers=1)
    assert seen == list(range(1, 13))


@pytest.mark.slow
def test_two_hundred_variant_sweep_matches_serial(scheduler: str) -> None:
    """A 200-variant sweep on the two-worker cluster equals the serial run."""
    jobs = variants(200)
    assert run_variants(jobs, time_limit_s=10, scheduler=scheduler) == run_variants(
        jobs, time_limit_s=10, workers=1
    )
