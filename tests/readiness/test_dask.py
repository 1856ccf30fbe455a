"""Samples planned on a two-worker Dask LocalCluster equal the serial ones for the same seed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supplyopt.readiness import Region, read_region, readiness_result, run_samples
from tests.dask_cluster import local_cluster

from .conftest import TINY_REGION

pytest.importorskip("distributed")  # the module needs a Dask cluster


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    """A LocalCluster of two single-threaded worker processes."""
    with local_cluster(n_workers=2, threads_per_worker=1) as address:
        yield address


@pytest.mark.slow
def test_local_cluster_matches_serial(cluster_address: str) -> None:
    """Ten samples on a LocalCluster of two workers give exactly the serial outcomes."""
    region = read_region(TINY_REGION)
    seen: list[int] = []
    on_cluster = run_samples(
        region,
        samples=10,
        seed=11,
        scheduler=cluster_address,
        progress=lambda done, _total: seen.append(done),
    )
    serial = run_samples(region, samples=10, seed=11, workers=1)
    assert on_cluster == serial
    assert seen == list(range(1, 11))
    assert readiness_result(region, 11, on_cluster, time_limit_s=10) == readiness_result(
        region, 11, serial, time_limit_s=10
    )


def _province_2000() -> Region:
    generator = pytest.importorskip("benchmarks.readiness.regions")
    region: Region = generator.generate_region("province-2000")
    return region


@pytest.mark.slow
def test_two_thousand_settlements_on_cluster_match_serial(cluster_address: str) -> None:
    """The 2,000-settlement generated province runs on the cluster unchanged, as serially.

    Small N (the same code plans 1,000 samples; benchmarks/results/readiness.md).
    """
    region = _province_2000()
    assert len(region.scenario.areas) == 2000
    # A generous safety cap: the planner's fixed work budget, never the clock, ends each plan.
    on_cluster = run_samples(region, samples=4, seed=3, time_limit_s=600, scheduler=cluster_address)
    serial = run_samples(region, samples=4, seed=3, time_limit_s=600, workers=1)
    assert not any(o.time_limited for o in serial + on_cluster)
    assert on_cluster == serial
    assert sum(1 for o in serial if o.area_coverage) >= 2  # real plans, not empty samples
    assert readiness_result(region, 3, on_cluster, time_limit_s=600) == readiness_result(
        region, 3, serial, time_limit_s=600
    )
