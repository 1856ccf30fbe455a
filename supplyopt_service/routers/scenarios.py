"""Scenario files for the dashboard: the bundled ones, parsing an uploaded file, writing one.

A browser cannot read or write YAML by itself; the page posts the file's text
here and gets the scenario back as JSON, or every problem located, as
``supplyopt check`` would report it; and it posts a scenario it edited to get
the file the library writes for it.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from supplyopt.bundled import bundled_scenarios, default_scenario_path
from supplyopt.io import (
    ScenarioFormat,
    dumps_scenario,
    loads_scenario,
    read_scenario,
    scenario_to_data,
)
from supplyopt.model import MissingDataError, ScenarioError
from supplyopt.report import safe_filename

from ..core.errors import InvalidInputError, NotFoundError
from ..core.routing import GuardedRoute
from ..deps import IdPath, ServicesDep, Viewer
from ..scenario_checks import scenario_errors
from ..schemas import ScenarioToWrite
from .responses import TEXT_BODY, answers

router = APIRouter(prefix="/scenarios", tags=["scenarios"], route_class=GuardedRoute)

#: Media type of each scenario file format.
MEDIA_TYPES: dict[str, str] = {"yaml": "application/yaml", "json": "application/json"}


@router.get("/bundled", summary="Scenarios bundled with supplyopt", responses=answers())
def list_bundled(who: Viewer) -> dict[str, Any]:
    """Names of the bundled scenarios and which one is the default."""
    default = default_scenario_path().stem
    return {"scenarios": [{"name": n, "default": n == default} for n in bundled_scenarios()]}


@router.get("/bundled/{name}", summary="One bundled scenario as JSON", responses=answers(404))
def get_bundled(name: IdPath, who: Viewer) -> dict[str, Any]:
    """The bundled scenario ``name`` in the scenario file format (as JSON).

    404 for an unknown name, and for a scenario whose road data (an OSM
    extract) is missing on this server.
    """
    path = bundled_scenarios().get(name)
    if path is None:
        raise NotFoundError(
            f"no bundled scenario {name!r} (known: {', '.join(bundled_scenarios())})"
        )
    try:
        scenario = read_scenario(path)
    except MissingDataError:
        # the server's files, not the request, are at fault: say so without their paths
        raise NotFoundError(
            f"bundled scenario {name!r} cannot be served: the road data it names is missing on "
            "this server (docs/roads-and-disruptions.md: where OSM extracts come from)"
        ) from None
    return scenario_to_data(scenario)


@router.post(
    "/parse",
    summary="Validate a scenario file's text",
    responses=answers(413),
    openapi_extra=TEXT_BODY,
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


@router.post(
    "/render",
    summary="Write a scenario as a YAML or JSON file",
    responses={
        **answers(413),
        200: {
            "description": "The scenario file (UTF-8), as the library writes it.",
            "content": {media: {} for media in MEDIA_TYPES.values()},
        },
    },
)
def render(
    body: ScenarioToWrite,
    who: Viewer,
    svc: ServicesDep,
    file_format: Annotated[ScenarioFormat, Query(alias="format")] = "yaml",
) -> Response:
    """The scenario of the body (``{"scenario": {...}}``) as a scenario file.

    The scenario is validated as ``POST /plans`` validates it (422: one
    located error per problem, under ``body.scenario``) and written by the
    library's writer (:func:`supplyopt.io.dumps_scenario`): reading the file
    back gives the same scenario, names in any script unchanged. The file is
    offered as an attachment named after the scenario.
    """
    problems = scenario_errors(body.scenario, svc.settings)
    if problems is not None:
        raise problems
    text = dumps_scenario(body.scenario, file_format)
    filename = f"{safe_filename(body.scenario.name)}.{file_format}"
    return Response(
        text.encode("utf-8"),
        media_type=f"{MEDIA_TYPES[file_format]}; charset=utf-8",
        headers={"Content-Disposition": _attachment(filename)},
    )


def _attachment(filename: str) -> str:
    """An ``attachment`` Content-Disposition; a non-ASCII name goes as RFC 5987 ``filename*``."""
    quoted = quote(filename)
    if quoted == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename*=utf-8''{quoted}"
