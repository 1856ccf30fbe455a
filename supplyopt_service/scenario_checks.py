"""Checks on a submitted scenario: the library's validation, then this server's size limits.

A scenario in a request body is validated by :func:`library_validated`, the
library's one path (:func:`supplyopt.model.parse_scenario`): every field and
cross-reference problem comes back located, in the same words as ``supplyopt
plan`` and ``POST /scenarios/parse`` use.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidatorFunctionWrapHandler
from pydantic_core import PydanticCustomError

from supplyopt.model import OsmRoads, Problem, Scenario, ScenarioError, parse_scenario

from .core.errors import INVALID_SCENARIO, InvalidInputError, Loc
from .core.routing import remember, remembered
from .core.settings import Settings
from .ids import scenario_id_problems


def library_validated(value: Any, _handler: ValidatorFunctionWrapHandler) -> Scenario:
    """Validate a scenario field of a request body through the library, then its ids.

    Ids also follow the service's rule (:mod:`supplyopt_service.ids`). A
    scenario already validated for this request (off the event loop, see
    :mod:`supplyopt_service.core.routing`) is not validated again.

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
    id_problems = scenario_id_problems(value) if isinstance(value, Mapping) else []
    try:
        scenario = parse_scenario(value)
    except ScenarioError as err:
        located = {p.location for p in err.problems}
        problems = [*err.problems, *(p for p in id_problems if p.location not in located)]
        raise _invalid(problems) from None
    if id_problems:
        raise _invalid(id_problems)
    remember(raw, scenario)
    return scenario


def _invalid(problems: list[Problem]) -> PydanticCustomError:
    return PydanticCustomError(
        INVALID_SCENARIO,
        "invalid scenario ({count} problems)",
        {"count": len(problems), "problems": problems},
    )


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


def with_served_roads(
    scenario: Scenario, settings: Settings, *, where: Loc | None = None
) -> Scenario:
    """The scenario with its OSM road file resolved in the server's data directory.

    Over HTTP a scenario names a road file only by its name in
    ``SUPPLYOPT_DATA_DIR``: a path (absolute, relative, with a directory) is
    refused with the same answer whether or not it exists, and
    ``download: true`` only when ``SUPPLYOPT_ALLOW_ROAD_DOWNLOAD`` is on.

    Raises
    ------
    InvalidInputError
        Located at ``roads.file`` or ``roads.download`` under ``where``
        (default ``body.scenario``).
    """
    where = ["body", "scenario"] if where is None else where
    roads = scenario.roads
    if not isinstance(roads, OsmRoads):
        return scenario
    if roads.download and not settings.allow_road_download:
        raise InvalidInputError(
            [
                (
                    [*where, "roads", "download"],
                    "this server does not download road networks "
                    "(SUPPLYOPT_ALLOW_ROAD_DOWNLOAD is off); name a road file of its data "
                    "directory instead",
                )
            ]
        )
    if roads.file is None:
        return scenario
    found = _served_road_file(roads.file, settings.data_dir)
    if isinstance(found, str):
        raise InvalidInputError([([*where, "roads", "file"], found)])
    return scenario.model_copy(update={"roads": roads.model_copy(update={"file": str(found)})})


def _served_road_file(name: str, data_dir: Path | None) -> Path | str:
    """The file ``name`` in ``data_dir``, or what is wrong (never saying whether a path exists)."""
    if name in ("", ".", "..") or PurePath(name).name != name or "\\" in name or "\x00" in name:
        return (
            "give the name of a road file in the server's data directory (SUPPLYOPT_DATA_DIR), "
            f"not a path (got {name!r})"
        )
    if data_dir is None:
        return "this server has no road files (SUPPLYOPT_DATA_DIR is not set)"
    base = data_dir.resolve()
    file = (base / name).resolve()
    if file.parent != base or not file.is_file():
        return f"no road file {name!r} in the server's data directory"
    return file
