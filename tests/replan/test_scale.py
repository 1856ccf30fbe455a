"""Re-planning at scale: a 200-area and a 1,000-area operation (slow; prints the figures)."""

from __future__ import annotations

import time

import pytest

import supplyopt
from benchmarks.relief.generator import generate
from benchmarks.replan.scale import scale_events
from supplyopt.check_revision import check_revision


@pytest.mark.slow
# The province (1,000 areas, 60 s) is measured by ``python -m benchmarks.replan.scale``.
@pytest.mark.parametrize(("family", "time_limit_s"), [("medium-tight-fleet", 10.0)])
def test_replan_at_scale(family: str, time_limit_s: float) -> None:
    """A revision of a generated operation with four events is complete and keeps what runs."""
    scenario = generate(family, 1)
    plan = supplyopt.plan_relief(scenario, time_limit_s=time_limit_s / 2, seed=1)
    events = scale_events(scenario, plan, 4.0)
    started = time.perf_counter()
    new = supplyopt.replan(scenario, plan, events, time_limit_s=time_limit_s, seed=1)
    took = time.perf_counter() - started
    carried = supplyopt.carry_on(scenario, plan, events)
    assert new.replan is not None
    block = new.replan
    print(
        f"\n{family}: replan {took:.1f} s (limit {time_limit_s:g} s); weighted coverage "
        f"{new.summary.weighted_coverage_on_time:.4f} (carry on "
        f"{carried.summary.weighted_coverage_on_time:.4f}, plan before the events "
        f"{plan.summary.weighted_coverage_on_time:.4f}); trips kept {block.kept}, changed "
        f"{block.changed}, cancelled {block.cancelled}, new {block.new}"
    )
    assert new.summary.weighted_coverage_on_time >= carried.summary.weighted_coverage_on_time
    assert check_revision(scenario, new, plan, events) == []
    assert check_revision(scenario, carried, plan, events) == []
    assert block.kept + block.changed + block.cancelled == len(plan.trips)
