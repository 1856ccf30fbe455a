"""supplyopt's routing layer: engine-neutral problems and solutions, one solve entry point.

Used by the relief planner (multi-stop, multi-trip vehicle routes) and by the
``solve-vrp`` benchmark command. Build a :class:`RoutingProblem` in engine
integers (convert real values with :class:`Scaling`), call
:func:`solve_routing`, read the :class:`RoutingSolution`.
"""

from .engine import DEFAULT_MAX_NO_IMPROVEMENT, solve_routing
from .problem import (
    UNLIMITED,
    RoutingClient,
    RoutingDepot,
    RoutingProblem,
    RoutingProblemError,
    RoutingVehicleType,
)
from .scaling import Scaling, to_int_scale
from .solution import RoutedVehicle, RoutingSolution

__all__ = [
    "DEFAULT_MAX_NO_IMPROVEMENT",
    "UNLIMITED",
    "RoutedVehicle",
    "RoutingClient",
    "RoutingDepot",
    "RoutingProblem",
    "RoutingProblemError",
    "RoutingSolution",
    "RoutingVehicleType",
    "Scaling",
    "solve_routing",
    "to_int_scale",
]
