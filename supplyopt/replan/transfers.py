"""Re-planning refuses plans with stock transfers (docs/replan.md, "Stock transfers").

A transfer under way would bring stock to its warehouse at a later time,
and one not started would leave loadings there short; the re-planner's
start state has stock per warehouse, not per hour, so it does not revise
such plans yet: it says so instead of revising them wrongly.
"""

from __future__ import annotations

from ..model import Plan, PlanNotSupportedError


def transfer_refusal(plan: Plan, *, prefix: str = "") -> str | None:
    """Why ``plan`` cannot be revised (its first transfer trip), or None when it can."""
    idx = next((i for i, trip in enumerate(plan.trips) if trip.transfer is not None), None)
    if idx is None:
        return None
    return (
        f"{prefix}trips[{idx}].transfer: re-planning a plan with stock transfers between "
        "warehouses is not supported; revise a plan made without them (supplyopt plan "
        "without --transfers, plan_relief(..., transfers=False), the default)"
    )


def refuse_transfers(plan: Plan) -> None:
    """Raise :class:`PlanNotSupportedError` when ``plan`` has a stock transfer."""
    why = transfer_refusal(plan)
    if why is not None:
        raise PlanNotSupportedError(why)
