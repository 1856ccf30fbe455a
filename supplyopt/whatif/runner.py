"""Plan many variants: serially, on a local process pool, or on a Dask cluster.

Every variant is planned by :func:`supplyopt.plan_relief` with the same
seed and time limit, wherever it runs, so a sweep gives the same outcomes
serially, on a pool or on a cluster (for variants the planner finishes
within the time limit).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from ..model import Scenario, apply_disruptions
from .outcome import Outcome, outcome_of

#: Called with (variants done, variants in all, name of the one just done).
SweepProgress = Callable[[int, int, str], None]


def solve_variant(
    name: str, scenario_data: dict[str, Any], time_limit_s: float, seed: int
) -> Outcome:
    """Plan one variant and summarise it (runs in a worker; arguments are plain data)."""
    from ..solve import plan_relief

    scenario = Scenario.model_validate(scenario_data)
    plan = plan_relief(scenario, time_limit_s=time_limit_s, seed=seed)
    return outcome_of(name, apply_disruptions(scenario), plan)


def run_variants(
    variants: Sequence[tuple[str, Scenario]],
    *,
    time_limit_s: float = 5.0,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: SweepProgress | None = None,
) -> list[Outcome]:
    """Plan every variant and return their outcomes in the given order.

    Parameters
    ----------
    variants
        (name, scenario) pairs.
    time_limit_s, seed
        Passed to the planner for every variant.
    workers
        Local processes; 1 plans in this process; ``None`` uses every CPU.
        Ignored with ``scheduler``.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``): plan on that
        cluster instead (needs the ``sweep`` extra).
    progress
        Called as each variant finishes.
    """
    jobs = [
        (name, scenario.model_dump(mode="json", by_alias=True, exclude_none=True))
        for name, scenario in variants
    ]
    if scheduler is not None:
        return _run_dask(jobs, scheduler, time_limit_s, seed, progress)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers <= 1 or len(jobs) <= 1:
        out: list[Outcome] = []
        for name, data in jobs:
            out.append(solve_variant(name, data, time_limit_s, seed))
            if progress:
                progress(len(out), len(jobs), name)
        return out
    results: dict[int, Outcome] = {}
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
        futures = {
            pool.submit(solve_variant, name, data, time_limit_s, seed): idx
            for idx, (name, data) in enumerate(jobs)
        }
        for future in as_completed(futures):
            idx = futures[future]
            results[idx] = future.result()
            if progress:
                progress(len(results), len(jobs), jobs[idx][0])
    return [results[idx] for idx in range(len(jobs))]


def _run_dask(
    jobs: list[tuple[str, dict[str, Any]]],
    scheduler: str,
    time_limit_s: float,
    seed: int,
    progress: SweepProgress | None,
) -> list[Outcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = [
            client.submit(solve_variant, name, data, time_limit_s, seed, pure=False)
            for name, data in jobs
        ]
        index = {future.key: idx for idx, future in enumerate(futures)}
        completed = dask_completed(futures)
        for done, future in enumerate(completed, start=1):
            if progress:
                progress(done, len(jobs), jobs[index[future.key]][0])
        outcomes: list[Outcome] = client.gather(futures)
    return outcomes
