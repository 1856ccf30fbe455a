"""Stock transfers between warehouses: drafted by a planner, approved or rejected by a manager.

A draft changes no stock. Approving books, in one transaction, an issue at
the source and a receipt at the destination (two ledger entries, through
:func:`~.inventory.change_stock`); if the source no longer has the units
available, the answer is 409 with the shortfall and nothing changes. Every
step is audited.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .core import audit
from .core.errors import (
    ConflictError,
    InsufficientStockError,
    InvalidInputError,
    Loc,
    NotFoundError,
)
from .core.tables import ItemRow, ReadinessJobRow, TransferRow, WarehouseRow, utcnow
from .inventory import change_stock, ensure_stock_rows, lock_stock
from .readiness_schemas import TransferIn, TransferOut
from .schemas import as_utc


def transfer_out(row: TransferRow) -> TransferOut:
    """The API view of a transfer row."""
    return TransferOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        source=row.source_id,
        target=row.target_id,
        item=row.item_id,
        quantity=row.quantity,
        readiness_id=row.readiness_id,
        note=row.note,
        created_by=row.created_by,
        created_at=as_utc(row.created_at),  # type: ignore[arg-type]
        decided_by=row.decided_by,
        decided_at=as_utc(row.decided_at),
        issue_id=row.issue_id,
        receipt_id=row.receipt_id,
    )


def _problems(session: Session, draft: TransferIn) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for field, warehouse_id in (("from", draft.source), ("to", draft.target)):
        if session.get(WarehouseRow, warehouse_id) is None:
            problems.append((["body", field], f"unknown warehouse {warehouse_id!r}"))
    if draft.source == draft.target:
        problems.append((["body", "to"], "must differ from 'from' (the same warehouse)"))
    if session.get(ItemRow, draft.item) is None:
        problems.append((["body", "item"], f"unknown item {draft.item!r}"))
    if draft.readiness_id is not None and session.get(ReadinessJobRow, draft.readiness_id) is None:
        problems.append((["body", "readiness_id"], f"no readiness run {draft.readiness_id!r}"))
    return problems


def create(session: Session, draft: TransferIn, *, key_id: int | None) -> TransferRow:
    """Add a draft transfer; 422 with every unknown warehouse, item or run located."""
    problems = _problems(session, draft)
    if problems:
        raise InvalidInputError(problems)
    row = TransferRow(
        status="draft",
        source_id=draft.source,
        target_id=draft.target,
        item_id=draft.item,
        quantity=draft.quantity,
        readiness_id=draft.readiness_id,
        note=draft.note,
        created_by=key_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        key_id,
        "transfer.draft",
        f"transfers/{row.id}",
        draft.model_dump(mode="json", by_alias=True, exclude_none=True),
    )
    return row


def _lock_draft(session: Session, transfer_id: int, verb: str) -> TransferRow:
    row = session.get(TransferRow, transfer_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise NotFoundError(f"no transfer with id {transfer_id}")
    if row.status != "draft":
        raise ConflictError(f"transfer {transfer_id} is {row.status}; only a draft can be {verb}")
    return row


def approve(session: Session, transfer_id: int, *, key_id: int | None) -> TransferRow:
    """Book the transfer: an issue at the source, a receipt at the destination, together.

    Raises
    ------
    InsufficientStockError
        (409) The source has fewer units available than the transfer moves;
        nothing is changed.
    ConflictError
        (409) The transfer is not a draft.
    """
    row = _lock_draft(session, transfer_id, "approved")
    pairs = [(row.source_id, row.item_id), (row.target_id, row.item_id)]
    ensure_stock_rows(session, pairs)
    locked = lock_stock(session, pairs)
    note = f"transfer {row.id}: {row.quantity} {row.item_id} {row.source_id} → {row.target_id}"
    source = locked[pairs[0]]
    try:
        issue = change_stock(
            session, source, kind="issue", quantity=-row.quantity, note=note, key_id=key_id
        )
    except InsufficientStockError as err:
        available = source.on_hand - source.reserved
        raise InsufficientStockError(
            f"transfer {row.id}: {row.source_id} has {available} {row.item_id} available, "
            f"the transfer moves {row.quantity} ({row.quantity - available} missing); "
            "nothing was changed",
            err.shortfall,
        ) from err
    receipt = change_stock(
        session, locked[pairs[1]], kind="receipt", quantity=row.quantity, note=note, key_id=key_id
    )
    session.flush()
    row.status, row.decided_by, row.decided_at = "approved", key_id, utcnow()
    row.issue_id, row.receipt_id = issue.id, receipt.id
    audit.record(
        session,
        key_id,
        "transfer.approve",
        f"transfers/{row.id}",
        {"issue_id": issue.id, "receipt_id": receipt.id, "quantity": row.quantity},
    )
    return row


def reject(session: Session, transfer_id: int, *, key_id: int | None) -> TransferRow:
    """Reject a draft transfer (no stock moves); 409 unless it is a draft."""
    row = _lock_draft(session, transfer_id, "rejected")
    row.status, row.decided_by, row.decided_at = "rejected", key_id, utcnow()
    audit.record(session, key_id, "transfer.reject", f"transfers/{row.id}")
    return row


def list_transfers(
    session: Session, *, status: str | None, after: int | None, limit: int
) -> tuple[list[TransferRow], int | None]:
    """Transfers newest first (by id), at most ``limit`` below ``after``; and the next cursor."""
    query = select(TransferRow).order_by(TransferRow.id.desc()).limit(limit + 1)
    if status is not None:
        query = query.where(TransferRow.status == status)
    if after is not None:
        query = query.where(TransferRow.id < after)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, rows[-1].id if more else None
