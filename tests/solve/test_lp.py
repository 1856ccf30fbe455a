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
