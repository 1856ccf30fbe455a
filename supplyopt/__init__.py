"""supplyopt: plan emergency relief logistics within a delivery deadline.

Read a scenario, change it, plan it and inspect the typed result::

    import supplyopt
    scenario = supplyopt.read_scenario(supplyopt.default_scenario_path())
    plan = supplyopt.plan_relief(scenario, time_limit_s=10)
    print(plan.summary.weighted_coverage_on_time)
    assert supplyopt.check_plan(scenario, plan) == []
"""

from .bundled import bundled_scenarios, default_scenario_path
from .check import check_plan
from .io import parse_scenario, read_plan, read_scenario, write_plan, write_scenario
from .model import (
    Area,
    GraphRoads,
    GreatCircleRoads,
    Item,
    MissingDataError,
    Plan,
    PlanFileError,
    PlanNotSupportedError,
    Problem,
    Scenario,
    ScenarioError,
    Stop,
    Summary,
    SupplyOptError,
    Transfer,
    Trip,
    Unmet,
    UnmetReason,
    VehicleType,
    Warehouse,
)
from .network import TravelTimes, build_travel_times
from .replan import carry_on, replan
from .solve import FleetStart, Progress, VehicleStart, plan_relief

__version__ = "0.1.0"

__all__ = [
    "Area",
    "FleetStart",
    "GraphRoads",
    "GreatCircleRoads",
    "Item",
    "MissingDataError",
    "Plan",
    "PlanFileError",
    "PlanNotSupportedError",
    "Problem",
    "Progress",
    "Scenario",
    "ScenarioError",
    "Stop",
    "Summary",
    "SupplyOptError",
    "Transfer",
    "TravelTimes",
    "Trip",
    "Unmet",
    "UnmetReason",
    "VehicleStart",
    "VehicleType",
    "Warehouse",
    "__version__",
    "build_travel_times",
    "bundled_scenarios",
    "carry_on",
    "check_plan",
    "default_scenario_path",
    "parse_scenario",
    "plan_relief",
    "read_plan",
    "read_scenario",
    "replan",
    "write_plan",
    "write_scenario",
]
