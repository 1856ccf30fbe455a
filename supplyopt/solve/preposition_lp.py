"""Pre-positioning (contract §7): a two-stage stochastic LP over hazard samples, solved with GLOP.

First stage: peacetime transfers ``x[u, w, i] >= 0`` of item ``i`` from
warehouse ``u`` to ``w``, at most the budget in all and never more than ``u``
holds; ``after[w, i]`` is the stock they leave. Second stage, per sample
``s``: the planner's allocation relaxation (see :mod:`._allocation_model`) —
units ``y[s, w, a, i]`` from a warehouse to an affected settlement it can
reach by the deadline, fractional truckloads ``t[s, w, a, k]`` carrying them
(kg and m³ rows per pair), the round trips of each (w, k) within the hours
its vehicles have before the deadline (times ``fleet_scale``), the loadings
of a warehouse within its bays' hours, and each warehouse's shipments
within ``after``. Objective, lexicographically: the mean over samples of
the weighted on-time coverage; then its lower tail (the mean of the worst
5 %, the LP form of "ties: the 5th percentile"); then the fewest units moved.

The transfers are rounded to whole units here (down, then the largest
remainders up while the budget and the holder's stock allow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..model import SolverUnavailableError
from ._lp import LinearProgram, LpStatus
from .instance import FloatArray, IntArray

#: The share of worst samples whose mean coverage is the second objective.
TAIL_SHARE = 0.05
#: Fastest warehouses (reachable by the deadline) offered to each affected settlement.
CANDIDATES_PER_AREA = 6
#: Each stage keeps the previous ones' optimum within this (absolute, in coverage).
_KEEP = 1e-7


@dataclass(frozen=True)
class SampleNeed:
    """One sample's demand: which settlements, what they need, what a unit is worth.

    Attributes
    ----------
    areas
        (A_s,) settlement indices.
    demand
        (A_s, I) units needed.
    value
        (A_s, I) weighted on-time coverage one unit delivered adds (the
        planner's ``Instance.value`` for the sample's scenario).
    """

    areas: IntArray
    demand: IntArray
    value: FloatArray


@dataclass(frozen=True)
class PrepositionProblem:
    """Arrays of a pre-positioning problem (warehouse ``w``, settlement ``a``, item ``i``, type ``k``).

    Attributes
    ----------
    stock
        (W, I) units held now.
    weight_kg, volume_m3
        (I,) size of a unit.
    capacity_kg, capacity_m3
        (K,) what a vehicle carries.
    arrival_h
        (W, A, K) earliest arrival at ``a`` of a type-k vehicle based at ``w``
        (``inf`` where none is based).
    cycle_h
        (W, A, K) hours of a round trip (loading, drive, unloading, back).
    vehicle_h
        (W, K) vehicle hours before the deadline (vehicles × (deadline − ready)).
    loadings
        (W,) most loadings before the deadline (``inf`` for unlimited bays).
    deadline_h
        The deadline.
    samples
        The samples' needs (samples with no demand left out).
    n_samples
        All samples, those with no demand (fully covered) included.
    budget_units
        The most units moved in all.
    fleet_scale
        Multiplies every vehicle-hour budget (fractional trips make the
        relaxation optimistic, as in the planner's variants).
    """

    stock: IntArray
    weight_kg: FloatArray
    volume_m3: FloatArray
    capacity_kg: FloatArray
    capacity_m3: FloatArray
    arrival_h: FloatArray
    cycle_h: FloatArray
    vehicle_h: FloatArray
    loadings: FloatArray
    deadline_h: float
    samples: Sequence[SampleNeed]
    n_samples: int
    budget_units: int
    fleet_scale: float = 0.7


@dataclass(frozen=True)
class PrepositionSolution:
    """Whole-unit transfers and the LP's own figures.

    Attributes
    ----------
    transfers
        (W, W, I) units of ``i`` moved from ``u`` to ``w`` (whole, rounded).
    lp_before, lp_after
        Mean weighted coverage the relaxation gives without moves and with
        its (fractional) moves.
    columns, rows
        Size of the LP.
    """

    transfers: IntArray
    lp_before: float
    lp_after: float
    columns: int = 0
    rows: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class _Built:
    lp: LinearProgram
    moves: dict[tuple[int, int, int], int]
    y_cols: list[int]
    y_coef: list[float]
    y_sample: list[int]


def solve_preposition(
    problem: PrepositionProblem, *, time_limit_s: float = 300.0
) -> PrepositionSolution:
    """Solve the two-stage LP and round its transfers to whole units.

    Raises
    ------
    SolverUnavailableError
        When GLOP cannot start or fails on the first stage.
    """
    n_w, n_i = problem.stock.shape
    empty = np.zeros((n_w, n_w, n_i), dtype=np.int64)
    if not problem.samples:
        return PrepositionSolution(empty, 1.0, 1.0)
    built = _build(problem)
    lp, scale = built.lp, 1.0 / problem.n_samples
    objective = np.array(built.y_coef) * scale
    # Without moves: the relaxation's own "before".
    for col in built.moves.values():
        lp.set_bounds(col, 0.0, 0.0)
    _solve(lp, built.y_cols, objective, maximise=True, time_limit_s=time_limit_s)
    before = lp.objective_value() + (problem.n_samples - len(problem.samples)) * scale
    for (u, _w, i), col in built.moves.items():
        lp.set_bounds(col, 0.0, float(problem.stock[u, i]))
    _solve(lp, built.y_cols, objective, maximise=True, time_limit_s=time_limit_s)
    best = lp.objective_value()
    after = best + (problem.n_samples - len(problem.samples)) * scale
    lp.add_row(built.y_cols, objective.tolist(), lower=best - _KEEP, upper=np.inf)
    tail_cols, tail_coef = _add_tail(lp, problem, built)
    _solve(lp, tail_cols, tail_coef, maximise=True, time_limit_s=time_limit_s)
    lp.add_row(tail_cols, tail_coef.tolist(), lower=lp.objective_value() - _KEEP, upper=np.inf)
    move_cols = list(built.moves.values())
    _solve(lp, move_cols, np.ones(len(move_cols)), maximise=False, time_limit_s=time_limit_s)
    values = dict(zip(built.moves, lp.values(move_cols).tolist(), strict=True))
    transfers = round_transfers(values, problem.stock, problem.budget_units)
    return PrepositionSolution(transfers, before, after, lp.n_columns, lp.n_rows)


def _solve(
    lp: LinearProgram, cols: Sequence[int], coef: FloatArray, *, maximise: bool, time_limit_s: float
) -> None:
    status = lp.solve(col=cols, coef=coef, maximise=maximise, time_limit_s=time_limit_s)
    if status is LpStatus.FAILED:
        raise SolverUnavailableError("GLOP found no solution of the pre-positioning LP")


def _build(problem: PrepositionProblem) -> _Built:
    """Columns and rows: moves, stock after moves, then each sample's allocation."""
    lp = LinearProgram()
    n_w, n_i = problem.stock.shape
    moves: dict[tuple[int, int, int], int] = {}
    for u in range(n_w):
        for i in range(n_i):
            if problem.stock[u, i] <= 0:
                continue
            for w in range(n_w):
                if w != u:
                    moves[u, w, i] = lp.add_columns([float(problem.stock[u, i])])[0]
    after = {(w, i): lp.add_columns([np.inf])[0] for w in range(n_w) for i in range(n_i)}
    for (w, i), col in after.items():
        cols, coefs = [col], [1.0]
        for (u, v, j), m in moves.items():
            if j == i and v == w:
                cols.append(m)
                coefs.append(-1.0)
            elif j == i and u == w:
                cols.append(m)
                coefs.append(1.0)
        held = float(problem.stock[w, i])
        lp.add_row(cols, coefs, lower=held, upper=held)
    for u, i in {(u, i) for (u, _, i) in moves}:
        out = [m for (v, _, j), m in moves.items() if v == u and j == i]
        lp.add_row(out, [1.0] * len(out), upper=float(problem.stock[u, i]))
    if moves:
        lp.add_row(list(moves.values()), [1.0] * len(moves), upper=float(problem.budget_units))
    built = _Built(lp, moves, [], [], [])
    for s, need in enumerate(problem.samples):
        _add_sample(problem, built, after, s, need)
    return built


def _candidates(problem: PrepositionProblem, a: int) -> list[int]:
    """The fastest warehouses with a vehicle that reaches settlement ``a`` by the deadline."""
    best = problem.arrival_h[:, a, :].min(axis=1)
    order = np.argsort(best, kind="stable")
    return [int(w) for w in order if best[w] <= problem.deadline_h][:CANDIDATES_PER_AREA]


def _add_sample(
    problem: PrepositionProblem,
    built: _Built,
    after: dict[tuple[int, int], int],
    s: int,
    need: SampleNeed,
) -> None:
    """One sample's allocation relaxation (see the module docstring)."""
    lp = built.lp
    by_stock: dict[tuple[int, int], list[int]] = {}
    by_need: dict[tuple[int, int], list[int]] = {}
    by_fleet: dict[tuple[int, int], tuple[list[int], list[float]]] = {}
    by_bay: dict[int, list[int]] = {}
    for row, a in enumerate(need.areas.tolist()):
        items = np.flatnonzero(need.demand[row] > 0).tolist()
        for w in _candidates(problem, a):
            kinds = np.flatnonzero(problem.arrival_h[w, a] <= problem.deadline_h).tolist()
            y = list(lp.add_columns([float(need.demand[row, i]) for i in items]))
            t = list(lp.add_columns([np.inf] * len(kinds)))
            for i, col in zip(items, y, strict=True):
                built.y_cols.append(col)
                built.y_coef.append(float(need.value[row, i]))
                built.y_sample.append(s)
                by_stock.setdefault((w, i), []).append(col)
                by_need.setdefault((row, i), []).append(col)
            for k, col in zip(kinds, t, strict=True):
                cols, cycles = by_fleet.setdefault((w, k), ([], []))
                cols.append(col)
                cycles.append(float(problem.cycle_h[w, a, k]))
                by_bay.setdefault(w, []).append(col)
            for size, capacity in (
                (problem.weight_kg, problem.capacity_kg),
                (problem.volume_m3, problem.capacity_m3),
            ):
                coefs = [float(size[i]) for i in items] + [-float(capacity[k]) for k in kinds]
                lp.add_row(y + t, coefs, upper=0.0)
    for (w, i), cols in by_stock.items():
        lp.add_row([*cols, after[w, i]], [1.0] * len(cols) + [-1.0], upper=0.0)
    for (row, i), cols in by_need.items():
        lp.add_row(cols, [1.0] * len(cols), upper=float(need.demand[row, i]))
    for (w, k), (cols, cycles) in by_fleet.items():
        lp.add_row(cols, cycles, upper=problem.fleet_scale * float(problem.vehicle_h[w, k]))
    for w, cols in by_bay.items():
        if np.isfinite(problem.loadings[w]):
            lp.add_row(cols, [1.0] * len(cols), upper=float(problem.loadings[w]))


def _add_tail(
    lp: LinearProgram, problem: PrepositionProblem, built: _Built
) -> tuple[list[int], FloatArray]:
    """Columns and objective of the mean coverage of the worst ``TAIL_SHARE`` of samples.

    ``eta - sum(z_s) / (share × n)`` with ``z_s >= eta - coverage_s``: the
    linear form of the conditional value at risk. Samples with no demand are
    fully covered and never in the tail (``eta <= 1``).
    """
    eta = lp.add_columns([1.0])[0]
    z = list(lp.add_columns([np.inf] * len(problem.samples)))
    terms: dict[int, tuple[list[int], list[float]]] = {}
    for col, coef, s in zip(built.y_cols, built.y_coef, built.y_sample, strict=True):
        cols, coefs = terms.setdefault(s, ([z[s], eta], [1.0, -1.0]))
        cols.append(col)
        coefs.append(coef)
    for s in range(len(problem.samples)):
        cols, coefs = terms.get(s, ([z[s], eta], [1.0, -1.0]))
        lp.add_row(cols, coefs, lower=0.0, upper=np.inf)
    weight = 1.0 / (TAIL_SHARE * problem.n_samples)
    return [eta, *z], np.array([1.0] + [-weight] * len(z))


def round_transfers(
    values: dict[tuple[int, int, int], float], stock: IntArray, budget_units: int
) -> IntArray:
    """Whole units per (u, w, i): down, then the largest remainders (>= 0.5) up where allowed.

    Never more than ``budget_units`` in all nor more than ``stock[u, i]`` out of ``u``.
    """
    n_w, n_i = stock.shape
    out = np.zeros((n_w, n_w, n_i), dtype=np.int64)
    for (u, w, i), val in values.items():
        out[u, w, i] = int(np.floor(val + 1e-6))
    sent = out.sum(axis=1)
    left = budget_units - int(out.sum())
    remainders = sorted(
        ((val - out[key], key) for key, val in values.items() if val - out[key] >= 0.5),
        reverse=True,
    )
    for _frac, (u, w, i) in remainders:
        if left <= 0:
            break
        if sent[u, i] < stock[u, i]:
            out[u, w, i] += 1
            sent[u, i] += 1
            left -= 1
    _within(out, stock, budget_units)
    return out


def _within(out: IntArray, stock: IntArray, budget_units: int) -> None:
    """Take units off the biggest transfers where the LP's tolerances let rounding overshoot."""
    n_w, _, n_i = out.shape
    for u in range(n_w):
        for i in range(n_i):
            while out[u, :, i].sum() > stock[u, i]:
                out[u, int(np.argmax(out[u, :, i])), i] -= 1
    while out.sum() > budget_units:
        out[np.unravel_index(int(np.argmax(out)), out.shape)] -= 1
