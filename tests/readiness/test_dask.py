"""Samples planned on a two-worker Dask LocalCluster equal the serial ones for the same seed."""

from __future__ import annotations

import pytest

from supplyopt.readiness import read_region, readiness_result, run_samples

from .conftest import TINY_REGION

distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_local_cluster_matches_serial() -> None:
    """Ten samples on a LocalCluster of two workers give exactly the serial outcomes."""
    region = read_region(TINY_REGION)
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=40,
    ) as cluster:
        seen: list[int] = []
        on_cluster = run_samples(
            region,
            samples=10,
            seed=11,
            scheduler=cluster.scheduler_address,
            progress=lambda done, _total: seen.append(done),
        )
    serial = run_samples(region, samples=10, seed=11, workers=1)
    assert on_cluster == serial
    assert seen == list(range(1, 11))
    assert readiness_result(region, 11, on_cluster, time_limit_s=10) == readiness_result(
        region, 11, serial, time_limit_s=10
    )
