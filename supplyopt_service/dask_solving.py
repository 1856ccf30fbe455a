"""Solve plan jobs on a Dask cluster (``supplyopt worker --scheduler ADDRESS``), as ``sweep`` does.

The worker keeps the lease and the job's state; only the solve runs on the
cluster (whose workers need the ``supplyopt`` library, not the service). The
solver's own progress does not cross the network: the job says it is solving
on the cluster until it is done. Cancelling, or losing the lease, cancels the
cluster task.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from supplyopt.model import Plan, Scenario, SupplyOptError

from .solving import ProgressFn, ReplanFn, SolveFn, StopFn

if TYPE_CHECKING:
    from distributed import Client, Future

POLL_S = 0.5


class SolveStoppedError(SupplyOptError):
    """The job was cancelled (or its lease lost) while the cluster solved it."""


def connect(address: str, *, timeout_s: float = 10.0) -> tuple[Client, SolveFn, ReplanFn]:
    """Connect to the scheduler; return the client and functions solving on its cluster.

    Raises
    ------
    OSError
        If the scheduler cannot be reached within ``timeout_s``.
    """
    from distributed import Client

    client = Client(address, timeout=timeout_s)
    where = f"solving on the Dask cluster at {address}"

    def solve(
        scenario: Scenario,
        time_limit_s: float,
        seed: int,
        progress: ProgressFn,
        should_stop: StopFn,
    ) -> dict[str, Any]:
        from supplyopt import plan_relief

        progress(0.0, where)
        future = client.submit(
            plan_relief, scenario, time_limit_s=time_limit_s, seed=seed, pure=False
        )
        return _result(future, should_stop)

    def replan(
        scenario: Scenario,
        previous: Plan,
        events: dict[str, Any],
        time_limit_s: float,
        seed: int,
        progress: ProgressFn,
        should_stop: StopFn,
    ) -> dict[str, Any]:
        from supplyopt import replan as revise

        progress(0.0, where)
        future = client.submit(
            revise, scenario, previous, events, time_limit_s=time_limit_s, seed=seed, pure=False
        )
        return _result(future, should_stop)

    return client, solve, replan


def _result(future: Future, should_stop: StopFn) -> dict[str, Any]:
    """Wait for the cluster's plan, polling ``should_stop``; the plan file as data."""
    # Poll done() rather than result(timeout=...): distributed's timed wait can raise
    # UnboundLocalError instead of TimeoutError when the timeout hits (seen in CI).
    while not future.done():
        if should_stop():
            future.cancel()
            raise SolveStoppedError("stopped while solving on the Dask cluster")
        time.sleep(POLL_S)
    plan: Plan = future.result()
    return plan.model_dump(mode="json", exclude_none=True)
