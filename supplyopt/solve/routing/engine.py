"""``solve_routing``: the one entry point of supplyopt's routing engine."""

from __future__ import annotations

import math
from collections.abc import Callable

from ._pyvrp_engine import solve_with_pyvrp
from .problem import RoutingProblem
from .solution import RoutingSolution

#: Default number of search iterations without improvement after which the
#: search stops. Stopping on iterations, not on the clock, makes the result
#: depend only on the input and the seed whenever the time limit is not hit.
DEFAULT_MAX_NO_IMPROVEMENT = 10_000


def solve_routing(
    problem: RoutingProblem,
    *,
    time_limit_s: float,
    seed: int = 0,
    max_no_improvement: int | None = DEFAULT_MAX_NO_IMPROVEMENT,
    max_iterations: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RoutingSolution:
    """Find a low-cost set of routes for ``problem``.

    The search (PyVRP's iterated local search, single-threaded) stops at the
    first of: ``time_limit_s`` elapsed, ``max_no_improvement`` iterations
    without a better solution, ``max_iterations`` iterations, or
    ``should_stop()`` returning True. It always returns the best solution
    found; check ``feasible`` and ``unvisited``.

    Parameters
    ----------
    problem
        The problem in engine integers.
    time_limit_s
        Wall-clock cap in seconds (> 0).
    seed
        Random seed; same problem + seed ⇒ same solution unless the clock stops
        the search.
    max_no_improvement
        Stop after this many iterations without improvement (None: no such limit).
    max_iterations
        Stop after this many iterations (None: no such limit).
    should_stop
        Polled during the search; True ends it with the best solution so far.

    Returns
    -------
    RoutingSolution
        Routes with client indices into ``problem.clients``.
    """
    if not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise ValueError(f"time_limit_s: must be a positive number of seconds, got {time_limit_s}")
    return solve_with_pyvrp(
        problem,
        time_limit_s=time_limit_s,
        seed=seed,
        max_no_improvement=max_no_improvement,
        max_iterations=max_iterations,
        should_stop=should_stop,
    )
