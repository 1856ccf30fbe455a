"""Conservative float → integer conversion: engine-feasible means really feasible."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from supplyopt.io.vrp_instances import VrpInstance
from supplyopt.io.vrp_solution import verify_routes
from supplyopt.solve.routing import Scaling, solve_routing, to_int_scale
from supplyopt.solve.routing.vrp_benchmark import instance_scaling, instance_to_problem
from tests.budget import examples


def test_rounding_directions() -> None:
    """Durations and openings round up, closings and capacities down, costs to nearest."""
    s = Scaling(time_factor=10, distance_factor=10)
    assert s.duration(1.01) == 11
    assert s.time_early(1.01) == 11
    assert s.time_late(1.09) == 10
    assert s.distance_costs([1.04, 1.06]).tolist() == [10, 11]
    assert s.capacities([9.5]).tolist() == [9]
    assert s.demands([9.5]).tolist() == [10]


def test_float_noise_is_snapped() -> None:
    """0.1 h at 3600 per hour is 360 s, not 361 through float noise."""
    s = Scaling.hours_km()
    assert s.duration(0.1) == 360
    assert s.time_late(0.7) == 2520
    assert s.to_time(3600) == 1.0
    assert s.distances_up(1.5).tolist() == 1500


def test_to_int_scale_directions_and_errors() -> None:
    """to_int_scale rounds as asked and refuses unknown directions and factors."""
    assert to_int_scale([0.25], 10, direction="up").tolist() == [3]
    assert to_int_scale([0.25], 10, direction="down").tolist() == [2]
    assert to_int_scale([0.25], 10, direction="nearest").tolist() == [3]
    with pytest.raises(ValueError, match="direction"):
        to_int_scale([1.0], 10, direction="sideways")
    with pytest.raises(ValueError, match="time_factor"):
        Scaling(time_factor=0)


def _schedule_ok(
    order: list[int],
    travel: np.ndarray,
    service: np.ndarray,
    early: np.ndarray,
    late: np.ndarray,
    depot_late: float,
) -> bool:
    """Service start within every window and back by ``depot_late`` (waiting allowed)."""
    time, prev = 0.0, 0
    for c in order:
        time = max(time + travel[prev, c], early[c])
        if time > late[c]:
            return False
        time += service[c]
        prev = c
    return bool(time + travel[prev, 0] <= depot_late)


def _real_starts(
    order: list[int], travel: np.ndarray, service: np.ndarray, early: np.ndarray
) -> dict[int, float]:
    """Real service start times along ``order`` with unbounded windows."""
    starts, time, prev = {}, 0.0, 0
    for c in order:
        time = max(time + travel[prev, c], early[c])
        starts[c] = time
        time += service[c]
        prev = c
    return starts


@settings(max_examples=examples(400), deadline=None)
@given(
    data=st.data(),
    n=st.integers(min_value=1, max_value=6),
    factor=st.sampled_from([1.0, 10.0, 1000.0, 3600.0]),
)
def test_engine_feasible_schedule_is_really_feasible(
    data: st.DataObject, n: int, factor: float
) -> None:
    """Any visiting order feasible with the scaled integers is feasible with real values."""
    reals = st.floats(min_value=0.0, max_value=50.0, allow_nan=False)
    coords = np.array(data.draw(st.lists(st.tuples(reals, reals), min_size=n + 1, max_size=n + 1)))
    travel = np.sqrt(((coords[:, None] - coords[None]) ** 2).sum(-1))
    service = np.array([0.0, *data.draw(st.lists(reals, min_size=n, max_size=n))])
    early = np.array([0.0, *data.draw(st.lists(reals, min_size=n, max_size=n))])
    order = data.draw(st.permutations(list(range(1, n + 1))))
    # Window closings near the real start times (within a few engine units), so that
    # the rounding direction decides feasibility; sometimes far away.
    starts = _real_starts(order, travel, service, early)
    near = st.floats(min_value=-3.0 / factor, max_value=3.0 / factor)
    late = np.array(
        [0.0] + [starts[c] + data.draw(st.one_of(near, reals)) for c in range(1, n + 1)]
    )
    late = np.maximum(late, early)
    last = order[-1]
    back = starts[last] + service[last] + travel[last, 0]
    depot_late = back + data.draw(st.one_of(near, reals))
    s = Scaling(time_factor=factor, distance_factor=factor)
    int_ok = _schedule_ok(
        order,
        s.durations(travel).astype(float),
        s.durations(service).astype(float),
        np.array([s.time_early(e) for e in early], dtype=float),
        np.array([s.time_late(x) for x in late], dtype=float),
        float(s.time_late(depot_late)),
    )
    if int_ok:
        # 1e-9: float noise of the real-valued recomputation only.
        assert _schedule_ok(order, travel, service, early, late + 1e-9, depot_late + 1e-9)


def _instance(
    coords: np.ndarray,
    demand: list[float],
    early: list[float],
    width: list[float],
    service: list[float],
    horizon: float,
) -> VrpInstance:
    n = len(demand)
    return VrpInstance(
        name="random",
        format="solomon",
        coords=coords,
        numbers=list(range(n + 1)),
        num_depots=1,
        demand=np.array([0.0, *demand]),
        service_duration=np.array([0.0, *service]),
        tw_early=np.array([0.0, *early]),
        tw_late=np.array([horizon, *(e + w for e, w in zip(early, width, strict=True))]),
        capacity=np.array([10.0]),
        vehicles=[n],
        max_duration=np.array([math.inf]),
        distance_convention="exact",
    )


@settings(max_examples=examples(15), deadline=None)
@given(data=st.data(), n=st.integers(min_value=2, max_value=7))
def test_solver_feasible_solutions_verify_with_real_values(data: st.DataObject, n: int) -> None:
    """Whatever the engine returns as feasible passes the real-valued verifier."""
    reals = st.floats(min_value=0.0, max_value=30.0, allow_nan=False)
    coords = np.array(data.draw(st.lists(st.tuples(reals, reals), min_size=n + 1, max_size=n + 1)))
    demand = data.draw(st.lists(st.integers(1, 10).map(float), min_size=n, max_size=n))
    # Window ends on a 1/8 grid: a window narrower than the engine's resolution
    # (1/1000) would round to an empty one, which the routing layer refuses.
    eighths = st.integers(0, 480).map(lambda k: k / 8)
    early = data.draw(st.lists(eighths, min_size=n, max_size=n))
    width = data.draw(st.lists(eighths, min_size=n, max_size=n))
    service = data.draw(st.lists(st.floats(0.0, 5.0), min_size=n, max_size=n))
    inst = _instance(coords, demand, early, width, service, horizon=200.0)
    problem = instance_to_problem(inst, instance_scaling(inst))
    solution = solve_routing(problem, time_limit_s=5, max_iterations=100, seed=0)
    if solution.feasible and not solution.unvisited:
        from supplyopt.io.vrp_solution import VrpRoute

        routes = [VrpRoute(0, tuple(1 + c for c in r.clients)) for r in solution.routes]
        assert verify_routes(inst, routes) == []
