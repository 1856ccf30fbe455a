"""The allocation LP's three stages, each keeping what the one before reached.

1. maximise the on-time value (priority-weighted coverage, contract §2);
2. keeping that, maximise the smallest area coverage (fairness);
3. keeping both, minimise the vehicle hours spent, which favours near
   warehouses and leaves slack for the dispatch stage.

Every stage re-solves the same GLOP model. The rows that keep the earlier
stages' optimum are there from the start, inert (the value row unbounded, the
fairness column fixed at 0), and none of the three solves presolves, so the
second and third change only bounds and the objective and GLOP starts each
from the last optimal basis: on medium-tight-fleet seed 1 (31 allocations)
the three stages took 1.5 s, 5.1 s and 3.9 s solved from scratch, 1.7 s,
0.3 s and 0.7 s so (medium-bays seed 1: 3.2 / 12.4 / 8.8 s against
4.6 / 0.7 / 1.9 s). Province-scale models (more than
:data:`FULL_STAGES_MAX_COLUMNS` columns) stop after the first stage, which
keeps GLOP's presolve.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ._allocation_model import AllocationModel
from ._lp import LpStatus
from .instance import FloatArray, Instance, IntArray

#: Share of the allocation time limit given to each stage (value, fairness, vehicle hours).
#: A model solved for value only (above FULL_STAGES_MAX_COLUMNS) gets all of it.
STAGE_SHARES = (0.5, 0.25, 0.25)
#: Above this many columns only the value stage is solved. At province scale the fairness
#: and vehicle-hour re-solves took three times the first solve and changed no plan
#: (large-province seed 1: 1.2 s, then 3.7 s and 2.7 s, the same first plan either way; xl
#: seed 1: 10 s, then both stopped by their 7 s limits unsolved), while the other variants and
#: the search turned the time into coverage (large-province seeds 1-2 at 60 s: +0.008, +0.009;
#: all nine variants now run there before the search starts at half the limit). The
#: medium families (8,000-11,000 columns) keep all three stages: on medium-bays seed 1 the
#: vehicle-hour stage gives a better first plan (0.6407 against 0.6251). A size, not a clock,
#: decides, so a fixed budget still gives a fixed plan.
FULL_STAGES_MAX_COLUMNS = 20_000
_REL_TOL = 1e-6


@dataclass(frozen=True)
class LexSolution:
    """The last stage solved: units per ``x`` column and moves per ``y`` column.

    Attributes
    ----------
    units
        Value of each unit column, in ``model.units`` order.
    moves
        Value of each move column, in ``model.moves`` order.
    value
        The on-time value reached by the first stage.
    min_coverage
        The smallest area coverage reached by the second stage (0 when it ran
        out of time).
    cut
        True when a stage stopped at its time limit before its optimum (its
        status was not optimal: the allocation LP is always feasible, with
        nothing shipped), so the units are those of an earlier stage or of a
        point short of the stage's optimum.
    """

    units: FloatArray
    moves: FloatArray
    value: float
    min_coverage: float
    cut: bool = False


def solve_lexicographic(
    model: AllocationModel,
    inst: Instance,
    warehouses: list[list[int]],
    delivered: IntArray,
    *,
    time_limit_s: float,
) -> LexSolution | None:
    """Solve value, then fairness, then vehicle hours; ``None`` if the first stage found nothing.

    Parameters
    ----------
    model
        The allocation LP.
    inst
        The instance.
    warehouses
        Candidate warehouses per area (areas without any get no fairness row).
    delivered
        (A, I) units already delivered on time.
    time_limit_s
        Budget for all three stages, shared as :data:`STAGE_SHARES` (all of it for
        the value stage when it is the only one).
    """
    lp, units = model.lp, model.units
    value_only = lp.n_columns > FULL_STAGES_MAX_COLUMNS
    value_row = z = -1
    if not value_only:
        # The later stages' rows come first, inert (the value row unbounded, z fixed at 0), and
        # no stage presolves: stages 2 and 3 then change only bounds and the objective, and
        # GLOP starts each from the last stage's optimal basis instead of from scratch.
        value_row, z = _add_fairness(model, inst, warehouses, delivered)
        lp.set_bounds(z, 0.0, 0.0)
    status = lp.solve(
        col=units.cols,
        coef=units.coefs,
        maximise=True,
        time_limit_s=time_limit_s * (1.0 if value_only else STAGE_SHARES[0]),
        presolve=value_only,
    )
    if status is LpStatus.FAILED:
        return None
    best_value = lp.objective_value()
    cut = status is not LpStatus.OPTIMAL  # any stage its time limit stopped short
    solution = _read(model, best_value, 0.0)
    if value_only:
        return replace(solution, cut=cut)

    # Stage 2: fairness, keeping the value.
    lp.set_row_bounds(value_row, best_value * (1 - _REL_TOL) - 1e-12, np.inf)
    lp.set_bounds(z, 0.0, 1.0)
    status = lp.solve(
        col=[z],
        coef=[1.0],
        maximise=True,
        time_limit_s=time_limit_s * STAGE_SHARES[1],
        presolve=False,
    )
    if status is LpStatus.OPTIMAL:
        min_cov = float(lp.values([z])[0])
        solution = _read(model, best_value, min_cov)
        lp.set_bounds(z, min_cov * (1 - _REL_TOL) - 1e-12, 1.0)  # keep the fairness reached
    else:
        lp.set_bounds(z, 0.0, 0.0)  # out of time: drop the fairness stage, keep the value
        cut = True

    # Stage 3: fewest vehicle hours, keeping value (and fairness when it was solved).
    status = lp.solve(
        col=model.trips.cols + model.moves.cols,
        coef=model.trips.coefs + model.moves.coefs,
        maximise=False,
        time_limit_s=time_limit_s * STAGE_SHARES[2],
        presolve=False,
    )
    if status is LpStatus.OPTIMAL:
        solution = _read(model, best_value, solution.min_coverage)
    else:
        cut = True
    return replace(solution, cut=cut)


def _read(model: AllocationModel, value: float, min_coverage: float) -> LexSolution:
    """The units and moves of the last solve."""
    lp = model.lp
    return LexSolution(
        lp.values(model.units.cols), lp.values(model.moves.cols), value, min_coverage
    )


def _add_fairness(
    model: AllocationModel,
    inst: Instance,
    warehouses: list[list[int]],
    delivered: IntArray,
) -> tuple[int, int]:
    """Add the value row (unbounded: set it to keep the value reached) and ``z <= coverage``.

    Returns the value row and z's column.

    An area's coverage is its mean over demanded items of the share delivered
    (already, or by this round's ``x``).
    """
    lp, units = model.lp, model.units
    value_row = lp.add_row(units.cols, units.coefs, upper=np.inf)
    z = lp.add_columns([1.0])[0]
    x_col = dict(zip(units.keys, units.cols, strict=True))
    demand = inst.demand
    for a, candidates in enumerate(warehouses):
        if not candidates:
            continue
        items = [i for i in range(inst.n_items) if demand[a, i] > 0]
        if not items:
            continue
        base = sum(min(delivered[a, i], demand[a, i]) / demand[a, i] for i in items) / len(items)
        cols, coefs = [z], [1.0]  # z - sum x/d/n <= base
        for i in items:
            for w in candidates:
                col = x_col.get((w, a, i))
                if col is not None:
                    cols.append(col)
                    coefs.append(-1.0 / demand[a, i] / len(items))
        lp.add_row(cols, coefs, upper=float(base))
    return value_row, z
