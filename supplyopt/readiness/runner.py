"""Plan every sample in full: in this process, on local processes, or on a Dask cluster.

Each sample is drawn where it is planned, from the region, the seed and its
index alone (see :mod:`.sampling`), and planned by
:func:`supplyopt.plan_relief` with the what-if work budget
(:data:`supplyopt.whatif.runner.WHATIF_VARIANTS` variants,
:data:`~supplyopt.whatif.runner.WHATIF_RESTARTS` restarts), the same wherever it
runs: serial, pool and cluster runs give the same outcomes for the same seed,
on an idle machine or a loaded one. The time limit per sample is a safety
cap; outcomes it cut are flagged ``time_limited``.

The region crosses to each worker once (a pool's initializer, a scattered
Dask future), not with every sample; workers keep the parsed region by its digest.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from ..solve.planner import WorkBudget, plan_relief
from ..whatif.runner import (
    WHATIF_FEEDBACK,
    WHATIF_LNS_ITERATIONS,
    WHATIF_RESTARTS,
    WHATIF_VARIANTS,
)
from .outcome import SampleOutcome, nothing_to_plan, outcome_of
from .region import Region, parse_region
from .sampling import draw_sample, sample_scenario

#: Called with (samples done, samples in all).
SampleProgress = Callable[[int, int], None]

#: The planner's work per sample (fixed, independent of the clock).
SAMPLE_BUDGET = WorkBudget(
    variants=WHATIF_VARIANTS,
    restarts=WHATIF_RESTARTS,
    lns_iterations=WHATIF_LNS_ITERATIONS,
    feedback=WHATIF_FEEDBACK,
)

#: Parsed regions a worker holds, by digest (a worker serves one run at a time).
_REGIONS: dict[str, Region] = {}
_INSTALLED: list[str] = []


def region_digest(data: dict[str, Any]) -> str:
    """A digest of the region's plain data: the key workers keep it under."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _region(data: dict[str, Any] | None, digest: str) -> Region:
    if digest not in _REGIONS:
        if data is None:  # pragma: no cover - the pool installs the region first
            raise RuntimeError(f"region {digest} not installed in this worker")
        _REGIONS.clear()
        _REGIONS[digest] = parse_region(data)
    return _REGIONS[digest]


def plan_sample(
    region: Region, seed: int, index: int, *, time_limit_s: float, budget: WorkBudget
) -> SampleOutcome:
    """Draw sample ``index`` of ``seed``, plan it in full and summarise the plan."""
    sample = draw_sample(region, seed, index)
    scenario = sample_scenario(region, sample)
    if scenario is None:
        return nothing_to_plan(sample)
    plan = plan_relief(scenario, time_limit_s=time_limit_s, seed=seed, budget=budget)
    return outcome_of(sample, scenario, plan)


def _solve(
    data: dict[str, Any] | None,
    digest: str,
    seed: int,
    index: int,
    time_limit_s: float,
    budget: WorkBudget,
) -> SampleOutcome:
    """One sample in a worker (arguments are plain data)."""
    from ..network import explicit_graph  # noqa: F401  (numba, before the planner's clock)

    return plan_sample(_region(data, digest), seed, index, time_limit_s=time_limit_s, budget=budget)


def _install(data: dict[str, Any], digest: str) -> None:
    """A pool worker's initializer: parse the region once."""
    _region(data, digest)


def run_samples(
    region: Region,
    *,
    samples: int,
    seed: int = 0,
    time_limit_s: float = 10.0,
    budget: WorkBudget = SAMPLE_BUDGET,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: SampleProgress | None = None,
) -> list[SampleOutcome]:
    """Plan samples ``0 … samples-1`` of ``seed`` and return their outcomes in index order.

    Parameters
    ----------
    region
        The region.
    samples, seed
        Which samples; ``seed`` is also the planner's seed.
    time_limit_s
        Safety cap per sample (outcomes it cut are flagged ``time_limited``).
    budget
        The planner's work per sample (default :data:`SAMPLE_BUDGET`).
    workers
        Local processes; 1 plans in this process; ``None`` uses every CPU.
        Ignored with ``scheduler``.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``): plan there instead.
    progress
        Called as each sample finishes.
    """
    data = region.to_data()
    digest = region_digest(data)
    if scheduler is not None:
        return _run_dask(data, digest, samples, seed, time_limit_s, budget, scheduler, progress)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers <= 1 or samples <= 1:
        out: list[SampleOutcome] = []
        for index in range(samples):
            out.append(plan_sample(region, seed, index, time_limit_s=time_limit_s, budget=budget))
            if progress:
                progress(len(out), samples)
        return out
    results: dict[int, SampleOutcome] = {}
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(
        max_workers=n_workers, mp_context=ctx, initializer=_install, initargs=(data, digest)
    ) as pool:
        futures = {
            pool.submit(_solve, None, digest, seed, index, time_limit_s, budget): index
            for index in range(samples)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            if progress:
                progress(len(results), samples)
    return [results[index] for index in range(samples)]


def _run_dask(
    data: dict[str, Any],
    digest: str,
    samples: int,
    seed: int,
    time_limit_s: float,
    budget: WorkBudget,
    scheduler: str,
    progress: SampleProgress | None,
) -> list[SampleOutcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        [shared] = client.scatter([data], broadcast=True)
        futures = [
            client.submit(_solve, shared, digest, seed, index, time_limit_s, budget, pure=False)
            for index in range(samples)
        ]
        for done, _ in enumerate(dask_completed(futures), start=1):
            if progress:
                progress(done, samples)
        outcomes: list[SampleOutcome] = client.gather(futures)
    return outcomes
