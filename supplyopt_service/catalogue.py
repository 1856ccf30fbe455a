"""Items and warehouses: creation (with opening stock), reading, import from a scenario."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from supplyopt.model import Item, Scenario, Warehouse

from .core import audit
from .core.db import Database, serialize
from .core.errors import ConflictError, InvalidInputError, Loc
from .core.tables import ItemRow, MovementRow, StockRow, WarehouseRow
from .ids import id_problem
from .inventory import change_stock, ensure_stock_rows, lock_stock, require_warehouse
from .schemas import WarehouseOut

#: Name of the lock (:func:`~.core.db.serialize`) under which items and warehouses are
#: added: two adds of one id (or imports) at once take turns, so the second sees the first.
CATALOGUE_WRITES = "catalogue-writes"


def create_item(session: Session, item: Item, *, key_id: int | None) -> ItemRow:
    """Add an item to the catalogue; 409 if the id is taken (also by a racing add)."""
    serialize(session, CATALOGUE_WRITES)
    if session.get(ItemRow, item.id) is not None:
        raise ConflictError(f"item {item.id!r} already exists")
    row = ItemRow(
        id=item.id,
        name=item.name,
        names=item.names,
        weight_kg=item.weight_kg,
        volume_m3=item.volume_m3,
    )
    session.add(row)
    audit.record(session, key_id, "item.create", f"items/{item.id}", item.model_dump(mode="json"))
    return row


def list_items(
    session: Session, after: str | None = None, limit: int | None = None
) -> list[ItemRow]:
    """Return the catalogue by id: at most ``limit`` items after the id ``after``."""
    query = select(ItemRow).order_by(ItemRow.id).limit(limit)
    if after is not None:
        query = query.where(ItemRow.id > after)
    return list(session.scalars(query))


def create_warehouse(
    session: Session, warehouse: Warehouse, *, key_id: int | None, where: Loc | None = None
) -> WarehouseRow:
    """Add a warehouse; its ``stock`` becomes opening receipts in the ledger.

    Raises
    ------
    ConflictError
        If the id is taken (also by an add racing this one).
    InvalidInputError
        If the stock names items missing from the catalogue (each located).
    """
    where = ["body"] if where is None else where
    serialize(session, CATALOGUE_WRITES)  # a racing add of the same id waits, then sees it
    if session.get(WarehouseRow, warehouse.id) is not None:
        raise ConflictError(f"warehouse {warehouse.id!r} already exists")
    unknown = _unknown_items(session, warehouse.stock)
    if unknown:
        raise InvalidInputError(
            [
                ([*where, "stock", i], f"unknown item {i!r}; create it with POST /items first")
                for i in unknown
            ]
        )
    row = WarehouseRow(
        id=warehouse.id,
        name=warehouse.name,
        lat=warehouse.lat,
        lon=warehouse.lon,
        fleet=dict(warehouse.fleet),
        ready_hours=warehouse.ready_hours,
        loading_hours=warehouse.loading_hours,
        loading_bays=warehouse.loading_bays,
    )
    session.add(row)
    session.flush()
    opening = {i: q for i, q in warehouse.stock.items() if q > 0}
    ensure_stock_rows(session, [(warehouse.id, i) for i in opening])
    locked = lock_stock(session, [(warehouse.id, i) for i in opening])
    for item_id, quantity in sorted(opening.items()):
        change_stock(
            session,
            locked[(warehouse.id, item_id)],
            kind="receipt",
            quantity=quantity,
            note="opening balance",
            key_id=key_id,
        )
    audit.record(
        session,
        key_id,
        "warehouse.create",
        f"warehouses/{warehouse.id}",
        warehouse.model_dump(mode="json"),
    )
    return row


def _unknown_items(session: Session, stock: dict[str, int]) -> list[str]:
    wellformed = [i for i in stock if id_problem(i) is None]  # a NUL cannot even be queried
    if not wellformed:
        return list(stock)
    known = set(session.scalars(select(ItemRow.id).where(ItemRow.id.in_(wellformed))))
    return [i for i in stock if i not in known]


def warehouse_out(session: Session, row: WarehouseRow) -> WarehouseOut:
    """Return a warehouse with its current on-hand and available stock."""
    balances = session.scalars(select(StockRow).where(StockRow.warehouse_id == row.id))
    on_hand: dict[str, int] = {}
    available: dict[str, int] = {}
    for b in sorted(balances, key=lambda b: b.item_id):
        on_hand[b.item_id] = b.on_hand
        available[b.item_id] = b.on_hand - b.reserved
    return WarehouseOut(
        id=row.id,
        name=row.name,
        lat=row.lat,
        lon=row.lon,
        stock=on_hand,
        available=available,
        fleet={k: int(v) for k, v in row.fleet.items()},
        ready_hours=row.ready_hours,
        loading_hours=row.loading_hours,
        loading_bays=row.loading_bays,
    )


def get_warehouse(session: Session, warehouse_id: str) -> WarehouseOut:
    """One warehouse, or 404."""
    return warehouse_out(session, require_warehouse(session, warehouse_id))


def list_warehouses(
    session: Session, after: str | None = None, limit: int | None = None
) -> list[WarehouseOut]:
    """Warehouses by id: at most ``limit`` after the id ``after``."""
    query = select(WarehouseRow).order_by(WarehouseRow.id).limit(limit)
    if after is not None:
        query = query.where(WarehouseRow.id > after)
    return [warehouse_out(session, r) for r in session.scalars(query)]


#: Warehouses created per transaction by an import: each batch holds the write lock
#: (SQLite) only briefly, so stock movements are not kept waiting behind a large import.
IMPORT_BATCH = 200

ImportResultData = dict[str, Any]


def import_scenario(db: Database, scenario: Scenario, *, key_id: int | None) -> ImportResultData:
    """Create the scenario's items and warehouses that do not exist yet.

    New warehouses get the scenario stock as opening balance. An existing
    warehouse gets, as opening balance, the scenario stock of the items it
    has never held (no balance row yet; listed in ``added_stock``): a
    warehouse imported from an earlier scenario would otherwise plan a new
    item with 0 under ``use_inventory``. Stock of items it holds (or held) is
    never overwritten: record movements for that. Items are created in one transaction, warehouses in batches of
    :data:`IMPORT_BATCH`, each its own transaction: should an import stop
    half-way, the batches committed stay, and sending it again completes it.
    """
    result: ImportResultData = {
        "created_items": [],
        "existing_items": [],
        "created_warehouses": [],
        "existing_warehouses": [],
        "added_stock": {},
    }
    with db.write() as session:
        # Imports sent twice at once (PostgreSQL) take turns: each sees what the other created.
        serialize(session, CATALOGUE_WRITES)
        for item in scenario.items:
            if session.get(ItemRow, item.id) is None:
                create_item(session, item, key_id=key_id)
                result["created_items"].append(item.id)
            else:
                result["existing_items"].append(item.id)
    indexed = list(enumerate(scenario.warehouses))
    for start in range(0, len(indexed), IMPORT_BATCH):
        with db.write() as session:
            serialize(session, CATALOGUE_WRITES)
            created, existing = import_warehouses(
                session, indexed[start : start + IMPORT_BATCH], key_id=key_id
            )
            batch = [w for _, w in indexed[start : start + IMPORT_BATCH] if w.id in existing]
            added = add_new_items(session, batch, key_id=key_id)
        result["created_warehouses"] += created
        result["existing_warehouses"] += existing
        result["added_stock"].update(added)
    return result


def add_new_items(
    session: Session, warehouses: list[Warehouse], *, key_id: int | None
) -> dict[str, dict[str, int]]:
    """Receive, as opening balance, the scenario stock of items an existing warehouse never held.

    Returns ``{warehouse: {item: units}}`` of what was received (warehouses
    with nothing new are absent). Items with a balance row, even at 0, are
    left alone: their stock is the ledger's.
    """
    wanted = [(w.id, i) for w in warehouses for i, q in w.stock.items() if q > 0]
    if not wanted:
        return {}
    ids = sorted({w.id for w in warehouses})
    held = {
        (row.warehouse_id, row.item_id)
        for row in session.scalars(select(StockRow).where(StockRow.warehouse_id.in_(ids)))
    }
    new = [pair for pair in wanted if pair not in held]
    ensure_stock_rows(session, new)
    locked = lock_stock(session, new)
    # Under the lock, a row another transaction gave a balance since ``held`` was read (an
    # import sent twice at once, on PostgreSQL) has a ledger entry: it is held now.
    booked = _with_movements(session, new)
    new = [pair for pair in new if pair not in booked]
    added: dict[str, dict[str, int]] = {}
    units = {w.id: w.stock for w in warehouses}
    for warehouse_id, item_id in sorted(new):
        quantity = units[warehouse_id][item_id]
        change_stock(
            session,
            locked[(warehouse_id, item_id)],
            kind="receipt",
            quantity=quantity,
            note="opening balance (scenario import: item new to this warehouse)",
            key_id=key_id,
        )
        added.setdefault(warehouse_id, {})[item_id] = quantity
    for warehouse_id, stock in added.items():
        audit.record(session, key_id, "warehouse.import_items", f"warehouses/{warehouse_id}", stock)
    return added


def _with_movements(session: Session, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (warehouse, item) pairs among ``pairs`` that have at least one ledger entry."""
    if not pairs:
        return set()
    rows = session.execute(
        select(MovementRow.warehouse_id, MovementRow.item_id)
        .where(tuple_(MovementRow.warehouse_id, MovementRow.item_id).in_(pairs))
        .distinct()
    )
    return {(w, i) for w, i in rows}


def import_warehouses(
    session: Session, warehouses: list[tuple[int, Warehouse]], *, key_id: int | None
) -> tuple[list[str], list[str]]:
    """Create the warehouses (with their scenario index) that do not exist; (created, existing)."""
    created: list[str] = []
    existing: list[str] = []
    for idx, warehouse in warehouses:
        if session.get(WarehouseRow, warehouse.id) is None:
            create_warehouse(
                session, warehouse, key_id=key_id, where=["body", "scenario", "warehouses", idx]
            )
            created.append(warehouse.id)
        else:
            existing.append(warehouse.id)
    return created, existing
