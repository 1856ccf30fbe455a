"""The stock ledger: balances per warehouse and item, movements, idempotent retries.

Every change of stock goes through :func:`change_stock` on a row locked with
:func:`lock_stock` inside a write transaction; it refuses (409) anything that
would make on-hand, reserved or available stock negative, or on-hand stock
exceed :data:`~supplyopt.model.MAX_QUANTITY` (the most a scenario, hence a plan
with live inventory, can hold), and the table's CHECK constraints refuse
negative stock again should the application ever get it wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from supplyopt.model import MAX_QUANTITY

from .core import audit
from .core.db import Database
from .core.errors import (
    ConflictError,
    InsufficientStockError,
    InvalidInputError,
    NotFoundError,
)
from .core.tables import IdempotencyRow, ItemRow, MovementRow, StockRow, WarehouseRow
from .schemas import MovementIn, MovementOut

Pair = tuple[str, str]


class StockCapError(ConflictError):
    """On-hand stock would exceed MAX_QUANTITY (409); nothing was changed."""


def ensure_stock_rows(session: Session, pairs: Iterable[Pair]) -> None:
    """Create zero balance rows for (warehouse, item) pairs that have none yet."""
    values = [
        {"warehouse_id": w, "item_id": i, "on_hand": 0, "reserved": 0}
        for w, i in sorted(set(pairs))
    ]
    if not values:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(StockRow).values(values).on_conflict_do_nothing())


def lock_stock(session: Session, pairs: Iterable[Pair]) -> dict[Pair, StockRow]:
    """Load and lock (``FOR UPDATE`` on PostgreSQL) the balance rows of ``pairs``.

    Rows are locked in a fixed order so that two transactions never deadlock.
    Pairs without a balance row are absent from the result.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    rows = session.scalars(
        select(StockRow)
        .where(tuple_(StockRow.warehouse_id, StockRow.item_id).in_(wanted))
        .order_by(StockRow.warehouse_id, StockRow.item_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {(row.warehouse_id, row.item_id): row for row in rows}


def change_stock(
    session: Session,
    row: StockRow,
    *,
    kind: str,
    quantity: int,
    reserved_change: int = 0,
    note: str | None = None,
    plan_id: str | None = None,
    key_id: int | None = None,
) -> MovementRow:
    """Apply one change to a locked balance row and append it to the ledger.

    Raises
    ------
    InsufficientStockError
        If on-hand, reserved or available stock would go negative.
    StockCapError
        If on-hand stock would exceed :data:`~supplyopt.model.MAX_QUANTITY`.
    """
    on_hand = row.on_hand + quantity
    if on_hand > MAX_QUANTITY:
        raise StockCapError(
            f"{row.warehouse_id}/{row.item_id}: {kind} ({quantity:+d} on hand) would leave "
            f"{on_hand} units of item {row.item_id!r} on hand, above the cap of {MAX_QUANTITY} "
            "units per item and warehouse; nothing was changed"
        )
    reserved = row.reserved + reserved_change
    available = on_hand - reserved
    if on_hand < 0 or reserved < 0 or available < 0:
        before = row.on_hand - row.reserved
        raise InsufficientStockError(
            f"{row.warehouse_id}/{row.item_id}: {kind} ({quantity:+d} on hand, "
            f"{reserved_change:+d} reserved) would leave {on_hand} on hand, {reserved} "
            f"reserved, {available} available; nothing was changed",
            [
                {
                    "warehouse": row.warehouse_id,
                    "item": row.item_id,
                    "requested": max(reserved_change - quantity, 0),
                    "available": before,
                    "missing": max(-on_hand, -reserved, -available),
                }
            ],
        )
    row.on_hand, row.reserved = on_hand, reserved
    movement = MovementRow(
        warehouse_id=row.warehouse_id,
        item_id=row.item_id,
        kind=kind,
        quantity=quantity,
        reserved_change=reserved_change,
        on_hand_after=on_hand,
        reserved_after=reserved,
        note=note,
        plan_id=plan_id,
        key_id=key_id,
    )
    session.add(movement)
    return movement


def stock_levels(session: Session, warehouse_id: str) -> dict[str, dict[str, int]]:
    """``{item: {on_hand, reserved, available}}`` of one warehouse."""
    rows = session.scalars(
        select(StockRow).where(StockRow.warehouse_id == warehouse_id).order_by(StockRow.item_id)
    )
    return {
        r.item_id: {
            "on_hand": r.on_hand,
            "reserved": r.reserved,
            "available": r.on_hand - r.reserved,
        }
        for r in rows
    }


def available_stock(session: Session, warehouse_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """Available units per item for each of the given warehouses that exists."""
    ids = sorted(set(warehouse_ids))
    known = set(session.scalars(select(WarehouseRow.id).where(WarehouseRow.id.in_(ids))))
    result: dict[str, dict[str, int]] = {w: {} for w in ids if w in known}
    for row in session.scalars(select(StockRow).where(StockRow.warehouse_id.in_(known))):
        result[row.warehouse_id][row.item_id] = row.on_hand - row.reserved
    return result


def require_warehouse(session: Session, warehouse_id: str) -> WarehouseRow:
    """Return the warehouse row, or 404."""
    row = session.get(WarehouseRow, warehouse_id)
    if row is None:
        raise NotFoundError(f"no warehouse with id {warehouse_id!r}")
    return row


def _request_hash(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class IdempotencyMismatchError(InvalidInputError):
    """An ``Idempotency-Key`` reused with a different body (422)."""


def record_movement(
    db: Database,
    warehouse_id: str,
    movement: MovementIn,
    *,
    key_id: int | None,
    idempotency_key: str | None = None,
) -> tuple[int, dict[str, Any]]:
    """Record a receipt, issue or adjustment; returns (HTTP status, ledger entry as JSON).

    With an ``idempotency_key``, a retry with the same body gets the first
    answer again, unchanged (same status, same ledger entry), and changes
    nothing; the same key with another body is refused with 422. Refused
    movements (409) are not remembered, so a retry after stock arrives can
    succeed.

    Keys are scoped by API key: two desks may use the same key (and body)
    without one getting the other's answer. The warehouse is part of the
    request: the same key sent to another warehouse is refused with 422.
    """
    target = f"warehouses/{warehouse_id}/movements"
    scope = f"keys/{key_id}/movements" if key_id is not None else "local/movements"
    request_hash = _request_hash({"warehouse": warehouse_id, **movement.model_dump(mode="json")})
    for attempt in (1, 2):
        try:
            with db.write() as session:
                if idempotency_key is not None:
                    stored = session.get(IdempotencyRow, (scope, idempotency_key))
                    if stored is not None:
                        return _replay(stored, request_hash)
                require_warehouse(session, warehouse_id)
                if session.get(ItemRow, movement.item) is None:
                    raise InvalidInputError([(["body", "item"], f"unknown item {movement.item!r}")])
                ensure_stock_rows(session, [(warehouse_id, movement.item)])
                row = lock_stock(session, [(warehouse_id, movement.item)])[
                    (warehouse_id, movement.item)
                ]
                entry = change_stock(
                    session,
                    row,
                    kind=movement.kind,
                    quantity=movement.quantity,
                    note=movement.note,
                    key_id=key_id,
                )
                session.flush()
                body = MovementOut.of(entry).model_dump(mode="json")
                audit.record(
                    session,
                    key_id,
                    "movement.create",
                    target,
                    {"movement_id": entry.id, **movement.model_dump(mode="json")},
                )
                if idempotency_key is not None:
                    session.add(
                        IdempotencyRow(
                            scope=scope,
                            key=idempotency_key,
                            request_hash=request_hash,
                            status_code=201,
                            response=body,
                        )
                    )
                    session.flush()
                return 201, body
        except IntegrityError:
            # A concurrent request with the same Idempotency-Key committed first:
            # the retry finds its stored answer.
            if attempt == 2 or idempotency_key is None:
                raise
    raise AssertionError("unreachable")


def _replay(stored: IdempotencyRow, request_hash: str) -> tuple[int, dict[str, Any]]:
    if stored.request_hash != request_hash:
        raise IdempotencyMismatchError(
            [
                (
                    ["header", "Idempotency-Key"],
                    "this key was already used with a different request (body or warehouse); "
                    "use a new key",
                )
            ]
        )
    return stored.status_code, dict(stored.response)
