"""Plan many variants: serially, on a local process pool, or on a Dask cluster.

Every variant is planned by :func:`supplyopt.plan_relief` with the same
seed and the same fixed work budget (:data:`WHATIF_BUDGET`: how many
planner variants and restarts, not how many seconds), wherever it runs, so
a sweep gives the same outcomes serially, on a pool or on a cluster, on an
idle machine or a loaded one. The time limit is only a safety cap; a
variant whose solve it still cut is flagged (``Outcome.time_limited``) and
marked in the tables.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any

from ..model import Scenario, apply_disruptions
from .outcome import Outcome, outcome_of

if TYPE_CHECKING:
    from ..solve.planner import WorkBudget

#: Work per variant (see ``WorkBudget``): the planner's first two variants (vehicle and
#: bay budgets at 0.5 and 0.7, vehicles may move) and no randomised restarts. On the
#: bundled scenarios that takes well under a second on an idle core, so the default 5 s
#: cap leaves room for a loaded machine; the clock no longer decides how much search a
#: variant gets.
WHATIF_VARIANTS = 2
WHATIF_RESTARTS = 0
#: No search over vehicle-days (it would run until the clock or its stall limit).
WHATIF_LNS_ITERATIONS = 0
#: No allocation feedback rounds either: each round is one more LP solve and dispatch of the
#: first variant (up to FEEDBACK_ROUNDS), time that rows comparing scenarios do not need.
WHATIF_FEEDBACK = 0

#: Called with (variants done, variants in all, name of the one just done).
SweepProgress = Callable[[int, int, str], None]


def solve_variant(
    name: str,
    scenario_data: dict[str, Any],
    time_limit_s: float,
    seed: int,
    budget: WorkBudget | None = None,
) -> Outcome:
    """Plan one variant and summarise it (runs in a worker; arguments are plain data).

    ``budget`` defaults to the what-if budget (``WHATIF_VARIANTS``, ``WHATIF_RESTARTS``).
    """
    from ..network import explicit_graph  # noqa: F401  (numba; see below)
    from ..solve.planner import WorkBudget, plan_relief

    # The travel-time stage imports the road modules (numba among them) on first use: several
    # seconds in a fresh worker on a loaded machine, which the variant's time limit would
    # otherwise pay for. Importing them here, before the planner's clock starts, keeps a
    # worker's first variant as well searched as its others.
    if budget is None:
        budget = WorkBudget(
            variants=WHATIF_VARIANTS,
            restarts=WHATIF_RESTARTS,
            lns_iterations=WHATIF_LNS_ITERATIONS,
            feedback=WHATIF_FEEDBACK,
        )
    scenario = Scenario.model_validate(scenario_data)
    plan = plan_relief(scenario, time_limit_s=time_limit_s, seed=seed, budget=budget)
    return outcome_of(name, apply_disruptions(scenario), plan)


def run_variants(
    variants: Sequence[tuple[str, Scenario]],
    *,
    time_limit_s: float = 5.0,
    seed: int = 0,
    budget: WorkBudget | None = None,
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
        Passed to the planner for every variant; the time limit is a safety
        cap (outcomes it cut are flagged ``time_limited``).
    budget
        The planner's work per variant, the same for every variant and
        independent of the clock (default: ``WHATIF_VARIANTS`` variants,
        ``WHATIF_RESTARTS`` restarts).
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
        return _run_dask(jobs, scheduler, time_limit_s, seed, budget, progress)
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers <= 1 or len(jobs) <= 1:
        out: list[Outcome] = []
        for name, data in jobs:
            out.append(solve_variant(name, data, time_limit_s, seed, budget))
            if progress:
                progress(len(out), len(jobs), name)
        return out
    results: dict[int, Outcome] = {}
    ctx = multiprocessing.get_context("forkserver" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx) as pool:
        futures = {
            pool.submit(solve_variant, name, data, time_limit_s, seed, budget): idx
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
    budget: WorkBudget | None,
    progress: SweepProgress | None,
) -> list[Outcome]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler) as client:
        futures = [
            client.submit(solve_variant, name, data, time_limit_s, seed, budget, pure=False)
            for name, data in jobs
        ]
        index = {future.key: idx for idx, future in enumerate(futures)}
        completed = dask_completed(futures)
        for done, future in enumerate(completed, start=1):
            if progress:
                progress(done, len(jobs), jobs[index[future.key]][0])
        outcomes: list[Outcome] = client.gather(futures)
    return outcomes
