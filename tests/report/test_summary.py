"""The terminal summary: returns after the deadline are explained."""

from __future__ import annotations

import io

from rich.console import Console

from supplyopt.model import Plan, Scenario
from supplyopt.report import print_summary


def _render(scenario: Scenario, plan: Plan) -> str:
    buffer = io.StringIO()
    print_summary(scenario, plan, Console(file=buffer, width=300, soft_wrap=True))
    return buffer.getvalue()


def test_return_after_deadline_is_explained(scenario: Scenario, plan: Plan) -> None:
    """A truck back after the deadline: the summary says that is allowed, and why."""
    text = _render(scenario, plan)
    assert (
        "last return 20.00 h is after the 12 h deadline, and that is allowed: the promise is "
        "that supplies arrive by the deadline; trucks drive back to their warehouse afterwards."
    ) in text


def test_no_explanation_when_every_truck_is_back_in_time(scenario: Scenario, plan: Plan) -> None:
    """When every vehicle is back by the deadline, nothing needs explaining."""
    early = plan.model_copy(update={"trips": [plan.trips[0], plan.trips[2]]})
    assert "after the 12 h deadline" not in _render(scenario, early)
