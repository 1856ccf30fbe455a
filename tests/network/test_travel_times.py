"""TravelTimes' road tests: one pair at a time and every warehouse at once agree."""

from __future__ import annotations

import numpy as np

from supplyopt.network import TravelTimes


def _travel(connected: np.ndarray | None) -> TravelTimes:
    inf = np.inf
    # 2 warehouses, 3 areas; type "a" reaches area 0 only, type "b" areas 0 and 1.
    a = np.full((5, 5), inf)
    b = np.full((5, 5), inf)
    np.fill_diagonal(a, 0.0)
    np.fill_diagonal(b, 0.0)
    a[0, 2] = 1.0
    b[0, 2], b[1, 3] = 2.0, 3.0
    return TravelTimes(
        n_warehouses=2,
        n_areas=3,
        duration_h={"a": a, "b": b},
        distance_km={"a": a * 50, "b": b * 50},
        connected=connected,
    )


def test_roads_from_every_warehouse_match_the_pairwise_test() -> None:
    """Without ``connected``: any type's finite time; with it: ``connected`` itself."""
    beyond = np.zeros((2, 5), dtype=bool)
    beyond[1, 4] = True  # a road past the horizon: infinite times, still connected
    for connected in (None, beyond):
        travel = _travel(connected)
        roads = travel.roads_from_warehouses()
        pairwise = [[travel.road_from_warehouse(w, s) for s in range(5)] for w in range(2)]
        assert roads.shape == (2, 5)
        assert roads.tolist() == pairwise
    assert _travel(None).roads_from_warehouses()[0].tolist() == [True, False, True, False, False]
    assert _travel(beyond).roads_from_warehouses()[1, 4]
