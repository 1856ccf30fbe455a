"""Short time limits at province scale: the search from the first plan, and a reserve by size."""

from __future__ import annotations

import pytest

import supplyopt
from benchmarks.relief.generator import generate
from supplyopt import FleetStart, VehicleStart
from supplyopt.model import Plan
from supplyopt.network import build_travel_times
from supplyopt.solve import planner
from supplyopt.solve.instance import build_instance
from supplyopt.solve.planner import WorkBudget
from supplyopt.solve.progress import Progress
from tests.conftest import assert_valid


def _plan(
    limit_s: float,
    budget: WorkBudget | None = None,
    stages: list[str] | None = None,
    start: FleetStart | None = None,
) -> Plan:
    scenario = generate("small-one-depot", 2)

    def note(progress: Progress) -> None:
        if stages is not None:
            stages.append(progress.message)

    plan = supplyopt.plan_relief(
        scenario, time_limit_s=limit_s, seed=1, budget=budget, progress=note, start=start
    )
    assert_valid(scenario, plan)
    return plan


def test_a_short_limit_at_province_scale_plans_no_lp_variant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above the size limit and under LP_START_MIN_S: no variant, the search from the first plan.

    The plan is never worse than the greedy first plan it starts from.
    """
    monkeypatch.setattr(planner, "FEEDBACK_MAX_SIZE", 0)
    monkeypatch.setattr(planner, "LP_START_MIN_S", 1e6)
    stages: list[str] = []
    plan = _plan(5.0, stages=stages)
    assert not any("variant" in message for message in stages)
    assert any("starts from the first plan" in message for message in stages)
    assert any(message.startswith("vehicle-day search") for message in stages)
    # The limit took stages away: the plan says so, whether or not the clock cut the search.
    assert plan.summary.time_limited
    assert any("the LP variants (a limit under" in note for note in plan.notes)
    first = _plan(5.0, WorkBudget(variants=0, lns_iterations=0))
    assert plan.summary.weighted_coverage_on_time >= first.summary.weighted_coverage_on_time


def test_the_lp_variants_run_with_time_enough_or_a_fixed_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A limit at or above the threshold, or a work budget naming the variants, plans them."""
    monkeypatch.setattr(planner, "FEEDBACK_MAX_SIZE", 0)
    scenario = generate("small-one-depot", 2)
    inst = build_instance(scenario, build_travel_times(scenario))
    scale = planner._lp_start_min_s(inst) / planner.LP_START_MIN_S
    monkeypatch.setattr(planner, "LP_START_MIN_S", 5.0 / scale)  # the threshold is the limit
    stages: list[str] = []
    _plan(5.0, stages=stages)
    assert any("variant 1/" in message for message in stages)
    monkeypatch.setattr(planner, "LP_START_MIN_S", 1e6)
    for budget in (WorkBudget(variants=1), WorkBudget(restarts=0), WorkBudget(feedback=1)):
        stages.clear()
        _plan(5.0, budget, stages=stages)
        assert any("variant 1/" in message for message in stages), budget
        assert not any("starts from the first plan" in message for message in stages), budget


def test_a_start_state_plans_its_variants_under_any_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Re-planning from vehicles under way has no vehicle-day search: its variants always run."""
    monkeypatch.setattr(planner, "FEEDBACK_MAX_SIZE", 0)
    monkeypatch.setattr(planner, "LP_START_MIN_S", 1e6)
    scenario = generate("small-one-depot", 2)
    home = scenario.warehouses[0]
    kind = next(iter(home.fleet))
    start = FleetStart((VehicleStart(f"{home.id}/{kind}/1", home.id, 0.0),))
    stages: list[str] = []
    _plan(5.0, stages=stages, start=start)
    assert any("variant 1/" in message for message in stages)
    assert not any("starts from the first plan" in message for message in stages)


def test_the_search_leaves_more_time_after_it_on_larger_instances() -> None:
    """The reserve grows with areas × warehouses; a long limit's share covers it."""
    scenario = generate("small-one-depot", 1)
    inst = build_instance(scenario, build_travel_times(scenario))
    province = generate("large-province", 1)
    large = build_instance(province, build_travel_times(province))
    small_s, large_s = planner._reserve_s(inst, 5.0), planner._reserve_s(large, 5.0)
    assert planner.LNS_RESERVE_MIN_S < small_s < large_s
    assert large_s > planner.LNS_RESERVE * 5.0
    assert planner._reserve_s(large, 600.0) == pytest.approx(planner.LNS_RESERVE * 600.0)
