"""Reference planners and bounds, for benchmarks and tests: not used by ``plan_relief``.

- :func:`~supplyopt.solve.reference.bound.coverage_upper_bound`: an LP upper
  bound on weighted on-time coverage, against which plans are judged;
- :func:`~supplyopt.solve.reference.baseline.plan_baseline`: hand dispatch,
  the plan a duty officer would make without an optimiser.

They live under :mod:`supplyopt.solve` because only that package may import
OR-Tools (the bound solves its LP with GLOP through :mod:`supplyopt.solve._lp`).
"""

from .baseline import plan_baseline
from .bound import CoverageBound, coverage_upper_bound

__all__ = ["CoverageBound", "coverage_upper_bound", "plan_baseline"]
