"""Reading what a revision needs (a plan being carried out, an events file), exit 2 on bad input."""

from __future__ import annotations

import sys

from ..check import scenario_mismatch
from ..io import read_events, read_plan
from ..model import Events, EventsError, Plan, PlanFileError, Scenario
from ._common import error_text


def read_plan_or_none(path: str) -> Plan | None:
    """Read a plan file, or print why it cannot be read (the caller exits 2)."""
    try:
        return read_plan(path)
    except PlanFileError as err:
        print(str(err), file=sys.stderr)
        return None


def read_previous_or_none(path: str, scenario: Scenario) -> Plan | None:
    """Read the plan being carried out; refuse one made for another scenario.

    Re-planning or checking a revision of another scenario's plan would only
    report knock-on errors, so the mismatch is printed alone (exit 2).
    """
    plan = read_plan_or_none(path)
    if plan is None:
        return None
    mismatch = scenario_mismatch(scenario, plan)
    if mismatch:
        print(f"{path}: not a plan of {scenario.name!r}", file=sys.stderr)
        for line in mismatch:
            print(f"  {line}", file=sys.stderr)
        return None
    return plan


def read_events_or_none(path: str, scenario: Scenario, plan: Plan) -> Events | None:
    """Read and validate an events file against the scenario and plan, or print its problems."""
    try:
        return read_events(path, scenario, plan)
    except EventsError as err:
        print(error_text(err), file=sys.stderr)
        return None
