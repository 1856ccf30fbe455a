"""The allocation LP: candidates, lexicographic stages and rounding on hand examples."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from supplyopt.io import parse_scenario
from supplyopt.network import build_travel_times
from supplyopt.solve import _lexicographic
from supplyopt.solve._candidates import find_candidates
from supplyopt.solve._lp import LinearProgram, LpStatus
from supplyopt.solve.allocation import FleetState, allocate
from supplyopt.solve.instance import Instance, build_instance


def instance(stock: int, demands: list[int], **warehouse: Any) -> Instance:
    """One warehouse with ``stock`` boxes and two trucks; one area per demand, all 0.1 deg away."""
    areas = [
        {"id": f"a{n}", "lat": 44.1, "lon": 87.0 + 0.01 * n, "demand": {"box": d}}
        for n, d in enumerate(demands)
    ]
    scenario = parse_scenario(
        {
            "name": "alloc",
            "deadline_hours": 12.0,
            "items": [{"id": "box", "weight_kg": 10.0, "volume_m3": 0.1}],
            "vehicle_types": [{"id": "truck", "capacity_kg": 1000.0, "capacity_m3": 10.0}],
            "warehouses": [
                {"id": "w", "lat": 44.0, "lon": 87.0, "stock": {"box": stock}}
                | {"fleet": {"truck": 2}}
                | warehouse
            ],
            "areas": areas,
        }
    )
    return build_instance(scenario, build_travel_times(scenario))


def idle_fleet(inst: Instance) -> FleetState:
    """Every vehicle free from the start, unlimited bays."""
    free = [[[0.0] * int(n) for n in inst.fleet[w]] for w in range(inst.n_warehouses)]
    return FleetState(vehicle_free_h=free, bay_free_h=[[] for _ in range(inst.n_warehouses)])


def run(inst: Instance, fleet: FleetState | None = None) -> np.ndarray[Any, Any]:
    """Allocate everything from scratch and return the units per (w, a, i)."""
    nothing = np.zeros_like(inst.demand)
    fleet = idle_fleet(inst) if fleet is None else fleet
    return allocate(inst, inst.stock, inst.demand, nothing, fleet, time_limit_s=5.0).units


def test_fairness_stage_shares_scarce_stock_evenly() -> None:
    """Two equal areas wanting 10 each from 10 boxes get 5 each, not 10 and 0."""
    units = run(instance(10, [10, 10]))
    assert units[0, :, 0].tolist() == [5, 5]


def test_province_scale_models_solve_the_value_stage_only(monkeypatch: Any) -> None:
    """Above FULL_STAGES_MAX_COLUMNS no fairness stage: the value LP's vertex, all to one area."""
    monkeypatch.setattr(_lexicographic, "FULL_STAGES_MAX_COLUMNS", 0)
    units = run(instance(10, [10, 10]))
    assert sorted(units[0, :, 0].tolist()) == [0, 10]


def test_a_value_only_model_gives_its_one_stage_the_whole_time_budget(monkeypatch: Any) -> None:
    """Three stages share 5 s as 2.5/1.25/1.25 s; a value-only (province-scale) model: 5 s."""
    limits: list[float] = []
    solve = LinearProgram.solve

    def recorded(self: LinearProgram, **kwargs: Any) -> Any:
        limits.append(kwargs["time_limit_s"])
        return solve(self, **kwargs)

    monkeypatch.setattr(LinearProgram, "solve", recorded)
    run(instance(10, [10, 10]))
    assert limits == [2.5, 1.25, 1.25]
    limits.clear()
    monkeypatch.setattr(_lexicographic, "FULL_STAGES_MAX_COLUMNS", 0)
    run(instance(10, [10, 10]))
    assert limits == [5.0]


@pytest.mark.parametrize(
    ("stage", "status", "shipped"),
    [
        (None, None, 10),  # every stage optimal: not cut
        (0, LpStatus.FEASIBLE, 10),  # value stage stopped at a feasible point
        (0, LpStatus.FAILED, 0),  # value stage stopped with no point: nothing shipped
        (1, LpStatus.FAILED, 10),  # fairness stage stopped: the value stage's units
        (2, LpStatus.FEASIBLE, 10),  # vehicle-hour stage stopped
    ],
)
def test_a_stage_stopped_by_its_time_limit_marks_the_allocation_cut(
    monkeypatch: Any, stage: int | None, status: LpStatus | None, shipped: int
) -> None:
    """``cut`` follows the stages' statuses (not the time they took): optimal everywhere or not."""
    solve = LinearProgram.solve
    calls: list[int] = []

    def stopped(self: LinearProgram, **kwargs: Any) -> Any:
        calls.append(len(calls))
        real = solve(self, **kwargs)
        return status if len(calls) - 1 == stage else real

    monkeypatch.setattr(LinearProgram, "solve", stopped)
    inst = instance(10, [10, 10])
    nothing = np.zeros_like(inst.demand)
    result = allocate(inst, inst.stock, inst.demand, nothing, idle_fleet(inst), time_limit_s=5.0)
    assert result.cut is (stage is not None)
    assert int(result.units.sum()) == shipped


def test_rounding_up_stops_at_the_stock() -> None:
    """8 boxes for three areas wanting 3: LP 2.67 each, rounded to 3, 3 and 2 (not 3 each)."""
    inst = instance(8, [3, 3, 3])
    units = run(inst)
    assert sorted(units[0, :, 0].tolist()) == [2, 3, 3]


def test_remainders_below_a_half_stay_rounded_down() -> None:
    """7 boxes for three areas wanting 3: LP 2.33 each, rounded down to 2 each."""
    assert run(instance(7, [3, 3, 3]))[0, :, 0].tolist() == [2, 2, 2]


def test_nothing_when_no_vehicle_is_free() -> None:
    """With every vehicle busy past the deadline the warehouse is no candidate."""
    inst = instance(10, [10])
    busy = FleetState(vehicle_free_h=[[[]]], bay_free_h=[[]])
    assert find_candidates(inst, inst.stock, inst.demand, busy, moves=False).warehouses == [[]]
    assert run(inst, busy).sum() == 0


def test_vehicle_hours_cap_the_units() -> None:
    """Trucks free only at 11.9 h of 12 carry nothing on time; free at 0 h they carry all."""
    inst = instance(50, [50])
    late = FleetState(vehicle_free_h=[[[11.9, 11.9]]], bay_free_h=[[]])
    assert run(inst, late).sum() == 0
    assert run(inst).sum() == 50
