"""The LP layer: rows from arrays, repeated terms summed, a model grown between solves."""

from __future__ import annotations

import numpy as np
import pytest

from supplyopt.solve._lp import LinearProgram, LpStatus


def test_batch_rows_sum_repeated_terms_and_drop_zeros() -> None:
    """Max x + y with x + x <= 4 (one term given twice) and 0 x + y <= 1: x = 2, y = 1."""
    lp = LinearProgram()
    cols = lp.add_columns([np.inf, np.inf])
    rows = lp.add_rows([4.0, 1.0], row=[0, 0, 1, 1], col=[0, 0, 0, 1], coef=[1.0, 1.0, 0.0, 1.0])
    assert list(rows) == [0, 1]
    assert (lp.n_columns, lp.n_rows) == (2, 2)
    assert lp.solve(col=cols, coef=[1.0, 1.0], maximise=True) is LpStatus.OPTIMAL
    assert lp.values() == pytest.approx([2.0, 1.0])
    assert lp.objective_value() == pytest.approx(3.0)


def test_terms_add_to_an_existing_row() -> None:
    """A term added later to a row adds to its coefficient: 2x <= 3 after x <= 3, x = 1.5."""
    lp = LinearProgram()
    lp.add_columns([10.0])
    row = lp.add_row([0], [1.0], upper=3.0)
    lp.add_terms(row=[row], col=[0], coef=[1.0])
    assert lp.solve(col=[0], coef=[1.0], maximise=True) is LpStatus.OPTIMAL
    assert lp.values() == pytest.approx([1.5])


def test_second_stage_keeps_the_first_optimum() -> None:
    """Max x + y under x + y <= 2, then min x keeping x + y >= 2: x = 0, y = 2."""
    lp = LinearProgram()
    lp.add_columns([2.0, 2.0])
    lp.add_row([0, 1], [1.0, 1.0], upper=2.0)
    assert lp.solve(col=[0, 1], coef=[1.0, 1.0], maximise=True, time_limit_s=5.0) in (
        LpStatus.OPTIMAL,
        LpStatus.FEASIBLE,
    )
    lp.add_row([0, 1], [1.0, 1.0], upper=np.inf, lower=lp.objective_value())
    assert lp.solve(col=[0], coef=[1.0], maximise=False) is LpStatus.OPTIMAL
    assert lp.values() == pytest.approx([0.0, 2.0])
    lp.set_bounds(0, 1.0, 1.0)
    assert lp.solve(col=[0], coef=[1.0], maximise=False) is LpStatus.OPTIMAL
    assert lp.values() == pytest.approx([1.0, 1.0])


def test_stages_without_presolve_match_solves_from_scratch() -> None:
    """A row made binding later and a new objective, re-solved without presolve: the same optimum.

    The allocation's stages 2 and 3 work so (the rows are there from the start,
    only bounds and the objective change), and GLOP starts from the last basis.
    """
    rng = np.random.default_rng(7)
    n, m = 30, 12
    a = rng.uniform(0.0, 1.0, size=(m, n))
    c1, c2 = rng.uniform(0.5, 1.5, n), rng.uniform(0.5, 1.5, n)

    def build() -> tuple[LinearProgram, int]:
        lp = LinearProgram()
        lp.add_columns([5.0] * n)
        lp.add_rows(
            np.full(m, 10.0),
            row=np.repeat(np.arange(m), n),
            col=np.tile(np.arange(n), m),
            coef=a.ravel(),
        )
        return lp, lp.add_row(list(range(n)), c1.tolist(), upper=np.inf)  # inert at first

    warm, keep = build()
    assert warm.solve(col=range(n), coef=c1, maximise=True, presolve=False) is LpStatus.OPTIMAL
    best = warm.objective_value()
    warm.set_row_bounds(keep, best * (1 - 1e-6), np.inf)
    assert warm.solve(col=range(n), coef=c2, maximise=False, presolve=False) is LpStatus.OPTIMAL

    cold, keep = build()
    cold.set_row_bounds(keep, best * (1 - 1e-6), np.inf)
    assert cold.solve(col=range(n), coef=c2, maximise=False) is LpStatus.OPTIMAL
    assert warm.objective_value() == pytest.approx(cold.objective_value(), rel=1e-7)
    assert float(c1 @ warm.values()) >= best * (1 - 1e-6) - 1e-9


def test_infeasible_programme_fails() -> None:
    """The programme x >= 1, x <= 0 has no solution."""
    lp = LinearProgram()
    lp.add_columns([0.0])
    lp.add_row([0], [1.0], upper=np.inf, lower=1.0)
    assert lp.solve(col=[0], coef=[1.0], maximise=True) is LpStatus.FAILED


def test_duals_price_binding_rows_of_a_maximisation() -> None:
    """Max 3x + 2y, x + y <= 4, x <= 3: duals 2 (shared row) and 1 (x's own row), both >= 0."""
    lp = LinearProgram()
    lp.add_columns([np.inf, np.inf])
    lp.add_rows([4.0, 3.0], row=[0, 0, 1], col=[0, 1, 0], coef=[1.0, 1.0, 1.0])
    assert lp.solve(col=[0, 1], coef=[3.0, 2.0], maximise=True) is LpStatus.OPTIMAL
    assert lp.duals() == pytest.approx([2.0, 1.0])
    assert lp.duals([1]) == pytest.approx([1.0])
