"""Solvers: the relief planner (allocation LP + dispatch) and the routing engine.

The only package that imports OR-Tools or PyVRP.
"""

from .planner import plan_relief
from .progress import Progress

__all__ = ["Progress", "plan_relief"]
