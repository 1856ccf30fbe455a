"""Plan exports over HTTP: GeoJSON, CSV manifests, dispatch sheets and SVG figures.

The same files as ``supplyopt export``, computed from the job's stored
scenario (with the live stock it was planned with, when it used inventory)
and its plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from supplyopt.model import Plan, Scenario
from supplyopt.report import (
    coverage_svg,
    dispatch_sheets_html,
    manifest_csv,
    map_svg,
    plan_geojson_text,
    timeline_svg,
)

from ..auth import require
from ..errors import ConflictError, NotFoundError
from ..keys import Principal
from ..routers._common import PlanIdPath, answers
from ..state import services
from ..tables import PlanJobRow

router = APIRouter(prefix="/plans", tags=["exports"])
Viewer = Annotated[Principal, Depends(require("viewer"))]

Render = Callable[[Scenario, Plan, str | None], str]

#: Export name → (media type, renderer taking an optional vehicle id).
EXPORTS: dict[str, tuple[str, Render]] = {
    "plan.geojson": ("application/geo+json", lambda s, p, v: plan_geojson_text(s, p)),
    "manifest.csv": ("text/csv", lambda s, p, v: manifest_csv(s, p, vehicle=v)),
    "sheets.html": ("text/html", lambda s, p, v: dispatch_sheets_html(s, p, vehicle=v)),
    "map.svg": ("image/svg+xml", lambda s, p, v: map_svg(s, p)),
    "timeline.svg": ("image/svg+xml", lambda s, p, v: timeline_svg(s, p)),
    "coverage.svg": ("image/svg+xml", lambda s, p, v: coverage_svg(s, p)),
}


def planned_scenario(row: PlanJobRow) -> Scenario:
    """The job's scenario, with each warehouse's stock as planned when inventory was used."""
    data: dict[str, Any] = dict(row.scenario)
    used = row.inventory_used or {}
    if used:
        data["warehouses"] = [
            {**w, "stock": used[w["id"]]} if w.get("id") in used else w for w in data["warehouses"]
        ]
    return Scenario.model_validate(data)


@router.get(
    "/{plan_id}/export/{name}",
    summary="Download a plan export",
    responses={
        **answers(404, 409),
        200: {
            "description": "The file (GeoJSON, CSV, HTML or SVG; UTF-8).",
            "content": {t: {} for t, _ in EXPORTS.values()},
        },
    },
)
def export(
    request: Request,
    plan_id: PlanIdPath,
    name: str,
    who: Viewer,
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
    if name not in EXPORTS:
        raise NotFoundError(f"no export {name!r} (known: {', '.join(EXPORTS)})")
    with services(request).db.read() as session:
        row = session.get(PlanJobRow, plan_id)
        if row is None:
            raise NotFoundError(f"no plan with id {plan_id!r}")
        if row.status != "done" or row.plan is None:
            raise ConflictError(f"plan {plan_id!r} has no result yet (status {row.status!r})")
        scenario = planned_scenario(row)
        plan = Plan.model_validate(row.plan)
    media_type, render = EXPORTS[name]
    if vehicle is not None and vehicle not in {t.vehicle for t in plan.trips}:
        raise NotFoundError(f"plan {plan_id!r} has no vehicle {vehicle!r}")
    filename = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{plan.scenario}-{plan_id}-{name}")
    return Response(
        render(scenario, plan, vehicle).encode("utf-8"),
        media_type=f"{media_type}; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )
