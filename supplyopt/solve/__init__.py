"""Solvers: the relief planner (allocation LP + dispatch) and the routing engine.

The only package that imports OR-Tools or PyVRP.
"""

from .planner import plan_relief
from .progress import Progress
from .start import FleetStart, VehicleStart

__all__ = ["FleetStart", "Progress", "VehicleStart", "plan_relief"]
