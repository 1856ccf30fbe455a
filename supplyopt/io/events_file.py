"""Read events files (contract §6): YAML or JSON, UTF-8, like scenario files."""

from __future__ import annotations

import os
from typing import Any

from ..model import Events, EventsError, Plan, Scenario, ScenarioError, parse_events
from .scenario_file import ScenarioFormat, load_scenario_data, loads_scenario_data


def load_events_data(path: str | os.PathLike[str]) -> Any:
    """Read an events file into plain data without validating it.

    Raises
    ------
    EventsError
        When the file is missing, not UTF-8, or not well-formed YAML/JSON.
    """
    try:
        return load_scenario_data(path)
    except ScenarioError as err:
        raise EventsError(err.problems, source=err.source) from None


def read_events(
    path: str | os.PathLike[str], scenario: Scenario, plan: Plan | None = None
) -> Events:
    """Read and validate an events file against the scenario and the plan it revises.

    Raises
    ------
    EventsError
        With every problem found, each located (``events[2].vehicle: …``).
    """
    return parse_events(load_events_data(path), scenario, plan, source=str(path))


def loads_events(
    text: str | bytes,
    fmt: ScenarioFormat,
    scenario: Scenario,
    plan: Plan | None = None,
    *,
    source: str | None = None,
) -> Events:
    """Parse and validate the text of an events file (``"yaml"`` or ``"json"``)."""
    try:
        data = loads_scenario_data(text, fmt, source=source)
    except ScenarioError as err:
        raise EventsError(err.problems, source=source) from None
    return parse_events(data, scenario, plan, source=source)
