"""Revisions of a finished plan (contract §6): what they start from, and their events.

A revision is a plan job whose ``previous_id`` names the plan it revises. It
solves the previous job's scenario, with the stock that job was planned with
(``inventory_used`` when it used the live inventory: the operation's stock at
T0, from which the library subtracts what the trucks under way loaded), the
previous plan, and the events file of the request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supplyopt.model import (
    EventsError,
    Operation,
    Plan,
    Scenario,
    apply_events,
    parse_events,
    parse_scenario,
)
from supplyopt.model.events import AddArea
from supplyopt.replan.transfers import transfer_refusal

from .core.errors import ConflictError, InvalidInputError
from .core.settings import Settings
from .core.tables import PlanJobRow


def with_stock(
    data: Mapping[str, Any], stock: Mapping[str, Mapping[str, int]] | None
) -> dict[str, Any]:
    """Return scenario data whose listed warehouses hold ``{warehouse: {item: units}}``."""
    if not stock:
        return dict(data)
    warehouses = [
        {**w, "stock": dict(stock[w["id"]])} if w["id"] in stock else w for w in data["warehouses"]
    ]
    return {**data, "warehouses": warehouses}


def revision_inputs(previous: PlanJobRow) -> tuple[Scenario, Plan]:
    """The scenario and plan a revision of ``previous`` starts from.

    Raises
    ------
    ConflictError
        Unless ``previous`` is a finished (done) plan job with its plan.
    """
    require_done(previous)
    scenario = parse_scenario(with_stock(previous.scenario, previous.inventory_used))
    return scenario, Plan.model_validate(previous.plan)


def revision_operation(row: PlanJobRow, previous: PlanJobRow | None) -> Operation | None:
    """The operation a revision was planned for (its events on what it revised), else ``None``.

    Its ``changed`` scenario holds the added areas and changed demand, and its
    ``roads_at`` the roads of each leg's start, for the revision's exports.
    """
    if row.events is None or previous is None or previous.plan is None:
        return None
    scenario, plan = revision_inputs(previous)
    try:
        return apply_events(scenario, parse_events(dict(row.events), scenario, plan))
    except EventsError:  # checked when queued; a later schema change must not break exports
        return None


def require_done(previous: PlanJobRow) -> None:
    """409 unless ``previous`` is a finished (done) plan job with its plan."""
    if previous.status != "done" or previous.plan is None:
        raise ConflictError(
            f"plan {previous.id} is {previous.status}; only a finished (done) plan can be "
            "revised — wait for it to finish, or submit a new plan"
        )


def check_events(
    events: Mapping[str, Any], scenario: Scenario, plan: Plan, settings: Settings
) -> None:
    """Validate an events file against the scenario and the plan it revises.

    Also holds the areas it adds to this server's limit on warehouses and areas.

    Raises
    ------
    InvalidInputError
        With every problem of the events file, located under ``body.events``.
    ConflictError
        When the plan has stock transfers (re-planning does not support them).
    """
    refused = transfer_refusal(plan)
    if refused is not None:
        raise ConflictError(refused)
    try:
        parsed = parse_events(dict(events), scenario, plan)
    except EventsError as err:
        raise InvalidInputError.of_problems(err.problems, ["body", "events"]) from None
    added = sum(isinstance(event, AddArea) for event in parsed.events)
    sites = len(scenario.warehouses) + len(scenario.areas) + added
    if added and sites > settings.max_scenario_sites:
        raise InvalidInputError(
            [
                (
                    ["body", "events", "events"],
                    f"{added} added areas make {sites} warehouses and areas; this server plans "
                    f"at most {settings.max_scenario_sites}",
                )
            ]
        )
