"""Re-planning refuses plans with stock transfers, with a located message (docs/replan.md)."""

from __future__ import annotations

import pytest

import supplyopt
from supplyopt.check_revision import check_revision
from supplyopt.model import PlanNotSupportedError
from supplyopt.replan import carry_on
from tests.transfer_case import transfer_plan

EVENTS = {
    "now_hours": 1.0,
    "events": [{"kind": "set_demand", "at_hours": 0.5, "area": "a1", "demand": {"kit": 40}}],
}


def test_replan_and_carry_on_refuse_a_plan_with_a_transfer() -> None:
    """Both name the transfer trip and say how to get a plan they can revise."""
    scenario, plan = transfer_plan()
    for revise in (supplyopt.replan, carry_on):
        with pytest.raises(PlanNotSupportedError, match=r"trips\[0\]\.transfer: re-planning"):
            revise(scenario, plan, EVENTS)


def test_revision_check_refuses_plans_with_transfers() -> None:
    """The revision checker names the previous plan's transfer and the new plan's."""
    scenario, plan = transfer_plan()
    problems = check_revision(scenario, plan, plan, EVENTS)
    assert problems == [
        "previous trips[0].transfer: revisions of plans with stock transfers between "
        "warehouses are not supported (docs/replan.md)",
        "trips[0].transfer: revisions of plans with stock transfers between "
        "warehouses are not supported (docs/replan.md)",
    ]
