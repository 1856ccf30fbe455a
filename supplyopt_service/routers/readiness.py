"""Readiness runs (contract §7) on the live inventory: submit, follow, list, cancel."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from supplyopt.bundled import DEFAULT_REGION, bundled_regions
from supplyopt.io import ScenarioFormat

from .. import readiness_jobs
from ..core.errors import NotFoundError
from ..core.paging import DEFAULT_LIMIT, Limit, newest_first
from ..core.routing import GuardedRoute
from ..core.tables import ReadinessJobRow
from ..deps import DatabaseDep, PlanIdPath, Planner, ReadSession, ServicesDep, Viewer
from ..readiness_schemas import ReadinessAccepted, ReadinessJob, ReadinessList, ReadinessRequest
from .responses import TEXT_BODY, answers

router = APIRouter(prefix="/readiness", tags=["readiness"], route_class=GuardedRoute)

EXAMPLE: dict[str, Any] = {
    "bundled_region": "changji-region",
    "samples": 20,
    "seed": 1,
    "time_limit_s": 10,
    "move_budget_units": 500,
}


@router.post(
    "", status_code=202, summary="Submit a readiness run", responses=answers(409, 413, 429)
)
def submit(
    body: Annotated[
        ReadinessRequest,
        Body(openapi_examples={"bundled region": {"summary": "bundled region", "value": EXAMPLE}}),
    ],
    who: Planner,
    svc: ServicesDep,
) -> ReadinessAccepted:
    """Queue a readiness run of a region on the live inventory; answers at once with its id.

    The settlements, needs and hazards come from the body (``region``, or a
    ``bundled_region``); the warehouses, their fleets and available stock
    from the service, read when the run starts. Every problem of the region
    is answered at once with 422, each located under ``body.region`` (the
    library's region validation, checked with the live warehouses); more
    than ``SUPPLYOPT_MAX_READINESS_SAMPLES`` samples is refused the same way.
    ``time_limit_s`` (per sample) is capped by ``SUPPLYOPT_MAX_READINESS_TIME_LIMIT_S``.
    409 when the service has no warehouses; 429 when
    ``SUPPLYOPT_MAX_QUEUED_READINESS`` runs are queued or running.
    """
    job = readiness_jobs.submit(svc.db, body, svc.settings, key_id=who.key_id)
    if svc.jobs.worker is not None:
        svc.jobs.worker.wake()
    return ReadinessAccepted(id=job.id, status="queued")


@router.get("", summary="List readiness runs", responses=answers())
def list_runs(
    who: Viewer,
    session: ReadSession,
    limit: Limit = DEFAULT_LIMIT,
    after: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=32,
            description="The `next` of the previous page: runs older than this one.",
        ),
    ] = None,
) -> ReadinessList:
    """Return readiness runs, newest first, a page at a time (``next``: the following page)."""
    query = select(ReadinessJobRow.id, ReadinessJobRow.status)
    rows, more = newest_first(
        session, query, ReadinessJobRow, after=after, limit=limit, what="readiness run"
    )
    runs = [ReadinessAccepted.model_validate({"id": i, "status": s}) for i, s in rows]
    return ReadinessList(runs=runs, next=runs[-1].id if more else None)


@router.get("/regions", summary="Regions bundled with supplyopt", responses=answers())
def list_regions(who: Viewer) -> dict[str, Any]:
    """Names of the bundled region files (for ``bundled_region``) and which is the default."""
    return {"regions": [{"name": n, "default": n == DEFAULT_REGION} for n in bundled_regions()]}


@router.post(
    "/regions/parse",
    summary="Check a region file's text against the live warehouses",
    responses=answers(409, 413),
    openapi_extra=TEXT_BODY,
)
async def parse_region_text(
    request: Request,
    who: Viewer,
    db: DatabaseDep,
    file_format: Annotated[ScenarioFormat, Query(alias="format")] = "yaml",
) -> dict[str, Any]:
    """Parse a region file (YAML or JSON, UTF-8) and check it as ``POST /readiness`` would.

    Its own ``warehouses`` are dropped (the service's are used; ``dropped_warehouses``
    counts them). Answers ``{"region": {...}, "dropped_warehouses": n}`` ready to send as
    ``region``, or 422 with every problem located under ``body``.
    """
    text = await request.body()
    return await run_in_threadpool(readiness_jobs.parse_region_text, db, text, file_format)


@router.get(
    "/{run_id}",
    summary="A readiness run: progress and, when done, its result",
    responses=answers(404),
)
def get_run(run_id: PlanIdPath, who: Viewer, session: ReadSession) -> ReadinessJob:
    """Status and progress (sample plans done of all); when done the readiness JSON of §7.

    With a move budget also ``preposition`` (the recommended moves, coverage
    before and after); ``weakest`` lists the settlements failed most often;
    ``map`` the positions to draw them.
    """
    row = session.get(ReadinessJobRow, run_id)
    if row is None:
        raise NotFoundError(f"no readiness run with id {run_id!r}")
    return readiness_jobs.job_view(row)


@router.post(
    "/{run_id}/cancel",
    summary="Cancel a queued or running readiness run",
    responses=answers(404, 409),
)
def cancel(run_id: PlanIdPath, who: Planner, svc: ServicesDep) -> ReadinessJob:
    """Stop a queued or running run (after the sample being planned); 409 if it finished.

    A planner cancels only the runs its key submitted (403 otherwise); a
    manager or admin any run.
    """
    readiness_jobs.cancel(svc.db, run_id, who)
    if svc.jobs.worker is not None:
        svc.jobs.worker.stop_job(run_id)
    with svc.db.read() as session:
        row = session.get(ReadinessJobRow, run_id)
        assert row is not None  # cancel() found it; runs are never deleted
        return readiness_jobs.job_view(row)
