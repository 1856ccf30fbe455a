"""Domain model: scenarios, plans and their key figures. Imports nothing else of supplyopt."""

from .disruption_effects import apply_disruptions
from .disruptions import (
    Circle,
    CloseRoads,
    Disruption,
    ReduceFleet,
    ScaleDemand,
    SlowRoads,
    WarehouseOut,
)
from .errors import (
    MissingDataError,
    PlanFileError,
    ScenarioError,
    SolverUnavailableError,
    SupplyOptError,
)
from .kpi import (
    area_coverage,
    assemble_plan,
    count_deliveries,
    item_coverage,
    plan_status,
    summarize,
)
from .plan import Plan, Stop, Summary, Trip, Unmet, UnmetReason
from .problems import Location, Problem, format_path
from .scenario import (
    MAX_QUANTITY,
    Area,
    GraphEdge,
    GraphNode,
    GraphRoads,
    GreatCircleRoads,
    Item,
    OsmRoads,
    Scenario,
    VehicleType,
    Warehouse,
    reference_problems,
)
from .validation import parse_scenario, validation_problems

__all__ = [
    "MAX_QUANTITY",
    "Area",
    "Circle",
    "CloseRoads",
    "Disruption",
    "GraphEdge",
    "GraphNode",
    "GraphRoads",
    "GreatCircleRoads",
    "Item",
    "Location",
    "MissingDataError",
    "OsmRoads",
    "Plan",
    "PlanFileError",
    "Problem",
    "ReduceFleet",
    "ScaleDemand",
    "Scenario",
    "ScenarioError",
    "SlowRoads",
    "SolverUnavailableError",
    "Stop",
    "Summary",
    "SupplyOptError",
    "Trip",
    "Unmet",
    "UnmetReason",
    "VehicleType",
    "Warehouse",
    "WarehouseOut",
    "apply_disruptions",
    "area_coverage",
    "assemble_plan",
    "count_deliveries",
    "format_path",
    "item_coverage",
    "parse_scenario",
    "plan_status",
    "reference_problems",
    "summarize",
    "validation_problems",
]
