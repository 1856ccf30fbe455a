"""Solvers: the relief planner (allocation LP + dispatch). The only package importing OR-Tools."""

from .planner import plan_relief
from .progress import Progress

__all__ = ["Progress", "plan_relief"]
