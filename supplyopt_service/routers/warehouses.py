"""Warehouses, their stock and their movement ledger."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi.responses import JSONResponse
from sqlalchemy import select

from supplyopt.model import Warehouse

from ..auth import require
from ..catalogue import (
    create_warehouse,
    get_warehouse,
    import_scenario,
    list_warehouses,
    warehouse_out,
)
from ..examples import SCENARIO, WAREHOUSE, example
from ..inventory import record_movement, require_warehouse, stock_levels
from ..keys import Principal
from ..scenario_checks import scenario_errors
from ..schemas import (
    ImportResult,
    MovementIn,
    MovementOut,
    ScenarioImport,
    StockLevel,
    WarehouseOut,
)
from ..state import services
from ..tables import MovementRow
from ._common import IdPath, answers

router = APIRouter(prefix="/warehouses", tags=["warehouses"])
Viewer = Annotated[Principal, Depends(require("viewer"))]
Manager = Annotated[Principal, Depends(require("manager"))]


@router.get("", summary="List warehouses", responses=answers())
def get_warehouses(request: Request, who: Viewer) -> list[WarehouseOut]:
    """Every warehouse with its on-hand and available stock."""
    with services(request).db.read() as session:
        return list_warehouses(session)


@router.post("", status_code=201, summary="Add a warehouse", responses=answers(409, 413))
def post_warehouse(
    request: Request,
    warehouse: Annotated[Warehouse, Body(openapi_examples=example("a reserve", WAREHOUSE))],
    who: Manager,
) -> WarehouseOut:
    """Add a warehouse (scenario fields); ``stock`` is recorded as opening receipts."""
    with services(request).db.write() as session:
        row = create_warehouse(session, warehouse, key_id=who.key_id)
        session.flush()
        return warehouse_out(session, row)


@router.post(
    "/import", summary="Import items and warehouses from a scenario", responses=answers(409, 413)
)
def post_import(
    request: Request,
    body: Annotated[
        ScenarioImport, Body(openapi_examples=example("a scenario", {"scenario": SCENARIO}))
    ],
    who: Manager,
) -> ImportResult:
    """Create the scenario's items and warehouses that do not exist yet.

    New warehouses get the scenario stock as opening balance; existing items
    and warehouses are left unchanged.
    """
    problems = scenario_errors(body.scenario)
    if problems is not None:
        raise problems
    with services(request).db.write() as session:
        return ImportResult(**import_scenario(session, body.scenario, key_id=who.key_id))


@router.get("/{warehouse_id}", summary="One warehouse", responses=answers(404))
def get_one(request: Request, warehouse_id: IdPath, who: Viewer) -> WarehouseOut:
    """One warehouse with its on-hand and available stock."""
    with services(request).db.read() as session:
        return get_warehouse(session, warehouse_id)


@router.get(
    "/{warehouse_id}/stock",
    summary="Stock of a warehouse",
    responses=answers(404),
    response_description="On hand, reserved and available units per item.",
)
def get_stock(request: Request, warehouse_id: IdPath, who: Viewer) -> dict[str, StockLevel]:
    """``{item: {on_hand, reserved, available}}`` for every item ever held here."""
    with services(request).db.read() as session:
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
    request: Request,
    warehouse_id: IdPath,
    movement: MovementIn,
    who: Manager,
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
    would go negative.
    """
    status, body = record_movement(
        services(request).db,
        warehouse_id,
        movement,
        key_id=who.key_id,
        idempotency_key=idempotency_key,
    )
    return JSONResponse(body, status_code=status)


@router.get("/{warehouse_id}/movements", summary="The movement ledger", responses=answers(404))
def get_movements(
    request: Request,
    warehouse_id: IdPath,
    who: Viewer,
    after_id: Annotated[int, Query(ge=0, le=2**62, description="Entries after this id.")] = 0,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
) -> list[MovementOut]:
    """Return the append-only ledger of this warehouse, oldest first (page with ``after_id``)."""
    with services(request).db.read() as session:
        require_warehouse(session, warehouse_id)
        rows = session.scalars(
            select(MovementRow)
            .where(MovementRow.warehouse_id == warehouse_id, MovementRow.id > after_id)
            .order_by(MovementRow.id)
            .limit(limit)
        )
        return [MovementOut.of(r) for r in rows]
