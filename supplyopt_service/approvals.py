"""Approving a plan reserves its stock; dispatching issues it; releasing gives it back.

Each operation is one database transaction. Approval locks the plan job and
every balance row it needs (in a fixed order), checks that all of it is
available, and only then reserves: either every unit is reserved or none is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .core import audit
from .core.errors import ConflictError, InsufficientStockError, NotFoundError
from .core.tables import PlanJobRow, ReservationRow, WarehouseRow, utcnow
from .inventory import Pair, change_stock, lock_stock


def plan_takes(plan: Mapping[str, Any]) -> dict[Pair, int]:
    """Units a plan file loads, per (warehouse, item): the sum over its trips' stops."""
    totals: dict[Pair, int] = defaultdict(int)
    for trip in plan.get("trips", []):
        for stop in trip.get("stops", []):
            for item_id, quantity in stop.get("deliver", {}).items():
                if quantity:
                    totals[(trip["warehouse"], item_id)] += int(quantity)
    return dict(totals)


def lock_job(session: Session, plan_id: str) -> PlanJobRow:
    """Return the plan job, locked for update; 404 if unknown."""
    job = session.get(PlanJobRow, plan_id, with_for_update=True, populate_existing=True)
    if job is None:
        raise NotFoundError(f"no plan with id {plan_id!r}")
    return job


def approve(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Reserve every unit the plan takes from service warehouses, or nothing.

    Returns
    -------
    dict
        The reserved units per (warehouse, item).

    Raises
    ------
    ConflictError
        If the plan is not done or was already approved.
    InsufficientStockError
        With the shortfall of every (warehouse, item) not available; nothing reserved.
    """
    job = lock_job(session, plan_id)
    if job.status != "done" or job.plan is None:
        raise ConflictError(f"plan {plan_id} is {job.status}; only a done plan can be approved")
    if job.approval is not None:
        raise ConflictError(f"plan {plan_id} is already {job.approval}")
    takes = plan_takes(job.plan)
    known = set(
        session.scalars(select(WarehouseRow.id).where(WarehouseRow.id.in_({w for w, _ in takes})))
    )
    needed = {pair: q for pair, q in sorted(takes.items()) if pair[0] in known}
    locked = lock_stock(session, needed)
    shortfall: list[dict[str, Any]] = []
    for (warehouse_id, item_id), quantity in needed.items():
        row = locked.get((warehouse_id, item_id))
        available = 0 if row is None else row.on_hand - row.reserved
        if available < quantity:
            shortfall.append(
                {
                    "warehouse": warehouse_id,
                    "item": item_id,
                    "requested": quantity,
                    "available": available,
                    "missing": quantity - available,
                }
            )
    if shortfall:
        total = sum(s["missing"] for s in shortfall)
        raise InsufficientStockError(
            f"plan {plan_id} needs {total} more units than are available "
            f"({len(shortfall)} warehouse/item pairs short); nothing was reserved",
            shortfall,
        )
    for (warehouse_id, item_id), quantity in needed.items():
        change_stock(
            session,
            locked[(warehouse_id, item_id)],
            kind="reserve",
            quantity=0,
            reserved_change=quantity,
            note="plan approved",
            plan_id=plan_id,
            key_id=key_id,
        )
        session.add(
            ReservationRow(
                plan_id=plan_id, warehouse_id=warehouse_id, item_id=item_id, quantity=quantity
            )
        )
    job.approval = "approved"
    job.approved_at = utcnow()
    audit.record(
        session,
        key_id,
        "plan.approve",
        f"plans/{plan_id}",
        {"reserved": [[w, i, q] for (w, i), q in needed.items()]},
    )
    return needed


def _settle(
    session: Session, plan_id: str, *, key_id: int | None, dispatch: bool
) -> dict[Pair, int]:
    job = lock_job(session, plan_id)
    if job.approval != "approved":
        state = job.approval or "not approved"
        raise ConflictError(
            f"plan {plan_id} is {state}; only an approved plan can be "
            f"{'dispatched' if dispatch else 'released'}"
        )
    held = reservations(session, plan_id)
    locked = lock_stock(session, held)
    for pair, quantity in held.items():
        if dispatch:
            change_stock(
                session,
                locked[pair],
                kind="issue",
                quantity=-quantity,
                reserved_change=-quantity,
                note="plan dispatched",
                plan_id=plan_id,
                key_id=key_id,
            )
        else:
            change_stock(
                session,
                locked[pair],
                kind="release",
                quantity=0,
                reserved_change=-quantity,
                note="approval cancelled",
                plan_id=plan_id,
                key_id=key_id,
            )
    job.approval = "dispatched" if dispatch else "released"
    audit.record(
        session,
        key_id,
        "plan.dispatch" if dispatch else "plan.release",
        f"plans/{plan_id}",
        {"units": sum(held.values())},
    )
    return held


def dispatch(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Turn an approved plan's reservation into issues (on hand and reserved both drop)."""
    return _settle(session, plan_id, key_id=key_id, dispatch=True)


def release(session: Session, plan_id: str, *, key_id: int | None) -> dict[Pair, int]:
    """Cancel an approval: give the reserved units back to available stock."""
    return _settle(session, plan_id, key_id=key_id, dispatch=False)


def reservations(session: Session, plan_id: str) -> dict[Pair, int]:
    """Units an approval holds (or held) per (warehouse, item)."""
    rows = session.scalars(
        select(ReservationRow)
        .where(ReservationRow.plan_id == plan_id)
        .order_by(ReservationRow.warehouse_id, ReservationRow.item_id)
    )
    return {(r.warehouse_id, r.item_id): r.quantity for r in rows}
