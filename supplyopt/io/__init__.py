"""Scenario and plan files: reading, validation messages, writing."""

from ..model import parse_scenario
from .events_file import load_events_data, loads_events, read_events
from .plan_file import read_plan, write_plan
from .scenario_file import (
    ScenarioFormat,
    dumps_scenario,
    load_scenario_data,
    loads_scenario,
    read_scenario,
    scenario_to_data,
    write_scenario,
)

__all__ = [
    "ScenarioFormat",
    "dumps_scenario",
    "load_events_data",
    "load_scenario_data",
    "loads_events",
    "loads_scenario",
    "parse_scenario",
    "read_events",
    "read_plan",
    "read_scenario",
    "scenario_to_data",
    "write_plan",
    "write_scenario",
]
