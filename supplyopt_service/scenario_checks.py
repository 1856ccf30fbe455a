"""Checks on a submitted scenario beyond its schema: cross-references and size limits."""

from __future__ import annotations

from supplyopt.model import Scenario, reference_problems

from .core.errors import InvalidInputError, Loc, parse_path
from .core.settings import Settings


def scenario_errors(
    scenario: Scenario, settings: Settings | None = None, *, where: Loc | None = None
) -> InvalidInputError | None:
    """Every unknown id, duplicate id and exceeded size limit, each located; ``None`` if fine.

    Parameters
    ----------
    scenario
        A scenario that passed field validation.
    settings
        Limits to apply (none when ``None``).
    where
        Location of the scenario in the request (default ``body.scenario``).
    """
    where = ["body", "scenario"] if where is None else where
    errors: list[tuple[Loc, str]] = []
    for problem in reference_problems(scenario.model_dump(by_alias=True)):
        path, _, message = problem.partition(": ")
        errors.append(([*where, *parse_path(path)], message))
    if settings is not None:
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
