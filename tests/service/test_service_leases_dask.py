"""``supplyopt worker --scheduler``: plan jobs solved on a Dask LocalCluster, under the lease."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from supplyopt_service.core.db import Database
from supplyopt_service.core.settings import Settings
from supplyopt_service.dask_solving import connect
from supplyopt_service.worker import JobWorker
from tests.dask_cluster import local_cluster

from .test_service_leases import queue_jobs, statuses, wait_until

pytest.importorskip("distributed")  # the module needs a Dask cluster


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of one worker process on 127.0.0.1."""
    with local_cluster(n_workers=1, threads_per_worker=2) as address:
        yield address


@pytest.mark.slow
def test_jobs_solved_on_the_cluster_are_stored_by_the_worker(
    scheduler: str, settings: Settings, db: Database
) -> None:
    """Queued jobs are claimed by the worker and solved on the cluster: real plans, done."""
    ids = queue_jobs(db, 3)
    client, solve, replan = connect(scheduler)
    worker = JobWorker(db, settings, solve, replan, name="dask", concurrency=2)
    worker.start()
    try:
        wait_until(lambda: all(j.status == "done" for j in statuses(db).values()), 120)
    finally:
        worker.shutdown(30)
        client.close()
    jobs = statuses(db)
    assert {jobs[i].plan["scenario"] for i in ids} == set(ids)  # type: ignore[index]
    assert all(jobs[i].plan["summary"]["demand_units"] == 720 for i in ids)  # type: ignore[index]
