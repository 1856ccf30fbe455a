"""Scenario and plan files: reading, validation messages, writing."""

from .plan_file import read_plan, write_plan
from .scenario_file import (
    load_scenario_data,
    parse_scenario,
    read_scenario,
    scenario_to_data,
    write_scenario,
)

__all__ = [
    "load_scenario_data",
    "parse_scenario",
    "read_plan",
    "read_scenario",
    "scenario_to_data",
    "write_plan",
    "write_scenario",
]
