"""Plan jobs: submit, follow, cancel, revise; approve, dispatch and release their stock."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from fastapi import APIRouter, Body, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import approvals, revisions
from ..approvals import lock_job
from ..core.errors import NotFoundError
from ..core.paging import DEFAULT_LIMIT, Limit, newest_first
from ..core.routing import GuardedRoute
from ..core.tables import PlanJobRow
from ..deps import DatabaseDep, Manager, PlanIdPath, Planner, ReadSession, ServicesDep, Viewer
from ..examples import PLAN_REQUEST, REPLAN_REQUEST, example
from ..leases import database_now
from ..quotas import require_may_cancel
from ..scenario_checks import scenario_errors, with_served_roads
from ..schemas import (
    PlanAccepted,
    PlanJob,
    PlanList,
    PlanListEntry,
    PlanRequest,
    ReplanRequest,
    ReplanSummary,
    RevisionAccepted,
    ScenarioImport,
    StockPreview,
    WarehouseStockPreview,
    as_utc,
)
from ..solving import live_stock
from .responses import answers

router = APIRouter(prefix="/plans", tags=["plans"], route_class=GuardedRoute)


def job_view(session: Session, row: PlanJobRow) -> PlanJob:
    """Return the API view of a job row: with its reservations and its revisions."""
    reservations: dict[str, dict[str, int]] = defaultdict(dict)
    for (warehouse_id, item_id), quantity in approvals.reservations(session, row.id).items():
        reservations[warehouse_id][item_id] = quantity
    revised_by = session.scalars(
        select(PlanJobRow.id)
        .where(PlanJobRow.previous_id == row.id)
        .order_by(PlanJobRow.created_at, PlanJobRow.id)
    )
    block = (row.plan or {}).get("replan")
    return PlanJob.model_validate(
        {
            "id": row.id,
            "status": row.status,
            "progress": row.progress,
            "message": row.message,
            "use_inventory": row.use_inventory,
            "time_limit_s": row.time_limit_s,
            "seed": row.seed,
            "created_at": as_utc(row.created_at),
            "started_at": as_utc(row.started_at),
            "finished_at": as_utc(row.finished_at),
            "elapsed_s": _elapsed_s(session, row),
            "plan": row.plan,
            "error": row.error,
            "inventory_used": row.inventory_used,
            "approval": row.approval,
            "reservations": dict(reservations),
            "previous": row.previous_id,
            "revisions": list(revised_by),
            "superseded_by": row.superseded_by,
            "events": row.events,
            "replan": None if block is None else ReplanSummary.model_validate(block),
        }
    )


def _elapsed_s(session: Session, row: PlanJobRow) -> float | None:
    """Seconds the job has solved (to its end when finished); None before it started."""
    started = as_utc(row.started_at)
    if started is None:
        return None
    end = as_utc(row.finished_at) or as_utc(database_now(session))
    assert end is not None
    return round(max((end - started).total_seconds(), 0.0), 1)


@router.post("", status_code=202, summary="Submit a plan job", responses=answers(413, 429))
def submit(
    body: Annotated[
        PlanRequest,
        Body(openapi_examples=example("plan with the live stock", PLAN_REQUEST)),
    ],
    who: Planner,
    svc: ServicesDep,
) -> PlanAccepted:
    """Queue a plan for the scenario; answers at once with the job id (poll ``GET /plans/{id}``).

    With ``use_inventory``, every scenario warehouse that exists in the service
    is planned with its live available stock (read when solving starts).
    """
    problems = scenario_errors(body.scenario, svc.settings)
    if problems is not None:
        raise problems
    body = body.model_copy(update={"scenario": with_served_roads(body.scenario, svc.settings)})
    job = svc.jobs.submit(body, key_id=who.key_id)
    return PlanAccepted(id=job.id, status="queued")


@router.post(
    "/stock-preview",
    summary="The stock a plan with the live inventory would use now",
    responses=answers(413),
)
def stock_preview(body: ScenarioImport, who: Viewer, svc: ServicesDep) -> StockPreview:
    """Per scenario warehouse: the units per item a ``use_inventory`` plan would use if it started now.

    Warehouses not in the service use their file stock; items a service
    warehouse has never held are planned with 0 and listed in ``not_held``.
    The stock is read again when the plan starts (it may change meanwhile).
    """
    problems = scenario_errors(body.scenario, svc.settings)
    if problems is not None:
        raise problems
    data = body.scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    with svc.db.read() as session:
        live = live_stock(session, data)
    items = [item["id"] for item in data["items"]]
    rows = []
    for w in data["warehouses"]:
        file_stock = {i: int((w.get("stock") or {}).get(i, 0)) for i in items}
        in_service = w["id"] in live.used
        rows.append(
            WarehouseStockPreview(
                id=w["id"],
                in_service=in_service,
                stock=live.used[w["id"]] if in_service else file_stock,
                file_stock=file_stock,
                not_held=sorted(live.not_held.get(w["id"], {})),
            )
        )
    return StockPreview(warehouses=rows)


@router.get("", summary="List plan jobs", responses=answers())
def list_plans(
    who: Viewer,
    session: ReadSession,
    limit: Limit = DEFAULT_LIMIT,
    after: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=32,
            description="The `next` of the previous page: plans older than this one.",
        ),
    ] = None,
) -> PlanList:
    """Return plan jobs, newest first, a page at a time (``next`` is the following page's cursor)."""
    query = select(
        PlanJobRow.id,
        PlanJobRow.status,
        PlanJobRow.scenario["name"].as_string(),
        PlanJobRow.created_at,
        PlanJobRow.plan["summary"]["coverage_on_time"].as_float(),
        PlanJobRow.approval,
        PlanJobRow.previous_id,
    )
    rows, more = newest_first(session, query, PlanJobRow, after=after, limit=limit, what="plan")
    fields = ("id", "status", "scenario_name", "created_at", "coverage_on_time", "approval")
    plans = [
        PlanListEntry.model_validate(
            {**dict(zip(fields, row[:6], strict=True)), "previous": row[6]}
            | {"created_at": as_utc(row[3])}
        )
        for row in rows
    ]
    return PlanList(plans=plans, next=plans[-1].id if more else None)


@router.get("/{plan_id}", summary="A plan job and, when done, its plan", responses=answers(404))
def get_plan(plan_id: PlanIdPath, who: Viewer, session: ReadSession) -> PlanJob:
    """Return the job's status and progress; the plan file when done; the error when failed."""
    row = session.get(PlanJobRow, plan_id)
    if row is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    return job_view(session, row)


@router.post(
    "/{plan_id}/replan",
    status_code=202,
    summary="Revise a finished plan from now on (a new plan job)",
    responses=answers(404, 409, 413, 429),
)
def replan(
    plan_id: PlanIdPath,
    body: Annotated[
        ReplanRequest,
        Body(openapi_examples=example("a new area; tents found missing", REPLAN_REQUEST)),
    ],
    who: Planner,
    svc: ServicesDep,
) -> RevisionAccepted:
    """Queue a revision of the plan for the events (contract §6); answers at once with its id.

    The revision solves the plan's own scenario (with the stock it was
    planned with) and names the plan in ``previous``. The events are checked
    first: 422 with every problem located under ``body.events``, and nothing
    stored. 409 unless the plan is done, or when it has stock transfers
    between warehouses (re-planning does not support them yet).
    """
    with svc.db.read() as session:
        previous = session.get(PlanJobRow, plan_id)
        if previous is None:
            raise NotFoundError(f"no plan with id {plan_id!r}")
        scenario, plan = revisions.revision_inputs(previous)
    revisions.check_events(body.events, scenario, plan, svc.settings)
    job = svc.jobs.submit_replan(plan_id, body, key_id=who.key_id)
    return RevisionAccepted(id=job.id, status="queued", previous=plan_id)


@router.post(
    "/{plan_id}/cancel", summary="Cancel a queued or running plan", responses=answers(404, 409)
)
def cancel(plan_id: PlanIdPath, who: Planner, svc: ServicesDep) -> PlanJob:
    """Stop a queued or running plan; 409 if it already finished.

    A planner cancels only the plans its key submitted (403 otherwise); a
    manager or admin any plan.
    """
    require_may_cancel(svc.db, who, plan_id)
    svc.jobs.cancel(plan_id, key_id=who.key_id)
    with svc.db.read() as session:
        row = session.get(PlanJobRow, plan_id)
        assert row is not None  # cancel() found it; jobs are never deleted
        return job_view(session, row)


@router.post(
    "/{plan_id}/approve", summary="Approve a plan: reserve its stock", responses=answers(404, 409)
)
def approve(plan_id: PlanIdPath, who: Manager, db: DatabaseDep) -> PlanJob:
    """Reserve, in one transaction, every unit the plan takes from service warehouses.

    409 with the shortfall, and nothing reserved, if any of it is no longer
    available. Two approvals racing for the same stock never both succeed.
    A revision of an approved plan takes that plan's reservation over: it
    reserves only what it takes beyond it, releases what it no longer takes,
    and the previous plan becomes ``superseded``.
    """
    with db.write() as session:
        approvals.approve(session, plan_id, key_id=who.key_id)
        return job_view(session, lock_job(session, plan_id))


@router.post(
    "/{plan_id}/dispatch",
    summary="Dispatch an approved plan: issue its stock",
    responses=answers(404, 409),
)
def dispatch(plan_id: PlanIdPath, who: Manager, db: DatabaseDep) -> PlanJob:
    """Turn the plan's reservation into issues (the trucks leave with the stock)."""
    with db.write() as session:
        approvals.dispatch(session, plan_id, key_id=who.key_id)
        return job_view(session, lock_job(session, plan_id))


@router.post(
    "/{plan_id}/release",
    summary="Cancel an approval: release its stock",
    responses=answers(404, 409),
)
def release(plan_id: PlanIdPath, who: Manager, db: DatabaseDep) -> PlanJob:
    """Give the reserved units of an approved (not dispatched) plan back to available stock."""
    with db.write() as session:
        approvals.release(session, plan_id, key_id=who.key_id)
        return job_view(session, lock_job(session, plan_id))
