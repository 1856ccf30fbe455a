"""Hypothesis strategies for random relief benchmark families, shared by the solver tests."""

from __future__ import annotations

from hypothesis import strategies as st

from benchmarks.relief.families import Family


def small_families(max_areas: int) -> st.SearchStrategy[Family]:
    """Random small families: 1 to ``max_areas`` areas, 1-3 warehouses, mixed stock and bays."""
    return st.builds(
        Family,
        name=st.just("random"),
        n_areas=st.integers(1, max_areas),
        n_warehouses=st.integers(1, 3),
        n_trucks=st.integers(3, 8),
        stock_ratio=st.floats(0.2, 2.0),
        region_km=st.floats(50.0, 900.0),
        displaced_scale=st.floats(20.0, 2000.0),
        loading_bays=st.one_of(st.none(), st.tuples(st.integers(1, 2), st.integers(2, 3))),
        loading_hours=st.tuples(st.floats(0.0, 1.0), st.floats(1.0, 2.0)),
        remote_fraction=st.floats(0.0, 0.5),
        summary=st.just("hypothesis"),
    )
