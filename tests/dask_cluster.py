"""A local Dask cluster for the tests that run work on one (sweep, readiness, job workers)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def local_cluster(*, n_workers: int, threads_per_worker: int) -> Iterator[str]:
    """A LocalCluster of worker processes on 127.0.0.1, quiet; yields the scheduler's address.

    Callers skip first when ``distributed`` is missing (``pytest.importorskip``).
    """
    import distributed

    with distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",  # any free port: 8787 may be taken
        silence_logs=40,
    ) as cluster:
        yield cluster.scheduler_address
