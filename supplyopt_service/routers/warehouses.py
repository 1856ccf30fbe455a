"""Warehouses, their stock and their movement ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from ..catalogue import (
    create_warehouse,
    get_warehouse,
    import_scenario,
    list_warehouses,
    warehouse_out,
)
from ..core.paging import DEFAULT_LIMIT, AfterId, Limit, page
from ..core.routing import GuardedRoute
from ..core.tables import MovementRow
from ..deps import DatabaseDep, IdPath, Manager, ReadSession, ServicesDep, Viewer
from ..examples import SCENARIO, WAREHOUSE, example
from ..inventory import record_movement, require_warehouse, stock_levels
from ..scenario_checks import scenario_errors
from ..schemas import (
    ImportResult,
    MovementIn,
    MovementOut,
    ScenarioImport,
    StockLevel,
    WarehouseIn,
    WarehouseOut,
)
from .responses import answers

router = APIRouter(prefix="/warehouses", tags=["warehouses"], route_class=GuardedRoute)


@router.get("", summary="List warehouses", responses=answers())
def get_warehouses(
    who: Viewer,
    session: ReadSession,
    request: Request,
    response: Response,
    after: AfterId = None,
    limit: Limit = DEFAULT_LIMIT,
) -> list[WarehouseOut]:
    """Warehouses by id with their on-hand and available stock, a page at a time."""
    rows = list_warehouses(session, after, limit + 1)
    return page(request, response, rows, limit, param="after", key=lambda w: w.id)


@router.post("", status_code=201, summary="Add a warehouse", responses=answers(409, 413))
def post_warehouse(
    warehouse: Annotated[WarehouseIn, Body(openapi_examples=example("a reserve", WAREHOUSE))],
    who: Manager,
    db: DatabaseDep,
) -> WarehouseOut:
    """Add a warehouse (scenario fields); ``stock`` is recorded as opening receipts."""
    with db.write() as session:
        row = create_warehouse(session, warehouse, key_id=who.key_id)
        session.flush()
        return warehouse_out(session, row)


@router.post(
    "/import", summary="Import items and warehouses from a scenario", responses=answers(409, 413)
)
def post_import(
    body: Annotated[
        ScenarioImport, Body(openapi_examples=example("a scenario", {"scenario": SCENARIO}))
    ],
    who: Manager,
    svc: ServicesDep,
) -> ImportResult:
    """Create the scenario's items and warehouses that do not exist yet.

    New warehouses get the scenario stock as opening balance. An existing
    warehouse receives the scenario stock of items it has never held
    (``added_stock``); the stock of items it holds or held, and existing
    items, are left unchanged. Held to the server's scenario limits
    (422); warehouses are committed in batches, so an interrupted import can
    simply be sent again.
    """
    problems = scenario_errors(body.scenario, svc.settings)
    if problems is not None:
        raise problems
    return ImportResult(**import_scenario(svc.db, body.scenario, key_id=who.key_id))


@router.get("/{warehouse_id}", summary="One warehouse", responses=answers(404))
def get_one(warehouse_id: IdPath, who: Viewer, session: ReadSession) -> WarehouseOut:
    """One warehouse with its on-hand and available stock."""
    return get_warehouse(session, warehouse_id)


@router.get(
    "/{warehouse_id}/stock",
    summary="Stock of a warehouse",
    responses=answers(404),
    response_description="On hand, reserved and available units per item.",
)
def get_stock(warehouse_id: IdPath, who: Viewer, session: ReadSession) -> dict[str, StockLevel]:
    """``{item: {on_hand, reserved, available}}`` for every item ever held here."""
    require_warehouse(session, warehouse_id)
    return {k: StockLevel(**v) for k, v in stock_levels(session, warehouse_id).items()}


@router.post(
    "/{warehouse_id}/movements",
    status_code=201,
    summary="Record a stock movement",
    responses={
        **answers(404, 409, 413),
        201: {
            "model": MovementOut,
            "description": "The ledger entry (a retry with the same Idempotency-Key "
            "gets the first entry again).",
        },
    },
)
def post_movement(
    warehouse_id: IdPath,
    movement: MovementIn,
    who: Manager,
    db: DatabaseDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            min_length=1,
            max_length=200,
            description="Makes a retry apply once: the same key with the same body "
            "returns the first answer; with another body, 422.",
        ),
    ] = None,
) -> Any:
    """Record a receipt (quantity > 0), issue (< 0) or adjustment (≠ 0).

    409 with the shortfall, and nothing changed, if on-hand or available stock
    would go negative; 409, nothing changed, if on-hand stock would exceed
    ``MAX_QUANTITY`` (10**12 units of an item in a warehouse).
    """
    status, body = record_movement(
        db,
        warehouse_id,
        movement,
        key_id=who.key_id,
        idempotency_key=idempotency_key,
    )
    return JSONResponse(body, status_code=status)


@router.get("/{warehouse_id}/movements", summary="The movement ledger", responses=answers(404))
def get_movements(
    warehouse_id: IdPath,
    who: Viewer,
    session: ReadSession,
    request: Request,
    response: Response,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[MovementOut]:
    """Return the append-only ledger of this warehouse, oldest first (page with ``after_id``)."""
    require_warehouse(session, warehouse_id)
    rows = session.scalars(
        select(MovementRow)
        .where(MovementRow.warehouse_id == warehouse_id, MovementRow.id > after_id)
        .order_by(MovementRow.id)
        .limit(limit + 1)
    )
    entries = page(request, response, list(rows), limit, param="after_id", key=lambda r: r.id)
    return [MovementOut.of(r) for r in entries]
