"""Checks on a submitted scenario: the library's validation, then this server's size limits.

A scenario in a request body is validated by :func:`library_validated`, the
library's one path (:func:`supplyopt.model.parse_scenario`): every field and
cross-reference problem comes back located, in the same words as ``supplyopt
plan`` and ``POST /scenarios/parse`` use.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidatorFunctionWrapHandler
from pydantic_core import PydanticCustomError

from supplyopt.model import Scenario, ScenarioError, parse_scenario

from .core.errors import INVALID_SCENARIO, InvalidInputError, Loc
from .core.routing import remember, remembered
from .core.settings import Settings


def library_validated(value: Any, _handler: ValidatorFunctionWrapHandler) -> Scenario:
    """Validate a scenario field of a request body through the library.

    Raises
    ------
    PydanticCustomError
        Of type ``invalid_scenario``, its context holding every
        :class:`~supplyopt.model.Problem`; the error handler answers one
        located error per problem.
    """
    known = remembered(value)
    if isinstance(known, Scenario):
        return known
    raw = value
    if isinstance(value, Scenario):
        value = value.model_dump(by_alias=True)
    try:
        scenario = parse_scenario(value)
    except ScenarioError as err:
        raise PydanticCustomError(
            INVALID_SCENARIO,
            "invalid scenario ({count} problems)",
            {"count": len(err.problems), "problems": err.problems},
        ) from None
    remember(raw, scenario)
    return scenario


def scenario_errors(
    scenario: Scenario, settings: Settings | None = None, *, where: Loc | None = None
) -> InvalidInputError | None:
    """Every exceeded size limit of a validated scenario, each located; ``None`` if fine.

    Parameters
    ----------
    scenario
        A scenario the library validated (fields and cross-references).
    settings
        Limits to apply (none when ``None``).
    where
        Location of the scenario in the request (default ``body.scenario``).
    """
    where = ["body", "scenario"] if where is None else where
    if settings is None:
        return None
    errors: list[tuple[Loc, str]] = []
    sites = len(scenario.warehouses) + len(scenario.areas)
    if sites > settings.max_scenario_sites:
        errors.append(
            (
                [*where, "areas"],
                f"{sites} warehouses and areas; this server plans "
                f"at most {settings.max_scenario_sites}",
            )
        )
    if len(scenario.items) > settings.max_scenario_items:
        errors.append(
            (
                [*where, "items"],
                f"{len(scenario.items)} items; this server plans "
                f"at most {settings.max_scenario_items}",
            )
        )
    vehicles = sum(w.vehicle_count for w in scenario.warehouses)
    if vehicles > settings.max_scenario_vehicles:
        errors.append(
            (
                [*where, "warehouses"],
                f"{vehicles} vehicles in all fleets; this "
                f"server plans at most {settings.max_scenario_vehicles}",
            )
        )
    return InvalidInputError(errors) if errors else None
