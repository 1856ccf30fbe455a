"""Scenario files for the dashboard: the bundled ones, and parsing an uploaded YAML/JSON file.

A browser cannot read YAML by itself; the page posts the file's text here and
gets the scenario back as JSON, or every problem located, as ``supplyopt
check`` would report it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from supplyopt.bundled import bundled_scenarios, default_scenario_path
from supplyopt.io import ScenarioFormat, loads_scenario, read_scenario, scenario_to_data
from supplyopt.model import ScenarioError

from ..core.errors import InvalidInputError, NotFoundError
from ..core.routing import GuardedRoute
from ..deps import IdPath, Viewer
from .responses import answers

router = APIRouter(prefix="/scenarios", tags=["scenarios"], route_class=GuardedRoute)


@router.get("/bundled", summary="Scenarios bundled with supplyopt", responses=answers())
def list_bundled(who: Viewer) -> dict[str, Any]:
    """Names of the bundled scenarios and which one is the default."""
    default = default_scenario_path().stem
    return {"scenarios": [{"name": n, "default": n == default} for n in bundled_scenarios()]}


@router.get("/bundled/{name}", summary="One bundled scenario as JSON", responses=answers(404))
def get_bundled(name: IdPath, who: Viewer) -> dict[str, Any]:
    """The bundled scenario ``name`` in the scenario file format (as JSON)."""
    path = bundled_scenarios().get(name)
    if path is None:
        raise NotFoundError(
            f"no bundled scenario {name!r} (known: {', '.join(bundled_scenarios())})"
        )
    return scenario_to_data(read_scenario(path))


@router.post(
    "/parse",
    summary="Validate a scenario file's text",
    responses=answers(413),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/yaml": {"schema": {"type": "string"}},
            },
        }
    },
)
async def parse(
    request: Request,
    who: Viewer,
    file_format: Annotated[ScenarioFormat, Query(alias="format")] = "yaml",
) -> dict[str, Any]:
    """Parse and validate the body (a YAML or JSON scenario file, UTF-8).

    Answers ``{"scenario": {...}}``, or 422 with one located error per problem
    (a YAML document expanding, aliases counted at every use, beyond the
    library's ``MAX_YAML_VALUES`` is refused so). Parsing runs in a worker
    thread: other requests are served meanwhile.
    """
    text = await request.body()
    return await run_in_threadpool(_parse, text, file_format)


def _parse(text: bytes, file_format: ScenarioFormat) -> dict[str, Any]:
    try:
        scenario = loads_scenario(text, file_format, source="upload")
    except ScenarioError as err:
        raise InvalidInputError.of_problems(err.problems, ["body"]) from None
    return {"scenario": scenario_to_data(scenario)}
