"""The one way supplyopt builds and solves a linear programme: GLOP through pywraplp.

Columns and rows are added one at a time or in batches from numpy arrays.
Their order is kept exactly as given, because it decides which optimal
vertex GLOP returns (and so the plans built on it). Between solves the model may grow, its column
bounds change and its objective be replaced: the same solver object then
solves again, which is how a lexicographic solve keeps each stage's optimum.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from ortools.linear_solver import pywraplp

from ..model import SolverUnavailableError

Index = NDArray[np.int64]


class LpStatus(enum.Enum):
    """What a solve reached."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    FAILED = "failed"


class LinearProgram:
    """Columns ``lower <= x <= upper`` and rows ``lower <= A x <= upper``, solved with GLOP.

    Raises
    ------
    SolverUnavailableError
        When OR-Tools' GLOP cannot be started.
    """

    def __init__(self) -> None:
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
            raise SolverUnavailableError("OR-Tools GLOP is not available")
        self._solver = solver
        self._columns: list[pywraplp.Variable] = []
        self._rows: list[pywraplp.Constraint] = []

    @property
    def n_columns(self) -> int:
        """Number of columns (variables)."""
        return len(self._columns)

    @property
    def n_rows(self) -> int:
        """Number of rows (constraints)."""
        return len(self._rows)

    def add_columns(self, upper: Iterable[float], *, lower: float = 0.0) -> range:
        """Add one column ``lower <= x <= upper[k]`` per entry (``inf`` for none); return them."""
        first = len(self._columns)
        for up in upper:
            self._columns.append(self._solver.NumVar(lower, float(up), ""))
        return range(first, len(self._columns))

    def add_row(
        self, col: Sequence[int], coef: Sequence[float], *, upper: float, lower: float = -np.inf
    ) -> int:
        """Add the row ``lower <= sum coef[k] * x[col[k]] <= upper`` and return its index.

        Zero terms are dropped; repeated columns are summed.
        """
        constraint = self._solver.Constraint(lower, upper)
        self._rows.append(constraint)
        terms: dict[int, float] = {}
        for c, v in zip(col, coef, strict=True):
            terms[c] = terms.get(c, 0.0) + v
        for c, v in terms.items():
            if v != 0.0:
                constraint.SetCoefficient(self._columns[c], v)
        return len(self._rows) - 1

    def add_rows(
        self,
        upper: ArrayLike,
        *,
        row: ArrayLike,
        col: ArrayLike,
        coef: ArrayLike,
        lower: ArrayLike = -np.inf,
    ) -> range:
        """Add one row per entry of ``upper`` and return their indices.

        Term ``k`` puts ``coef[k] * x[col[k]]`` in new row ``row[k]`` (``0`` is
        the first row added here). Zero terms are dropped; repeated
        (row, column) pairs are summed.
        """
        uppers = np.atleast_1d(np.asarray(upper, dtype=np.float64))
        lowers = np.broadcast_to(np.asarray(lower, dtype=np.float64), uppers.shape)
        first = len(self._rows)
        for lo, up in zip(lowers.tolist(), uppers.tolist(), strict=True):
            self._rows.append(self._solver.Constraint(lo, up))
        rows, cols, coefs = _summed(first + np.asarray(row, dtype=np.int64), col, coef)
        for r, c, v in zip(rows.tolist(), cols.tolist(), coefs.tolist(), strict=True):
            self._rows[r].SetCoefficient(self._columns[c], v)
        return range(first, len(self._rows))

    def add_terms(self, *, row: ArrayLike, col: ArrayLike, coef: ArrayLike) -> None:
        """Add ``coef[k] * x[col[k]]`` to existing row ``row[k]`` (to any term already there)."""
        rows, cols, coefs = _summed(row, col, coef)
        for r, c, v in zip(rows.tolist(), cols.tolist(), coefs.tolist(), strict=True):
            constraint, column = self._rows[r], self._columns[c]
            constraint.SetCoefficient(column, constraint.GetCoefficient(column) + v)

    def set_bounds(self, col: int, lower: float, upper: float) -> None:
        """Change the bounds of column ``col``."""
        self._columns[col].SetBounds(lower, upper)

    def set_row_bounds(self, row: int, lower: float, upper: float) -> None:
        """Change the bounds of row ``row``."""
        self._rows[row].SetBounds(lower, upper)

    def solve(
        self,
        *,
        col: ArrayLike,
        coef: ArrayLike,
        maximise: bool,
        time_limit_s: float | None = None,
        presolve: bool = True,
    ) -> LpStatus:
        """Optimise ``sum coef[k] * x[col[k]]``, replacing any earlier objective.

        ``time_limit_s`` (at least a millisecond) stays set for later solves;
        without it none is set. ``presolve=False`` skips GLOP's presolve, so that
        a solve after only bounds and the objective changed starts from the
        last optimal basis (a warm start) instead of solving from scratch.
        """
        self._solver.SetSolverSpecificParametersAsString(
            "use_preprocessing: true" if presolve else "use_preprocessing: false"
        )
        objective = self._solver.Objective()
        objective.Clear()
        cols, coefs = np.asarray(col, dtype=np.int64), np.asarray(coef, dtype=np.float64)
        for c, v in zip(cols.tolist(), coefs.tolist(), strict=True):
            if v != 0.0:
                objective.SetCoefficient(self._columns[c], v)
        objective.SetOptimizationDirection(maximise)
        if time_limit_s is not None:
            self._solver.SetTimeLimit(max(1, int(time_limit_s * 1000)))
        status = self._solver.Solve()
        if status == pywraplp.Solver.OPTIMAL:
            return LpStatus.OPTIMAL
        if status == pywraplp.Solver.FEASIBLE:
            return LpStatus.FEASIBLE
        return LpStatus.FAILED

    def objective_value(self) -> float:
        """The objective's value in the last solution."""
        return float(self._solver.Objective().Value())

    def duals(self, row: Iterable[int] | None = None) -> NDArray[np.float64]:
        """The dual value of each row in ``row`` (all by default) in the last solution.

        A dual is the rate at which the objective improves as the row's bound
        is relaxed (GLOP's sign convention): for a maximisation, ``>= 0`` on a
        binding ``<=`` row.
        """
        rows = self._rows if row is None else [self._rows[r] for r in row]
        return np.array([con.dual_value() for con in rows], dtype=np.float64)

    def row_uppers(self, row: Iterable[int] | None = None) -> NDArray[np.float64]:
        """The upper bound of each row in ``row`` (all by default)."""
        rows = self._rows if row is None else [self._rows[r] for r in row]
        return np.array([con.ub() for con in rows], dtype=np.float64)

    def column_uppers(self, col: Iterable[int] | None = None) -> NDArray[np.float64]:
        """The upper bound of each column in ``col`` (all by default)."""
        columns = self._columns if col is None else [self._columns[c] for c in col]
        return np.array([var.ub() for var in columns], dtype=np.float64)

    def reduced_costs(self, col: Iterable[int] | None = None) -> NDArray[np.float64]:
        """The reduced cost of each column in ``col`` (all by default) in the last solution."""
        columns = self._columns if col is None else [self._columns[c] for c in col]
        return np.array([var.reduced_cost() for var in columns], dtype=np.float64)

    def values(self, col: Iterable[int] | None = None) -> NDArray[np.float64]:
        """The value of each column in ``col`` (all by default) in the last solution."""
        columns = self._columns if col is None else [self._columns[c] for c in col]
        return np.array([var.solution_value() for var in columns], dtype=np.float64)


def _summed(
    row: ArrayLike, col: ArrayLike, coef: ArrayLike
) -> tuple[Index, Index, NDArray[np.float64]]:
    """Terms with repeated (row, column) pairs summed and zeros dropped, first-seen order kept."""
    rows = np.atleast_1d(np.asarray(row, dtype=np.int64))
    cols = np.broadcast_to(np.asarray(col, dtype=np.int64), rows.shape)
    coefs = np.broadcast_to(np.asarray(coef, dtype=np.float64), rows.shape)
    key = rows * (int(cols.max(initial=0)) + 1) + cols
    unique, first_seen, inverse = np.unique(key, return_index=True, return_inverse=True)
    if len(unique) < len(key):
        total = np.zeros(len(unique))
        np.add.at(total, inverse.ravel(), coefs)
        order = np.argsort(first_seen, kind="stable")
        rows, cols, coefs = rows[first_seen[order]], cols[first_seen[order]], total[order]
    keep = coefs != 0.0
    return rows[keep], cols[keep], coefs[keep]
