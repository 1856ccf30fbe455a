"""Plan exports over HTTP: GeoJSON, CSV manifests, dispatch sheets and SVG figures.

The same files as ``supplyopt export`` (the library's
:data:`~supplyopt.report.EXPORT_FILES`), computed from the job's stored
scenario (with the live stock it was planned with, when it used inventory)
and its plan; a revision's from the operation its events leave (added areas,
and each leg drawn on the roads of its start).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from supplyopt.model import Plan, Scenario
from supplyopt.report import EXPORT_FILES, safe_filename

from ..core.errors import ConflictError, NotFoundError
from ..core.routing import GuardedRoute
from ..core.tables import PlanJobRow
from ..dashboard.pages import SHEET_CSP
from ..deps import PlanIdPath, ReadSession, Viewer
from ..revisions import revision_operation
from .responses import answers

router = APIRouter(prefix="/plans", tags=["exports"], route_class=GuardedRoute)


def planned_scenario(row: PlanJobRow) -> Scenario:
    """The job's scenario, with each warehouse's stock as planned when inventory was used."""
    data: dict[str, Any] = dict(row.scenario)
    used = row.inventory_used or {}
    if used:
        data["warehouses"] = [
            {**w, "stock": used[w["id"]]} if w.get("id") in used else w for w in data["warehouses"]
        ]
    return Scenario.model_validate(data)


def content_disposition(filename: str) -> str:
    """An ``inline`` Content-Disposition; a non-ASCII name is sent as RFC 5987 ``filename*``."""
    quoted = quote(filename)
    if quoted == filename:
        return f'inline; filename="{filename}"'
    return f"inline; filename*=utf-8''{quoted}"


@router.get(
    "/{plan_id}/export/{name}",
    summary="Download a plan export",
    responses={
        **answers(404, 409),
        200: {
            "description": "The file (GeoJSON, CSV, HTML or SVG; UTF-8).",
            "content": {e.media_type: {} for e in EXPORT_FILES.values()},
        },
    },
)
def export(
    plan_id: PlanIdPath,
    name: str,
    who: Viewer,
    session: ReadSession,
    vehicle: Annotated[
        str | None,
        Query(max_length=300, description=("Only this vehicle (manifest.csv and sheets.html).")),
    ] = None,
) -> Response:
    """One export of a finished plan.

    ``name`` is ``plan.geojson``, ``manifest.csv``, ``sheets.html``, ``map.svg``,
    ``timeline.svg`` or ``coverage.svg``.

    404 for an unknown plan or export name; 409 while the plan is not done.
    """
    export_file = EXPORT_FILES.get(name)
    if export_file is None:
        raise NotFoundError(f"no export {name!r} (known: {', '.join(EXPORT_FILES)})")
    row = session.get(PlanJobRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    if row.status != "done" or row.plan is None:
        raise ConflictError(f"plan {plan_id!r} has no result yet (status {row.status!r})")
    scenario = planned_scenario(row)
    plan = Plan.model_validate(row.plan)
    operation = None
    if row.previous_id is not None:
        operation = revision_operation(row, session.get(PlanJobRow, row.previous_id))
    if operation is not None:
        scenario = operation.changed
    if vehicle is not None and vehicle not in {t.vehicle for t in plan.trips}:
        raise NotFoundError(f"plan {plan_id!r} has no vehicle {vehicle!r}")
    filename = safe_filename(f"{plan.scenario}-{plan_id}-{name}")
    return Response(
        export_file.render(
            scenario, plan, vehicle, roads_at=None if operation is None else operation.roads_at
        ).encode("utf-8"),
        media_type=f"{export_file.media_type}; charset=utf-8",
        headers=_headers(name, filename),
    )


def _headers(name: str, filename: str) -> dict[str, str]:
    """Download headers; HTML (the dispatch sheets) gets a policy that lets its style apply."""
    headers = {"Content-Disposition": content_disposition(filename)}
    if name.endswith(".html"):
        headers["Content-Security-Policy"] = SHEET_CSP
    return headers
