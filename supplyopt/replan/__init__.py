"""Re-planning an operation under way (contract §6): revise a plan at ``now_hours``.

:func:`replan` keeps what is under way, keeps the orders that still work,
revises what trucks on the road still carry and plans what is left from
where the fleet really is; :func:`carry_on` is the plan carried on with what
became impossible dropped (the "do nothing" revision). See docs/replan.md.
"""

from .replan import carry_on, replan

__all__ = ["carry_on", "replan"]
